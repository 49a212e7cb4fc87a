import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadedDefinition } from '../../support/engine-definition.js';
import {
  DEFAULT_STEP_LIMITS,
  executeStep,
  type LoadedDefinition,
  type StepLimits,
} from '../../../server/engine/runtime.js';

/** A step's work is bounded: past a limit the engine is stopped and the step fails, never hangs. */
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bpmn/${name}`, import.meta.url), 'utf8');

const load = (name: string): Promise<LoadedDefinition> => loadedDefinition(fixture(name));

const generous: StepLimits = { ...DEFAULT_STEP_LIMITS, maxStepMs: 60_000 };

describe('executeStep limits', () => {
  it('stops a loop after the maximum activity executions, keeping no half-run state', async () => {
    // given a loop that never ends, and a limit of 30 activity executions
    const definition = await load('loop.endless.bpmn');
    // when it starts
    const outcome = await executeStep(definition, null, { forever: true }, { kind: 'start' }, Date.now, {
      ...generous,
      maxActivityExecutions: 30,
    });
    // then the step fails with the limit named, and nothing of the run is kept
    expect(outcome).toMatchObject({ status: 'failed', state: null, history: [], waiting: [], timers: [] });
    expect(outcome.runaway?.code).toBe('STEP_ACTIVITY_LIMIT');
    expect(outcome.error).toMatch(/more than 30 activity executions/);
  });

  it('stops a step that keeps the engine busy past the time limit', async () => {
    const definition = await load('loop.endless.bpmn');
    const outcome = await executeStep(definition, null, { forever: true }, { kind: 'start' }, Date.now, {
      ...DEFAULT_STEP_LIMITS,
      maxStepMs: 20,
    });
    expect(outcome.runaway?.code).toBe('STEP_TIME_LIMIT');
    expect(outcome.status).toBe('failed');
  });

  it('refuses an evaluated multi-instance cardinality above the maximum before expanding it', async () => {
    const definition = await load('multi-instance.cardinality-from-variable.bpmn');
    const started = performance.now();
    const outcome = await executeStep(definition, null, { copies: 1_000_000 }, { kind: 'start' }, Date.now, generous);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(outcome.runaway).toMatchObject({ code: 'MULTI_INSTANCE_LIMIT', elementId: 'copy' });
    expect(outcome.error).toBe(
      '"Copy": 1000000 multi-instance iterations exceed the largest multi-instance allowed (1000)',
    );
    const within = await executeStep(definition, null, { copies: 3 }, { kind: 'start' }, Date.now, generous);
    expect(within).toMatchObject({ status: 'completed', runaway: null });
  });

  it('refuses a timer cycle resolved below the minimum interval instead of looping on it', async () => {
    const definition = await load('timer-cycle.zero-interval.bpmn');
    const outcome = await executeStep(definition, null, { cycle: 'R/PT0S' }, { kind: 'start' }, Date.now, generous);
    expect(outcome.runaway).toMatchObject({ code: 'TIMER_CYCLE_LIMIT', elementId: 'remind' });
    const within = await executeStep(definition, null, { cycle: 'R3/PT1M' }, { kind: 'start' }, Date.now, generous);
    expect(within).toMatchObject({ status: 'running', runaway: null });
    expect(within.timers).toHaveLength(1);
  });

  it('keeps the state from before the command when a later command runs away', async () => {
    // given an instance waiting in its user task with a reminder every hour
    const definition = await load('timer-cycle.zero-interval.bpmn');
    const first = await executeStep(definition, null, { cycle: 'R3/PT1H' }, { kind: 'start' }, Date.now, generous);
    const [timer] = first.timers;
    // when its reminder fires, with a limit too small for the reminder's path
    const fired = await executeStep(
      definition,
      first.state,
      { cycle: 'R3/PT1H' },
      { kind: 'fire-timer', executionId: timer!.executionId },
      Date.now,
      { ...generous, maxActivityExecutions: 1 },
    );
    // then the step fails and hands back the state it started from
    expect(fired.runaway?.code).toBe('STEP_ACTIVITY_LIMIT');
    expect(fired.state).toBe(first.state);
  });
});

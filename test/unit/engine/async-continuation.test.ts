import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadedDefinition } from '../../support/engine-definition.js';
import {
  executeStep,
  type CommandWithVariables,
  type EngineState,
  type LoadedDefinition,
  type StepOutcome,
} from '../../../server/engine/runtime.js';
import type { Variables } from '../../../server/engine/step-context.js';

/** camunda:asyncBefore / asyncAfter as the engine runs them: a wait in the saved state, continued by a command. */
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bpmn/${name}`, import.meta.url), 'utf8');

const load = (name: string): Promise<LoadedDefinition> => loadedDefinition(fixture(name));

/** One step over state as the database gives it back: serialized and parsed, as on another node. */
async function step(
  definition: LoadedDefinition,
  state: EngineState | null,
  variables: Variables,
  command: CommandWithVariables,
): Promise<StepOutcome> {
  const stored = state ? (JSON.parse(JSON.stringify(state)) as EngineState) : null;
  return executeStep(definition, stored, variables, command);
}

const started = (outcome: StepOutcome) => outcome.history.filter((h) => h.event === 'start').map((h) => h.elementId);

describe('async continuations in the engine', () => {
  it('records camunda:asyncBefore and asyncAfter of an element in the definition', async () => {
    expect((await load('async-before.user-task.bpmn')).meta.asyncBoundaries).toEqual({ Review: { before: true } });
    expect((await load('async-after.user-task-gateway.bpmn')).meta.asyncBoundaries).toEqual({
      Approve: { after: true },
    });
    expect((await load('async-before.user-task.bpmn')).meta.asyncBoundaries).not.toHaveProperty('Start');
  });

  it('stops before a user task with asyncBefore and starts it, input mapping included, only when continued', async () => {
    const definition = await load('async-before.user-task.bpmn');
    // given an instance that reached the boundary
    const first = await step(definition, null, { amount: 21 }, { kind: 'start' });
    expect(first.status).toBe('running');
    expect(first.waiting).toEqual([]);
    expect(first.continuations).toEqual([{ executionId: expect.any(String), elementId: 'Review', boundary: 'before' }]);
    expect(started(first)).not.toContain('Review');
    const [boundary] = first.continuations;
    // when it is only resumed (another command on the instance), it still waits there
    const resumed = await step(definition, first.state, { amount: 21 }, { kind: 'resume' });
    expect(resumed.continuations).toEqual(first.continuations);
    expect(resumed.waiting).toEqual([]);
    // when its job continues it
    const continued = await step(
      definition,
      resumed.state,
      { amount: 21 },
      {
        kind: 'continue',
        executionId: boundary!.executionId,
      },
    );
    // then the task starts now, its input evaluated in this step
    expect(continued.applied).toBe(true);
    expect(continued.continuations).toEqual([]);
    expect(started(continued)).toEqual(['Review']);
    expect(continued.waiting).toMatchObject([{ elementId: 'Review', type: 'bpmn:UserTask', locals: { shown: 42 } }]);
  });

  it('commits a task completion before asyncAfter and takes the outgoing flows in the continuation', async () => {
    const definition = await load('async-after.user-task-gateway.bpmn');
    const first = await step(definition, null, {}, { kind: 'start' });
    const [task] = first.waiting;
    // when the task is completed
    const completed = await step(definition, first.state, {}, { kind: 'signal', executionId: task!.executionId });
    // then it has completed and waits after itself; the gateway has not run
    expect(completed.status).toBe('running');
    expect(completed.waiting).toEqual([]);
    expect(completed.continuations).toMatchObject([{ elementId: 'Approve', boundary: 'after' }]);
    expect(started(completed)).not.toContain('Route');
    const at = completed.continuations[0]!.executionId;
    // when continued without the variable the conditions read, the gateway fails in the continuation
    const failed = await step(definition, completed.state, {}, { kind: 'continue', executionId: at });
    expect(failed.status).toBe('failed');
    // when continued from the same committed state with the variable set, it takes the flow it chooses
    const ended = await step(definition, completed.state, { amount: 80 }, { kind: 'continue', executionId: at });
    expect(ended.status).toBe('completed');
    expect(started(ended)).toEqual(['Route', 'Small']);
  });

  it('evaluates the conditions of a gateway with asyncBefore in its continuation', async () => {
    const definition = await load('async-before.gateway.bpmn');
    const first = await step(definition, null, { amount: 500 }, { kind: 'start' });
    expect(first.continuations).toMatchObject([{ elementId: 'Route', boundary: 'before' }]);
    expect(started(first)).toEqual(['Start']);
    const ended = await step(
      definition,
      first.state,
      { amount: 500 },
      {
        kind: 'continue',
        executionId: first.continuations[0]!.executionId,
      },
    );
    expect(ended.status).toBe('completed');
    expect(started(ended)).toEqual(['Route', 'Large']);
  });

  it('waits before a start event with asyncBefore: the instance exists, nothing has run', async () => {
    const definition = await load('async-before.service-task.bpmn');
    const first = await step(definition, null, {}, { kind: 'start' });
    expect(first.status).toBe('running');
    expect(first.history).toEqual([]);
    expect(first.continuations).toMatchObject([{ elementId: 'Start', boundary: 'before' }]);
    // when continued, the start event runs and the service task stops at its own boundary
    const next = await step(
      definition,
      first.state,
      {},
      {
        kind: 'continue',
        executionId: first.continuations[0]!.executionId,
      },
    );
    expect(next.continuations).toMatchObject([{ elementId: 'CheckMeter', boundary: 'before' }]);
    expect(next.serviceRequests).toEqual([]);
    // and its continuation asks for the service call
    const called = await step(
      definition,
      next.state,
      {},
      {
        kind: 'continue',
        executionId: next.continuations[0]!.executionId,
      },
    );
    expect(called.serviceRequests).toMatchObject([{ elementId: 'CheckMeter' }]);
  });

  it('does not apply a continuation where nothing waits at a boundary', async () => {
    const definition = await load('async-before.user-task.bpmn');
    const first = await step(definition, null, { amount: 1 }, { kind: 'start' });
    const outcome = await step(definition, first.state, { amount: 1 }, { kind: 'continue', executionId: 'nowhere' });
    expect(outcome.applied).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineBaseBytes } from '../../../server/engine/engine-cache.js';
import { KeepAdmission } from '../../../server/engine/keep-admission.js';
import { LiveSteps } from '../../../server/engine/live-steps.js';
import { DEFAULT_STEP_LIMITS } from '../../../server/engine/runtime.js';
import { loadedDefinition } from '../../support/engine-definition.js';

/** Engines are kept for instances whose steps follow each other closely, not for those people step. */
describe('which live engines are kept', () => {
  it('keeps while a version’s steps follow closely, stops when they come minutes apart, and resumes', () => {
    const admission = new KeepAdmission({ hotMs: 10_000 });
    let now = 0;
    // a new version is trusted; a start has no previous step to judge by
    expect(admission.keep('i1', 'v1', now, true)).toBe(true);
    expect(admission.score('v1')).toBe(1);
    // steps a second apart (a job, a client driving the API) keep it so
    for (let i = 0; i < 30; i++) expect(admission.keep('i1', 'v1', (now += 1000))).toBe(true);
    expect(admission.score('v1')).toBeCloseTo(1);
    // steps ten minutes apart (people) wear the score down below a half within about 14 steps
    const kept: boolean[] = [];
    for (let i = 0; i < 20; i++) kept.push(admission.keep(`p${i % 3}`, 'v1', (now += 600_000)));
    // (the first three are steps of instances this node has not stepped: slow ones too)
    expect(kept.slice(0, 10).every(Boolean)).toBe(true);
    expect(kept.slice(-3)).toEqual([false, false, false]);
    expect(admission.score('v1')).toBeLessThan(0.5);
    // another version is judged by its own steps
    expect(admission.keep('j1', 'v2', now, true)).toBe(true);
    // and when the steps come close again, keeping resumes
    let resumed = false;
    for (let i = 0; i < 30 && !resumed; i++) resumed = admission.keep('p0', 'v1', (now += 500));
    expect(resumed).toBe(true);
  });

  it('remembers the last step of a bounded number of instances', () => {
    const admission = new KeepAdmission({ hotMs: 10_000, instances: 2 });
    admission.keep('a', 'v', 0, true);
    admission.keep('b', 'v', 1, true);
    admission.keep('c', 'v', 2, true);
    // c is remembered: a step a second later counts as a quick one
    admission.keep('c', 'v', 1_002);
    expect(admission.score('v')).toBe(1);
    // a was forgotten: its next step counts as a slow one, as if its last step were long ago
    admission.keep('a', 'v', 1_003);
    expect(admission.score('v')).toBeCloseTo(0.95);
  });

  it('counts a step whose instance this node has not stepped as a slow one, and a start as neither', () => {
    const admission = new KeepAdmission({ hotMs: 10_000 });
    // Completions of applications started on the other node (or before this node started): a kept
    // engine would wait for a next step that comes minutes later, if here at all.
    const kept: boolean[] = [];
    for (let i = 0; i < 20; i++) kept.push(admission.keep(`elsewhere${i}`, 'v', i));
    expect(kept.slice(0, 13).every(Boolean)).toBe(true);
    expect(kept.slice(-3)).toEqual([false, false, false]);
    const worn = admission.score('v');
    // starts leave the score as it is
    for (let i = 0; i < 10; i++) admission.keep(`new${i}`, 'v', 100 + i, true);
    expect(admission.score('v')).toBe(worn);
    // and their next steps, here and soon, raise it again
    for (let i = 0; i < 10; i++) admission.keep(`new${i}`, 'v', 200 + i);
    expect(admission.score('v')).toBeGreaterThan(worn);
  });

  it('steps without keeping the engine when told so, and keeps it otherwise', async () => {
    const xml = readFileSync(new URL('../../../bench/fixtures/two-tasks.bpmn', import.meta.url), 'utf8');
    const definition = await loadedDefinition(xml, 'v1');
    const live = new LiveSteps({ entries: 10, bytes: 1e9 });
    const key = (instanceId: string) => ({ instanceId, revision: 0, definitionId: 'v1' });
    const step = (instanceId: string, keep: boolean) =>
      live.step(
        definition,
        key(instanceId),
        null,
        { approved: true },
        { kind: 'start' },
        Date.now,
        DEFAULT_STEP_LIMITS,
        keep,
      );
    await step('slow', false);
    live.settle('slow', 1, true);
    expect(live.stats()).toMatchObject({ entries: 0 });
    await step('fast', true);
    live.settle('fast', 1, true);
    expect(live.has({ instanceId: 'fast', revision: 1, definitionId: 'v1' })).toBe(true);
    // counted by the definition's size: the fixture's 5 activities and 5 flows
    expect(live.stats().bytes).toBeGreaterThanOrEqual(engineBaseBytes(10));
  });

  it('keeps the engine of a small diagram and not of a large one, and the step says which', async () => {
    const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
    const small = await loadedDefinition(read('../../../bench/fixtures/two-tasks.bpmn'), 'small');
    const large = await loadedDefinition(read('../../../processes/new-connection.bpmn'), 'large');
    const live = new LiveSteps({ entries: 10, bytes: 1e9 });
    const start = (definition: typeof small, instanceId: string) =>
      live.step(
        definition,
        { instanceId, revision: 0, definitionId: definition.id },
        null,
        { approved: true },
        { kind: 'start' },
        Date.now,
        DEFAULT_STEP_LIMITS,
      );
    expect((await start(small, 's'))?.keptLive).toBe(true);
    // new-connection's engine (131 activities and flows) costs more kept than recovered
    const outcome = await start(large, 'l');
    expect(outcome?.status).toBe('running');
    expect(outcome?.keptLive).toBeUndefined();
    live.settle('l', 1, true);
    expect(live.has({ instanceId: 'l', revision: 1, definitionId: 'large' })).toBe(false);
    expect(live.stats().entries).toBe(1);
  });
});

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EnginePool } from '../../../../server/engine/pool/engine-pool.js';
import type { DeployedDefinition } from '../../../../server/engine/pool/runner.js';
import { DEFAULT_PROCESS_LIMITS } from '../../../../server/engine/runnability.js';
import { DEFAULT_STEP_LIMITS, RunawayStep } from '../../../../server/engine/runtime.js';
import { AppError } from '../../../../server/lib/errors.js';
import { createLogger } from '../../../../server/lib/logger.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/bpmn/${name}`, import.meta.url), 'utf8');
const logger = createLogger('silent');
const realClock = { now: () => Date.now(), frozen: false };

describe('the engine pool', () => {
  let pool: EnginePool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  async function deployed(p: EnginePool, name: string, id = name): Promise<DeployedDefinition> {
    const compiled = await p.compile(fixture(name), [], DEFAULT_PROCESS_LIMITS);
    return { id, key: compiled.key, version: 1, meta: compiled.meta, serializedContext: compiled.serializedContext };
  }

  /** Starts instance `instanceId` with its key (its engine kept), and the step that completes its review task. */
  async function startWithReview(p: EnginePool, instanceId: string) {
    const definition = await deployed(p, 'user-task.gateway.bpmn');
    const key = { instanceId, revision: 0, definitionId: definition.id };
    const started = await p.step(definition, null, {}, { kind: 'start' }, realClock, DEFAULT_STEP_LIMITS, key);
    const review = started.waiting.find((w) => w.elementId === 'review')!;
    const completeReview = () =>
      p.step(
        definition,
        started.state,
        { approved: false },
        { kind: 'signal', executionId: review.executionId },
        realClock,
        DEFAULT_STEP_LIMITS,
        { ...key, revision: 1 },
      );
    return { completeReview };
  }

  it('compiles, lints and runs steps on worker threads, not on the caller’s', async () => {
    pool = new EnginePool({ workers: 2, memoryMb: 256, logger });
    const definition = await deployed(pool, 'loop.endless.bpmn');
    // when a step runs while the caller's thread keeps counting
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const outcome = await pool.step(definition, null, { forever: true }, { kind: 'start' }, realClock, {
      ...DEFAULT_STEP_LIMITS,
      maxActivityExecutions: 1_000_000_000,
      maxStepMs: 600,
    });
    clearInterval(ticker);
    // then the engine ran its loop until the step's time limit, as a runaway kept as an incident
    expect(outcome.status).toBe('failed');
    expect(outcome.runaway).toBeInstanceOf(RunawayStep);
    expect(outcome.runaway?.code).toBe('STEP_TIME_LIMIT');
    // and meanwhile this thread was free: its timer fired throughout the 600 ms the engine was busy
    expect(ticks).toBeGreaterThan(20);
  });

  it('stops a loop at the step’s activity limit, deeper than a default worker stack would reach', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    const definition = await deployed(pool, 'loop.endless.bpmn');
    // when a loop may run 6 000 activity executions, over the ~4 500 at which a 4 MB stack overflowed,
    // and has all the time it needs
    const outcome = await pool.step(definition, null, { forever: true }, { kind: 'start' }, realClock, {
      ...DEFAULT_STEP_LIMITS,
      maxActivityExecutions: 6_000,
      maxStepMs: 120_000,
    });
    // then the activity limit stopped it, with its own message, not the call stack
    expect(outcome.runaway?.code).toBe('STEP_ACTIVITY_LIMIT');
    expect(outcome.runaway?.message).toMatch(/more than 6000 activity executions/);
  }, 120_000);

  it('rebuilds the platform’s errors from the worker, with their status and code', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    // when a document that is not XML is compiled
    const error = await pool.compile('<definitions', [], DEFAULT_PROCESS_LIMITS).catch((e: unknown) => e);
    // then the caller gets the platform's own 400, as if compiled on its thread
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, code: 'BPMN_XML_INVALID' });
    // and the lint answers in its words
    const issues = await pool.lint(fixture('loop.endless.bpmn'), {
      services: [],
      roles: [],
      users: [],
      forms: null,
      limits: DEFAULT_PROCESS_LIMITS,
    });
    expect(Array.isArray(issues)).toBe(true);
  });

  it('keeps a frozen clock standing still for the whole step', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    const definition = await deployed(pool, 'timer.intermediate.bpmn');
    const at = Date.parse('2026-03-02T01:00:00Z');
    const outcome = await pool.step(
      definition,
      null,
      {},
      { kind: 'start' },
      { now: () => at, frozen: true },
      DEFAULT_STEP_LIMITS,
    );
    expect(outcome.history.length).toBeGreaterThan(0);
    for (const event of outcome.history) expect(event.at.getTime()).toBe(at);
  });

  it('sends a version’s context to each worker once, and again when the worker no longer has it', async () => {
    pool = new EnginePool({ workers: 2, memoryMb: 256, logger });
    const definition = await deployed(pool, 'loop.endless.bpmn');
    // when many steps of one version run on two workers at once
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        pool!.step(definition, null, { forever: false }, { kind: 'start' }, realClock, DEFAULT_STEP_LIMITS),
      ),
    );
    // then every one completes
    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('completed'));
  });

  it('continues an instance’s engine on the step right after its commit (the settle rides along)', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    const { completeReview } = await startWithReview(pool, 'b');
    pool.settle('b', 1, true);
    // at once, before any timer: the commit reaches the worker with this step, ahead of it
    const next = await completeReview();
    expect(next).toMatchObject({ status: 'completed', applied: true, continuedLive: true });
  });

  it('never continues the engine of a step that rolled back', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    const { completeReview } = await startWithReview(pool, 'c');
    pool.settle('c', 1, false);
    const next = await completeReview();
    expect(next).toMatchObject({ status: 'completed', applied: true });
    expect(next.continuedLive).toBeUndefined();
  });

  describe('a step whose live engine a busy worker holds', () => {
    // Both workers idle and loaded: the first takes the start, and then the busy loop.
    async function startThenBusy(p: EnginePool) {
      await p.ready();
      const loop = await deployed(p, 'loop.endless.bpmn');
      const { completeReview } = await startWithReview(p, 'a');
      p.settle('a', 1, true);
      // the worker that kept instance a's engine runs a 300 ms step of another instance
      const busy = p.step(loop, null, { forever: true }, { kind: 'start' }, realClock, {
        ...DEFAULT_STEP_LIMITS,
        maxActivityExecutions: 1_000_000_000,
        maxStepMs: 300,
      });
      const order: string[] = [];
      const next = completeReview().then((outcome) => (order.push('next'), outcome));
      void busy.then(() => order.push('busy'));
      return { busy: await busy, next: await next, order };
    }

    it('waits for that worker and continues the engine rather than recovering it on an idle one', async () => {
      pool = new EnginePool({ workers: 2, memoryMb: 256, logger, preferredWaitMs: 30_000 });
      const { busy, next } = await startThenBusy(pool);
      expect(busy.runaway?.code).toBe('STEP_TIME_LIMIT');
      expect(next).toMatchObject({ status: 'completed', applied: true, continuedLive: true });
    });

    it('goes to an idle worker, which recovers the instance, once it has waited long enough', async () => {
      pool = new EnginePool({ workers: 2, memoryMb: 256, logger, preferredWaitMs: 0 });
      const { busy, next } = await startThenBusy(pool);
      expect(busy.runaway?.code).toBe('STEP_TIME_LIMIT');
      expect(next).toMatchObject({ status: 'completed', applied: true });
      expect(next.continuedLive).toBeUndefined();
    });

    it('does not wait for a worker that kept no engine (too large for its cache): an idle one recovers at once', async () => {
      pool = new EnginePool({
        workers: 2,
        memoryMb: 256,
        logger,
        preferredWaitMs: 30_000,
        cache: { entries: 10, bytes: 1e9, maxEngineBytes: 1 },
      });
      const { busy, next, order } = await startThenBusy(pool);
      expect(busy.runaway?.code).toBe('STEP_TIME_LIMIT');
      expect(next).toMatchObject({ status: 'completed', applied: true });
      expect(next.continuedLive).toBeUndefined();
      // answered while the other worker was still busy, not after it
      expect(order).toEqual(['next', 'busy']);
    });
  });

  it('replaces a worker that never answers: the step fails as a runaway, the next is served', async () => {
    pool = new EnginePool({
      workers: 1,
      memoryMb: 256,
      logger,
      entry: new URL('./stuck-worker.ts', import.meta.url),
    });
    const definition: DeployedDefinition = {
      id: 'd',
      key: 'k',
      version: 1,
      meta: {} as never,
      serializedContext: '{}',
    };
    const limits = { ...DEFAULT_STEP_LIMITS, maxStepMs: 100 };
    // when a step holds its worker past the hard limit (twice the step's limit plus a second)
    const stuck = await pool.step(definition, { before: true }, { hang: true }, { kind: 'start' }, realClock, limits);
    // then the step fails into an incident, keeping the state from before the command
    expect(stuck).toMatchObject({ status: 'failed', state: { before: true }, applied: true });
    expect(stuck.runaway?.code).toBe('STEP_TIME_LIMIT');
    // and a fresh worker serves the next step
    const next = await pool.step(definition, null, { n: 1 }, { kind: 'start' }, realClock, limits);
    expect(next).toMatchObject({ status: 'completed', state: { echoed: { n: 1 } } });
  });

  it('replaces a worker that runs out of memory: the step fails as a runaway, the next is served', async () => {
    pool = new EnginePool({
      workers: 1,
      memoryMb: 64,
      logger,
      entry: new URL('./stuck-worker.ts', import.meta.url),
    });
    const definition: DeployedDefinition = {
      id: 'd',
      key: 'k',
      version: 1,
      meta: {} as never,
      serializedContext: '{}',
    };
    const hungry = await pool.step(definition, null, { allocate: true }, { kind: 'start' }, realClock, {
      ...DEFAULT_STEP_LIMITS,
      maxStepMs: 60_000,
    });
    expect(hungry).toMatchObject({ status: 'failed', state: null });
    expect(hungry.runaway?.code).toBe('STEP_MEMORY_LIMIT');
    const next = await pool.step(definition, null, { n: 2 }, { kind: 'start' }, realClock, DEFAULT_STEP_LIMITS);
    expect(next).toMatchObject({ status: 'completed' });
  });

  it('refuses new work once closed, and fails what was waiting', async () => {
    pool = new EnginePool({ workers: 1, memoryMb: 256, logger });
    const waiting = pool.compile(fixture('loop.endless.bpmn'), [], DEFAULT_PROCESS_LIMITS).catch((e: unknown) => e);
    await pool.close();
    expect(await waiting).toMatchObject({ message: expect.stringMatching(/closed/) });
    await expect(
      pool.lint('<x/>', { services: [], roles: [], users: [], forms: null, limits: DEFAULT_PROCESS_LIMITS }),
    ).rejects.toThrow(/closed/);
    pool = null;
  });
});

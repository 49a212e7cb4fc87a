import { isConnectionError, type Db } from '../db/index.js';
import type { BusinessRuleTaskMeta } from '../engine/definitions.js';
import type { Command } from '../engine/runtime.js';
import type { Variables } from '../engine/step-context.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { BpmnBusinessError, type ServiceRegistry } from '../services/registry.js';
import { ElementDepartmentRefused } from '../workflow/element-department.js';
import type { StepMetrics } from '../workflow/metrics.js';
import type { StepExecutor } from '../workflow/step-executor.js';
import type { Transactions, TransactionScope } from '../workflow/transactions.js';
import { parseRetryCycle, retryWaitMs } from '../engine/io-mapping.js';
import { acquireDueJobs, type JobRow } from './jobs.repository.js';
import { raiseJobIncident } from './incidents.js';

export interface JobExecutorOptions {
  nodeId: string;
  pollMs: number;
  lockMs: number;
  batchSize?: number;
  /** First retry delay; doubles with every attempt (ARCHITECTURE.md: retried with backoff). */
  retryBaseMs?: number;
  serviceTimeoutMs?: number;
  /** The platform clock (default: the system clock): what is due, and when retries fall due. */
  clock?: Clock;
  /** Evaluates the decisions of business rule tasks (server/decisions); without it they fail into incidents. */
  businessRuleTasks?: BusinessRuleTaskPort;
  /** Delivers signals queued by a throwing step and starts the processes they start (workflow/signals.service.ts). */
  signals?: { runJob(job: JobRow): Promise<void> };
}

/** What the executor needs of the decisions: evaluate one business rule task's decision. */
export interface BusinessRuleTaskPort {
  evaluate(call: {
    instanceId: string;
    elementId: string;
    executionId: string;
    task: BusinessRuleTaskMeta;
    instance: { definitionId: string; departmentId: string | null; variables: Variables };
  }): Promise<{ variables: Variables; record(trx: Db): Promise<void> } | { failed: string }>;
}

/**
 * Runs due jobs — timers, service calls, results of called processes — on every node.
 * Acquisition is a short transaction with `FOR UPDATE SKIP LOCKED` that leases jobs to this node;
 * each job then runs as its own instance step, so a job never holds a lock while a service runs.
 */
export class JobExecutor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Polls in a row that could not reach the database; the next poll waits longer. */
  private outages = 0;

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly steps: StepExecutor,
    private readonly services: ServiceRegistry,
    private readonly metrics: StepMetrics,
    private readonly logger: Logger,
    private readonly options: JobExecutorOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Something fell due now (a service job was queued): poll at once instead of waiting. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.poll().finally(() => {
        this.running = null;
        this.schedule(this.outages > 0 ? this.backoffMs() : this.again ? 0 : this.options.pollMs);
        this.again = false;
      });
    }, delay);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      for (let round = 0; round < 20 && !this.stopped; round++) {
        const executed = await this.runDue();
        if (executed < (this.options.batchSize ?? 20)) break;
      }
      if (this.outages > 0) this.logger.info({ after: this.outages }, 'job polling resumed: the database is back');
      this.outages = 0;
    } catch (err) {
      if (!isConnectionError(err)) {
        this.logger.error({ err }, 'job polling failed');
        return;
      }
      // Log the outage once, then keep polling quietly with a growing pause until it ends.
      if (this.outages === 0) this.logger.error({ err: (err as Error).message }, 'job polling: database unavailable');
      this.outages++;
    }
  }

  private backoffMs(): number {
    return Math.min(this.options.pollMs * 2 ** this.outages, 5000);
  }

  /** Acquires and runs one batch of due jobs; returns how many ran. */
  async runDue(): Promise<number> {
    const jobs = await acquireDueJobs(
      this.db,
      this.options.nodeId,
      this.options.batchSize ?? 20,
      this.options.lockMs,
      new Date(this.clock.now()),
    );
    for (const job of jobs) await this.execute(job);
    return jobs.length;
  }

  /**
   * Runs due jobs until none is left, including those that fall due as a result (a timer whose
   * step queues a service call). Tests call it after moving a test clock.
   */
  async drain(maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      // Jobs the background poll has leased are not ours to run: wait for that poll to finish.
      if (this.running) await this.running;
      const executed = await this.runDue();
      total += executed;
      if (executed === 0 && !this.running) break;
    }
    return total;
  }

  /** Runs one job now, whatever its due time (the jobs API's "execute"). */
  async executeNow(jobId: string): Promise<boolean> {
    const job = (await this.db('jobs').where({ id: jobId }).first()) as JobRow | undefined;
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  private async execute(job: JobRow): Promise<void> {
    try {
      if (job.type === 'service' && job.payload.decision) return await this.executeDecision(job);
      if (job.type === 'service') return await this.executeService(job);
      if (job.type === 'async-continuation') return await this.executeContinuation(job);
      if (job.type === 'signal' || job.type === 'signal-start') return await this.executeSignal(job);
      const command: Command =
        job.type === 'timer'
          ? { kind: 'fire-timer', executionId: job.execution_id }
          : {
              kind: 'signal',
              executionId: job.execution_id,
              payload: (job.payload.variables as Variables) ?? {},
              // The called instance's variables reach the caller through its camunda:out (runtime.ts).
              calledResult: true,
            };
      await this.continueInstance(job, () => ({ command }));
      this.metrics.countJob(job.type, 'ok');
    } catch (err) {
      // Not the job's fault: keep its retries; its lease runs out and it is taken again.
      if (isConnectionError(err)) throw err;
      // A task or called process refused its department would be refused again on every retry.
      await this.fail(job, err as Error, !(err instanceof ElementDepartmentRefused));
    }
  }

  private async executeService(job: JobRow): Promise<void> {
    const instance = await this.db('process_instances')
      .where({ id: job.instance_id })
      .first<ServiceInstanceRow | undefined>(
        'id',
        'status',
        'variables',
        'business_key',
        'department_id',
        'suspended_at',
      );
    const definition = this.services.get(String(job.payload.service));
    if (!instance || instance.status !== 'running') {
      await this.db('jobs').where({ id: job.id }).delete();
      this.metrics.countJob(job.type, 'skipped');
      return;
    }
    // Suspended since it was acquired: no call now; the job runs once the instance is resumed.
    if (instance.suspended_at) {
      await this.db('jobs').where({ id: job.id }).update({ locked_by: null, locked_until: null });
      this.metrics.countJob(job.type, 'skipped');
      return;
    }
    let result: { output: unknown } | { bpmnError: Error & { code: string } };
    try {
      if (!definition) throw new Error(`service "${String(job.payload.service)}" is not registered on this node`);
      const output = await withTimeout(
        Promise.resolve(
          definition.handler({
            idempotencyKey: `${job.instance_id}:${job.execution_id}`,
            instanceId: job.instance_id,
            elementId: job.element_id,
            businessKey: instance.business_key,
            departmentId: instance.department_id,
            variables: withLocals(instance.variables, job),
          }),
        ),
        this.options.serviceTimeoutMs ?? 30_000,
      );
      result = { output: output ?? {} };
    } catch (err) {
      if (isConnectionError(err)) throw err;
      if (!(err instanceof BpmnBusinessError)) {
        await this.fail(job, err as Error);
        return;
      }
      result = { bpmnError: Object.assign(new Error(err.message), { code: err.code }) };
    }
    const output =
      'output' in result && result.output && typeof result.output === 'object' ? (result.output as Variables) : {};
    await this.continueInstance(job, () => ({
      command: { kind: 'service-result', executionId: job.execution_id, result },
      variables: output,
    }));
    this.metrics.countJob(job.type, 'ok');
  }

  /**
   * A business rule task: its decision is resolved and evaluated here, off the engine's step
   * (which may not read the database), and the mapped result goes back as a service result, the
   * evaluation's history row in the same transaction. A decision that is missing or fails on
   * these variables would fail again on every retry: it becomes an incident at once, retried by
   * an operator once the table or the data is fixed.
   */
  private async executeDecision(job: JobRow): Promise<void> {
    const instance = await this.db('process_instances')
      .where({ id: job.instance_id })
      .first<(ServiceInstanceRow & { definition_id: string }) | undefined>(
        'id',
        'status',
        'variables',
        'department_id',
        'definition_id',
      );
    if (!instance || instance.status !== 'running') {
      await this.db('jobs').where({ id: job.id }).delete();
      this.metrics.countJob(job.type, 'skipped');
      return;
    }
    const port = this.options.businessRuleTasks;
    const outcome = port
      ? await port.evaluate({
          instanceId: job.instance_id,
          elementId: job.element_id,
          executionId: job.execution_id,
          task: job.payload.decision as BusinessRuleTaskMeta,
          instance: {
            definitionId: instance.definition_id,
            departmentId: instance.department_id,
            variables: withLocals(instance.variables, job),
          },
        })
      : { failed: `Business rule task "${job.element_id}": decisions are not evaluated on this node` };
    if ('failed' in outcome) {
      await this.fail(job, new Error(outcome.failed), false);
      return;
    }
    await this.continueInstance(
      job,
      () => ({
        command: { kind: 'service-result', executionId: job.execution_id, result: { output: outcome.variables } },
        variables: outcome.variables,
      }),
      (trx) => outcome.record(trx),
    );
    this.metrics.countJob(job.type, 'ok');
  }

  private async executeSignal(job: JobRow): Promise<void> {
    if (!this.options.signals) throw new Error('signals are not delivered on this node');
    await this.options.signals.runJob(job);
    this.metrics.countJob(job.type, 'ok');
  }

  /**
   * camunda:asyncBefore / asyncAfter: the activity waiting at its boundary runs on in this job's
   * step. Jobs of one instance never run at once (Camunda's exclusive jobs): the step holds the
   * instance row's lock, so a second job of the instance waits for it.
   */
  private async executeContinuation(job: JobRow): Promise<void> {
    await this.continueInstance(job, () => ({
      command: { kind: 'continue', executionId: job.execution_id },
      rollbackOnFailure: true,
    }));
    this.metrics.countJob(job.type, 'ok');
  }

  /** Runs the job's step if the job still exists (a concurrent step may have removed it). */
  private async continueInstance(
    job: JobRow,
    command: () => { command: Command; variables?: Variables; rollbackOnFailure?: boolean },
    /** Written in the step's transaction when the step runs (a decision's history row). */
    alongside?: (trx: Db) => Promise<void>,
  ): Promise<void> {
    await this.transactions.run(async (scope) => {
      await this.steps.run(scope, job.instance_id, SYSTEM_ACTOR, async (instance) => {
        const stillThere = await scope
          .trx('jobs')
          .where({ id: job.id })
          .forUpdate()
          .first<{ id: string } | undefined>('id');
        if (!stillThere) return null;
        // Suspended since the job was acquired: it stays, and runs once the instance is resumed.
        if (instance.suspended_at) return null;
        await scope.trx('jobs').where({ id: job.id }).delete();
        if (instance.status !== 'running') return null;
        if (alongside) await alongside(scope.trx);
        return command();
      });
    });
  }

  /** A failed job is retried with backoff until its retries run out (`retry` false: at once), then an incident. */
  private async fail(job: JobRow, error: Error, retry = true): Promise<void> {
    this.logger.warn({ jobId: job.id, type: job.type, instanceId: job.instance_id, err: error.message }, 'job failed');
    await this.transactions.run(async (scope: TransactionScope) => {
      const current = (await scope.trx('jobs').where({ id: job.id }).forUpdate().first()) as JobRow | undefined;
      if (!current) return;
      const retries = retry ? current.retries - 1 : 0;
      if (retries > 0) {
        const cycle =
          typeof current.payload.retryCycle === 'string' ? parseRetryCycle(current.payload.retryCycle) : null;
        const delay = cycle
          ? retryWaitMs(cycle, current.attempts)
          : (this.options.retryBaseMs ?? 5000) * 2 ** Math.max(0, current.attempts - 1);
        await scope
          .trx('jobs')
          .where({ id: job.id })
          .update({
            retries,
            due_at: new Date(this.clock.now() + delay),
            locked_by: null,
            locked_until: null,
            last_error: error.message.slice(0, 4000),
          });
        this.metrics.countJob(job.type, 'retry');
        return;
      }
      await raiseJobIncident(scope, this.steps, current, error.message);
      this.metrics.countJob(job.type, 'incident');
      this.metrics.countIncident();
    });
  }
}

/** What a service call needs of its instance. */
interface ServiceInstanceRow {
  id: string;
  status: string;
  variables: Record<string, unknown>;
  business_key: string | null;
  department_id: string | null;
  suspended_at?: Date | null;
}

/** The variables a service or decision sees: the instance's, with the task's input parameters over them. */
function withLocals(variables: Variables, job: JobRow): Variables {
  const locals = job.payload.locals as Variables | undefined;
  return locals ? { ...variables, ...locals } : variables;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the service did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

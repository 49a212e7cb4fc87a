import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { JobRow } from '../jobs/jobs.repository.js';
import { SYSTEM_ACTOR, type Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { InstanceRow } from './instances.repository.js';
import type { SignalResult } from './signal.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { TransactionScope, Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';

export interface SignalInput {
  name: string;
  variables?: Variables | undefined;
  /** Only this execution (Camunda's executionId): no other wait, and no process is started. */
  executionId?: string | undefined;
  /** The department of the instances the signal starts (the sender's by default). */
  departmentId?: string | null | undefined;
}

interface Waiting {
  instance_id: string;
  execution_id: string;
  element_id: string;
}

interface StartDefinition {
  id: string;
  key: string;
}

/** How many waiting executions one signal sent through the API reaches at most. */
const MAX_RECEIVERS = 1_000;

/** The execution named by a signal has no subscription to it (Camunda answers this with an error). */
export class NotSubscribed extends AppError {
  constructor(name: string, executionId: string) {
    super(404, 'SIGNAL_NOT_SUBSCRIBED', `execution ${executionId} does not wait for signal "${name}"`);
  }
}

/**
 * Signals (Camunda 7 "Signal Events"): a broadcast by name to every waiting signal event of every
 * running instance and a start of the latest version of every process whose signal start event
 * has the name. Each receiving instance takes the signal as its own command in its own
 * transaction. Signals thrown by a process reach others through jobs (signal-deliveries.ts);
 * signals sent through the API are delivered here, before the call answers, among the instances
 * the sender may correlate messages into (access/message-correlatable.ts).
 */
export class SignalsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
  ) {}

  async throw(input: SignalInput, actor: Actor): Promise<SignalResult> {
    const receivers = await this.findWaiting(input, actor);
    if (input.executionId !== undefined && receivers.length === 0)
      throw new NotSubscribed(input.name, input.executionId);
    const result: SignalResult = { delivered: [], started: [] };
    for (const receiver of receivers) {
      // One transaction per receiver: one that moved on meanwhile does not hold back the others.
      const delivered = await this.transactions
        .run((scope) => this.deliver(scope, receiver, input.name, input.variables ?? {}, actor))
        .catch(skipConflict);
      if (delivered) result.delivered.push({ instanceId: delivered.id, elementId: receiver.element_id });
    }
    if (input.executionId !== undefined) return result;
    for (const definition of await this.startDefinitions(input.name)) {
      const started = await this.transactions.run((scope) =>
        this.startBySignal(
          scope,
          definition,
          input.name,
          input.variables ?? {},
          input.departmentId ?? actor.departmentId,
          actor,
        ),
      );
      result.started.push({ instanceId: started.id, definitionKey: definition.key });
    }
    return result;
  }

  /**
   * A job that signal-deliveries.ts queued: the signal to one waiting execution (locked as the
   * instance's other commands are: instance, then job), or a process to start.
   */
  async runJob(job: JobRow): Promise<void> {
    const payload = job.payload as {
      name: string;
      variables?: Variables;
      definitionId?: string;
      departmentId?: string | null;
    };
    if (job.type === 'signal-start') {
      await this.transactions.run(async (scope) => {
        if (!(await takeJob(scope, job))) return;
        const definition = await scope
          .trx('process_definitions')
          .where({ id: payload.definitionId })
          .first<StartDefinition | undefined>('id', 'key');
        if (!definition) return;
        await this.startBySignal(
          scope,
          definition,
          payload.name,
          payload.variables ?? {},
          payload.departmentId ?? null,
          SYSTEM_ACTOR,
        );
      });
      return;
    }
    await this.transactions.run(async (scope) => {
      await this.executor.run(scope, job.instance_id, SYSTEM_ACTOR, async (instance) => {
        // A suspended instance takes its signal once resumed: the job stays.
        if ((instance as InstanceRow & { suspended_at?: unknown }).suspended_at) return null;
        if (!(await takeJob(scope, job)) || instance.status !== 'running') return null;
        // The wait may have ended since the signal was thrown (a task completed, a timer fired).
        if (!(await waits(scope, job.execution_id))) return null;
        const variables = payload.variables ?? {};
        logDelivery(scope, instance.id, SYSTEM_ACTOR, payload.name, job.element_id);
        return { command: { kind: 'signal', executionId: job.execution_id, payload: variables }, variables };
      });
    });
  }

  private async deliver(scope: TransactionScope, target: Waiting, name: string, variables: Variables, actor: Actor) {
    let waiting = false;
    const instance = await this.executor.run(scope, target.instance_id, actor, async () => {
      // Re-read under the instance lock: another command may have ended the wait meanwhile.
      waiting = await waits(scope, target.execution_id);
      if (!waiting) return null;
      return { command: { kind: 'signal', executionId: target.execution_id, payload: variables }, variables };
    });
    if (!waiting) return null;
    logDelivery(scope, instance.id, actor, name, target.element_id);
    auditInTransaction(scope, actor, 'signal.throw', 'process_instance', instance.id, { name, result: 'delivered' });
    return instance;
  }

  /** Waiting signal events the actor may correlate into; with an execution id, only that one. */
  private async findWaiting(input: SignalInput, actor: Actor): Promise<Waiting[]> {
    const correlatable = await this.visibility.messageCorrelatable(actor);
    const q = this.db('signal_subscriptions as s')
      .join('process_instances as i', 'i.id', 's.instance_id')
      .where('s.signal_name', input.name)
      .where('s.is_start', false)
      .where('i.status', 'running')
      .where(correlatable.where('i'))
      .select<Waiting[]>('s.instance_id', 's.execution_id', 's.element_id')
      .orderBy([{ column: 's.instance_id' }, { column: 's.execution_id' }])
      .limit(MAX_RECEIVERS);
    if (input.executionId !== undefined) q.where('s.execution_id', input.executionId);
    return q;
  }

  /** The latest versions of the processes whose signal start event has this name. */
  private startDefinitions(name: string): Promise<StartDefinition[]> {
    return this.db('process_definitions as d')
      .whereRaw('d.version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = d.key)')
      .whereRaw(`EXISTS (SELECT 1 FROM jsonb_each_text(d.meta->'signalStarts') m WHERE m.value = ?)`, [name])
      .select<StartDefinition[]>('d.id', 'd.key')
      .orderBy('d.key');
  }

  private async startBySignal(
    scope: TransactionScope,
    definition: StartDefinition,
    name: string,
    variables: Variables,
    departmentId: string | null,
    actor: Actor,
  ): Promise<InstanceRow> {
    const started = await this.executor.start(scope, {
      definitionId: definition.id,
      businessKey: null,
      departmentId,
      variables,
      actor,
    });
    auditInTransaction(scope, actor, 'signal.throw', 'process_instance', started.id, { name, result: 'started' });
    // bpmn-engine runs a signal start event as a wait for that signal: deliver it at once.
    await scope.batch.flush(scope.trx);
    const start = await scope
      .trx('signal_subscriptions')
      .where({ instance_id: started.id, signal_name: name, is_start: true })
      .first<{ execution_id: string } | undefined>('execution_id');
    if (!start) return started;
    return this.executor.run(scope, started.id, actor, () =>
      Promise.resolve({ command: { kind: 'signal', executionId: start.execution_id, payload: variables } }),
    );
  }
}

/** Locks and removes a job; false when another node ran it meanwhile. */
async function takeJob(scope: TransactionScope, job: JobRow): Promise<boolean> {
  const still = await scope.trx('jobs').where({ id: job.id }).forUpdate().first<{ id: string } | undefined>('id');
  if (!still) return false;
  await scope.trx('jobs').where({ id: job.id }).delete();
  return true;
}

async function waits(scope: TransactionScope, executionId: string): Promise<boolean> {
  const row = await scope
    .trx('signal_subscriptions')
    .where({ execution_id: executionId })
    .first<{ execution_id: string } | undefined>('execution_id');
  return row !== undefined;
}

function logDelivery(scope: TransactionScope, instanceId: string, actor: Actor, name: string, elementId: string): void {
  scope.batch.add(
    scope.trx('operation_log').insert({
      instance_id: instanceId,
      operation: 'signal',
      actor: actor.username,
      details: JSON.stringify({ name, elementId }),
    }),
  );
}

/** A receiver that ended, was suspended or stopped waiting meanwhile does not take the signal. */
function skipConflict(err: unknown): null {
  if (err instanceof AppError && err.status === 409) return null;
  throw err;
}

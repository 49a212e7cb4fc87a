import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { StepExecutor } from './step-executor.js';
import type { TransactionScope, Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { CorrelationResult } from './message.contract.js';
import type { InstanceRow } from './instances.repository.js';

export interface CorrelateInput {
  name: string;
  businessKey?: string | undefined;
  /** Process variables the waiting instance must have, with these values. */
  correlationKeys?: Variables | undefined;
  /** Only this instance's waits (a start event is still considered when it has none, as Camunda does). */
  processInstanceId?: string | undefined;
  variables?: Variables | undefined;
  departmentId?: string | undefined;
}

/** The answer of a correlation (message.contract.ts). */
export type CorrelateResult = CorrelationResult;

/** One correlation as it happened: the waiting execution it reached, or the instance it started. */
export type Correlation =
  | { kind: 'delivered'; executionId: string; elementId: string; instance: InstanceRow }
  | { kind: 'started'; definitionId: string; definitionKey: string; instance: InstanceRow };

interface Waiting {
  instance_id: string;
  execution_id: string;
  element_id: string;
}

interface StartDefinition {
  id: string;
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How many waiting executions one correlate-all reaches at most (one transaction holds their locks). */
const MAX_CORRELATE_ALL = 1_000;

/**
 * Correlates a message (ARCHITECTURE.md Messages): name + business key and/or correlation
 * variables → the one waiting instance; otherwise a process whose message start event has that
 * name is started. None → 404; more than one waiting → 409 (nothing is delivered). `correlateAll`
 * reaches every waiting instance and starts every process with that message start event.
 */
export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
  ) {}

  async correlate(input: CorrelateInput, actor: Actor): Promise<CorrelateResult> {
    const done = await this.correlateOne(input, actor);
    return done.kind === 'delivered'
      ? { resultType: 'delivered', instanceId: done.instance.id, elementId: done.elementId }
      : { resultType: 'started', instanceId: done.instance.id, definitionKey: done.definitionKey };
  }

  /** The one correlation: 404 when nothing matches, 409 (with `extra.matches`) when more than one does. */
  async correlateOne(input: CorrelateInput, actor: Actor): Promise<Correlation> {
    const candidates = await this.findWaiting(input, 2, actor);
    if (candidates.length > 1) {
      const matches = (await this.findWaiting(input, MAX_CORRELATE_ALL, actor)).length;
      throw new Conflict(
        'MESSAGE_AMBIGUOUS',
        `more than one instance waits for message "${input.name}"; add a business key or correlation keys`,
        { matches, of: 'executions' },
      );
    }
    const target = candidates[0];
    if (target) return this.transactions.run((scope) => this.deliver(scope, target, input, actor));

    const definitions = await this.startDefinitions(input.name);
    if (definitions.length === 0)
      throw new NotFound(`no instance waits for message "${input.name}" and no process starts with it`);
    const [definition, other] = definitions;
    if (other || !definition)
      throw new Conflict('MESSAGE_AMBIGUOUS', `several processes start with message "${input.name}"`, {
        matches: definitions.length,
        of: 'definitions',
      });
    return this.transactions.run((scope) => this.startByMessage(scope, definition, input, actor));
  }

  /**
   * Every waiting execution the actor may correlate into and every process that starts with the
   * message, in one transaction (instances locked in id order); none is no error.
   */
  async correlateAll(input: CorrelateInput, actor: Actor): Promise<Correlation[]> {
    const targets = await this.findWaiting(input, MAX_CORRELATE_ALL, actor);
    const definitions = await this.startDefinitions(input.name);
    if (targets.length === 0 && definitions.length === 0) return [];
    return this.transactions.run(async (scope) => {
      const done: Correlation[] = [];
      for (const target of targets) done.push(await this.deliver(scope, target, input, actor));
      for (const definition of definitions) done.push(await this.startByMessage(scope, definition, input, actor));
      return done;
    });
  }

  private async deliver(scope: TransactionScope, target: Waiting, input: CorrelateInput, actor: Actor) {
    const instance = await this.executor.run(scope, target.instance_id, actor, async () => {
      // Re-read under the instance lock: another command may have consumed the wait meanwhile.
      const still = await scope
        .trx('message_subscriptions')
        .where({ execution_id: target.execution_id })
        .first<{ execution_id: string } | undefined>('execution_id');
      if (!still)
        throw new Conflict('MESSAGE_CONSUMED', 'the waiting event was consumed concurrently; send the message again');
      return {
        command: { kind: 'signal', executionId: target.execution_id, payload: input.variables ?? {} },
        variables: input.variables ?? {},
      };
    });
    await scope.trx('operation_log').insert({
      instance_id: instance.id,
      operation: 'message',
      actor: actor.username,
      details: JSON.stringify({ name: input.name, elementId: target.element_id }),
    });
    scope.outbox.add(
      this.executor.event('message:delivered', instance, { name: input.name, elementId: target.element_id }),
    );
    auditInTransaction(scope, actor, 'message.correlate', 'process_instance', instance.id, {
      name: input.name,
      result: 'delivered',
    });
    return {
      kind: 'delivered',
      executionId: target.execution_id,
      elementId: target.element_id,
      instance,
    } as const;
  }

  /** Waiting instances the actor may correlate into (access/message-correlatable.ts); others do not exist for them. */
  private async findWaiting(input: CorrelateInput, limit: number, actor: Actor): Promise<Waiting[]> {
    if (input.processInstanceId !== undefined && !UUID.test(input.processInstanceId)) return [];
    const correlatable = await this.visibility.messageCorrelatable(actor);
    const q = this.db('message_subscriptions as s')
      .join('process_instances as i', 'i.id', 's.instance_id')
      .where('s.message_name', input.name)
      .where('i.status', 'running')
      // Camunda 7 matches no subscription of a suspended instance: the message finds no one waiting.
      .whereNull('i.suspended_at')
      .where(correlatable.where('i'))
      .select<Waiting[]>('s.instance_id', 's.execution_id', 's.element_id')
      .orderBy([{ column: 's.instance_id' }, { column: 's.execution_id' }])
      .limit(limit);
    if (input.businessKey !== undefined) q.where('s.business_key', input.businessKey);
    if (input.processInstanceId !== undefined) q.where('s.instance_id', input.processInstanceId);
    if (input.correlationKeys && Object.keys(input.correlationKeys).length)
      q.whereRaw('i.variables @> ?::jsonb', [JSON.stringify(input.correlationKeys)]);
    return q;
  }

  /** The latest versions of the processes whose message start event has this name. */
  private startDefinitions(name: string): Promise<StartDefinition[]> {
    return this.db('process_definitions as d')
      .whereRaw('d.version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = d.key)')
      .whereRaw(`EXISTS (SELECT 1 FROM jsonb_each_text(d.meta->'messageStarts') m WHERE m.value = ?)`, [name])
      .select<StartDefinition[]>('d.id', 'd.key')
      .orderBy('d.key');
  }

  private async startByMessage(
    scope: TransactionScope,
    definition: StartDefinition,
    input: CorrelateInput,
    actor: Actor,
  ): Promise<Correlation> {
    const started = await this.executor.start(scope, {
      definitionId: definition.id,
      businessKey: input.businessKey ?? null,
      departmentId: input.departmentId ?? null,
      variables: input.variables ?? {},
      actor,
    });
    auditInTransaction(scope, actor, 'message.correlate', 'process_instance', started.id, {
      name: input.name,
      result: 'started',
    });
    // bpmn-engine runs a message start event as a wait for that message: deliver it at once.
    await scope.batch.flush(scope.trx);
    const start = await scope
      .trx('message_subscriptions')
      .where({ instance_id: started.id, message_name: input.name })
      .first<{ execution_id: string } | undefined>('execution_id');
    const instance = start
      ? await this.executor.run(scope, started.id, actor, () =>
          Promise.resolve({
            command: { kind: 'signal', executionId: start.execution_id, payload: input.variables ?? {} },
          }),
        )
      : started;
    return { kind: 'started', definitionId: definition.id, definitionKey: definition.key, instance };
  }
}

import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { CorrelationResult } from './message.contract.js';

export interface CorrelateInput {
  name: string;
  businessKey?: string | undefined;
  /** Process variables the waiting instance must have, with these values. */
  correlationKeys?: Variables | undefined;
  variables?: Variables | undefined;
  departmentId?: string | undefined;
}

/** The answer of a correlation (message.contract.ts). */
export type CorrelateResult = CorrelationResult;

/**
 * Correlates a message (ARCHITECTURE.md Messages): name + business key and/or correlation
 * variables → the one waiting instance; otherwise a process whose message start event has that
 * name is started. None → 404; more than one waiting → 409 (nothing is delivered).
 */
export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
  ) {}

  async correlate(input: CorrelateInput, actor: Actor): Promise<CorrelateResult> {
    const candidates = await this.findWaiting(this.db, input, 2, actor);
    if (candidates.length > 1) {
      throw new Conflict(
        'MESSAGE_AMBIGUOUS',
        `more than one instance waits for message "${input.name}"; add a business key or correlation keys`,
      );
    }
    const target = candidates[0];
    if (!target) return this.startByMessage(input, actor);

    return this.transactions.run(async (scope) => {
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
      return { resultType: 'delivered', instanceId: instance.id, elementId: target.element_id } as const;
    });
  }

  /** Waiting instances the actor may correlate into (access/message-correlatable.ts); others do not exist for them. */
  private async findWaiting(db: Db, input: CorrelateInput, limit: number, actor: Actor) {
    const correlatable = await this.visibility.messageCorrelatable(actor);
    const q = db('message_subscriptions as s')
      .join('process_instances as i', 'i.id', 's.instance_id')
      .where('s.message_name', input.name)
      .where('i.status', 'running')
      .where(correlatable.where('i'))
      .select<{ instance_id: string; execution_id: string; element_id: string }[]>(
        's.instance_id',
        's.execution_id',
        's.element_id',
      )
      .limit(limit);
    if (input.businessKey !== undefined) q.where('s.business_key', input.businessKey);
    if (input.correlationKeys && Object.keys(input.correlationKeys).length)
      q.whereRaw('i.variables @> ?::jsonb', [JSON.stringify(input.correlationKeys)]);
    return q;
  }

  private async startByMessage(input: CorrelateInput, actor: Actor): Promise<CorrelateResult> {
    const definitions = await this.db('process_definitions as d')
      .whereRaw('d.version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = d.key)')
      .whereRaw(`EXISTS (SELECT 1 FROM jsonb_each_text(d.meta->'messageStarts') m WHERE m.value = ?)`, [input.name])
      .select<{ id: string; key: string }[]>('d.id', 'd.key');
    if (definitions.length === 0)
      throw new NotFound(`no instance waits for message "${input.name}" and no process starts with it`);
    if (definitions.length > 1)
      throw new Conflict('MESSAGE_AMBIGUOUS', `several processes start with message "${input.name}"`);
    const [definition] = definitions;
    if (!definition) throw new NotFound(`no process starts with message "${input.name}"`);
    const instance = await this.transactions.run(async (scope) => {
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
      if (!start) return started;
      return this.executor.run(scope, started.id, actor, () =>
        Promise.resolve({
          command: { kind: 'signal', executionId: start.execution_id, payload: input.variables ?? {} },
        }),
      );
    });
    return { resultType: 'started', instanceId: instance.id, definitionKey: definition.key };
  }
}

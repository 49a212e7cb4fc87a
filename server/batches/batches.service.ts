import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { departmentScope, inDepartments } from '../access/department-subtree.js';
import type { PermissionObject } from '../../permissions/roles.js';
import { applyInstanceSearch, customersNamed, waitingTables } from '../workflow/instance-search.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { Transactions } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';
import {
  MAX_BATCH_INSTANCES,
  toBatch,
  toBatchItem,
  type Batch,
  type BatchCreateInput,
  type BatchDetail,
  type BatchItemRow,
  type BatchRow,
} from './batch.contract.js';
import type { BatchTypeRegistry } from './batch-types.js';
import { batchEvent } from './batch-events.js';
import { displayNames } from '../workflow/user-names.js';

const BATCH_COLUMNS = [
  'id',
  'type',
  'status',
  'reason',
  'params',
  'total',
  'succeeded',
  'failed',
  'created_by',
  'created_by_id',
  'department_id',
  'created_at',
  'ended_at',
];

/**
 * Creates and reads batches (ARCHITECTURE.md "batches"): the instances are chosen when the batch
 * is created — those the creator may read and may do the operation on, that qualify for it — and
 * stored as items; `BatchRunner` then runs them one per transaction on any node.
 */
export class BatchesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly types: BatchTypeRegistry,
    private readonly now: () => Date,
    /** Called after a batch is created: this node starts on it at once. */
    private readonly started: () => void = () => {},
  ) {}

  async create(input: BatchCreateInput, actor: Actor): Promise<Batch> {
    const type = this.types.get(input.type);
    if (!type)
      throw new Invalid('BATCH_TYPE_UNAVAILABLE', `batches of type ${input.type} are not available on this server`, [
        { field: 'body.type', reason: 'unavailable' },
      ]);
    const parsed = type.params.safeParse('params' in input ? input.params : {});
    if (!parsed.success)
      throw new Invalid(
        'VALIDATION_FAILED',
        'the batch parameters are invalid',
        parsed.error.issues.map((i) => ({
          field: ['body', 'params', ...i.path.map(String)].join('.'),
          reason: i.code,
          message: i.message,
        })),
      );
    const ids = await this.select(input, type.permission, type.eligible, actor);
    if (ids.length === 0)
      throw new Invalid('BATCH_EMPTY', 'no instance qualifies for this batch', [
        { field: input.instanceIds ? 'body.instanceIds' : 'body.filter', reason: 'empty' },
      ]);
    const id = randomUUID();
    const row = await this.transactions.run(async (scope) => {
      const [created] = await scope
        .trx('batches')
        .insert({
          id,
          type: input.type,
          status: 'running',
          reason: input.reason,
          params: JSON.stringify({ ...(parsed.data as object), actor: snapshot(actor) }),
          total: ids.length,
          created_by: actor.username,
          created_by_id: actor.id,
          department_id: actor.departmentId,
        })
        .returning<BatchRow[]>(BATCH_COLUMNS);
      for (let i = 0; i < ids.length; i += 1000)
        await scope
          .trx('batch_items')
          .insert(
            ids
              .slice(i, i + 1000)
              .map((instanceId, k) => ({ batch_id: id, seq: i + k, instance_id: instanceId, status: 'pending' })),
          );
      auditInTransaction(scope, actor, `batch.${input.type}`, 'batch', id, {
        reason: input.reason,
        total: ids.length,
        ...(input.filter ? { filter: input.filter } : {}),
      });
      const batch = created as BatchRow;
      scope.outbox.add(batchEvent('batch:created', batch));
      return batch;
    });
    this.started();
    return toBatch({ ...row, created_by_name: actor.displayName });
  }

  async list(
    filter: { status?: Batch['status'] | undefined },
    request: PageRequest,
    actor: Actor,
  ): Promise<Page<Batch>> {
    const q = this.db('batches')
      .select(BATCH_COLUMNS)
      .where(await this.readable(actor));
    if (filter.status) q.where('status', filter.status);
    q.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    const found = await page<BatchRow>(q, request);
    const creators = await displayNames(
      this.db,
      found.items.map((row) => row.created_by),
    );
    return mapPage(found, (row) => toBatch({ ...row, created_by_name: creators.get(row.created_by) }));
  }

  async get(
    id: string,
    items: PageRequest & { status?: 'pending' | 'succeeded' | 'failed' | undefined },
    actor: Actor,
  ): Promise<BatchDetail> {
    const row = await this.db('batches')
      .where({ id })
      .where(await this.readable(actor))
      .first<BatchRow | undefined>(BATCH_COLUMNS);
    if (!row) throw new NotFound('batch', id);
    // The runner writes a running batch's counters every ~1 % (batch-runner.ts); count them live.
    if (row.status === 'running') Object.assign(row, await this.liveCounts(id));
    // One page of items, each with its instance's business key and process (primary-key joins).
    const q = this.db('batch_items as b')
      .leftJoin('process_instances as i', 'i.id', 'b.instance_id')
      .leftJoin('process_definitions as d', 'd.id', 'i.definition_id')
      .where('b.batch_id', id)
      .select(
        'b.instance_id',
        'i.business_key',
        'i.definition_key',
        'i.definition_version',
        'd.name as process_name',
        'b.status',
        'b.error_code',
        'b.error',
        'b.node_id',
        'b.done_at',
      )
      .orderBy('b.seq');
    if (items.status) q.where('b.status', items.status);
    const creator = await displayNames(this.db, [row.created_by]);
    return {
      ...toBatch({ ...row, created_by_name: creator.get(row.created_by) }),
      items: mapPage(await page<BatchItemRow>(q, items), toBatchItem),
    };
  }

  private async liveCounts(id: string): Promise<{ succeeded: number; failed: number }> {
    const row = await this.db('batch_items')
      .where({ batch_id: id })
      .first<{ succeeded: number; failed: number }>(
        this.db.raw(`count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded`),
        this.db.raw(`count(*) FILTER (WHERE status = 'failed')::int AS failed`),
      );
    return { succeeded: Number(row.succeeded), failed: Number(row.failed) };
  }

  /** Batches the actor may read: `batch:read` in the creator's department, or their own. */
  private async readable(actor: Actor) {
    return this.visibility.departmentFilter(actor, 'batch', 'read', 'department_id', (q) => {
      void q.where('created_by_id', actor.id);
    });
  }

  /**
   * The instances of the batch: readable by the actor, in departments where they hold the type's
   * permission, qualifying for it; given ids must all be among them (else 400, nothing created).
   */
  private async select(
    input: BatchCreateInput,
    permission: { object: PermissionObject; action: string },
    eligible: ((q: Knex.QueryBuilder) => void) | undefined,
    actor: Actor,
  ): Promise<string[]> {
    const q = this.db('process_instances').select('id');
    q.where((await this.visibility.instanceReadable(actor)).where('process_instances'));
    q.where(
      inDepartments(
        await departmentScope(this.authorization, actor, permission.object, permission.action),
        'department_id',
      ),
    );
    if (eligible) eligible(q);
    if (input.instanceIds) {
      const wanted = [...new Set(input.instanceIds)];
      const found = new Set<string>(await q.whereIn('id', wanted).pluck('id'));
      const missing = wanted.filter((i) => !found.has(i));
      if (missing.length)
        throw new Invalid(
          'BATCH_INSTANCES_REFUSED',
          `${missing.length} of the instances do not exist, may not be ${permission.action === 'update' ? 'updated' : `${permission.action}ed`} by you or do not qualify`,
          missing.slice(0, 50).map((i) => ({ field: 'body.instanceIds', reason: 'refused', message: i })),
        );
      return wanted;
    }
    applyInstanceSearch(q, input.filter ?? {}, {
      now: this.now(),
      tree: await this.authorization.tree(),
      customerIds: await customersNamed(this.db, input.filter?.customer),
      waitingTables: await waitingTables(this.db, input.filter?.currentElementId),
    });
    return q
      .orderBy([{ column: 'started_at' }, { column: 'id' }])
      .limit(MAX_BATCH_INSTANCES)
      .pluck('id');
  }
}

/** The creator as the runner acts for them (on any node, after a restart): who, and their roles. */
function snapshot(actor: Actor): Actor {
  return {
    id: actor.id,
    kind: actor.kind,
    username: actor.username,
    displayName: actor.displayName,
    departmentId: actor.departmentId,
    roles: actor.roles,
  };
}

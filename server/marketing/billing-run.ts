import { randomUUID } from 'node:crypto';
import { type Db, isEmbedded } from '../db/index.js';
import { isYearMonth } from '../domain/tariffs/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { loadChunk, type ChunkCounts, type RunScope, writeBills } from './billing-chunk.js';
import { computeBill, type RunCustomer } from './billing-compute.js';
import type { TariffDefinition } from '../domain/tariffs/index.js';
import { toBillingRun, type BillingRun, type BillingRunRow } from './billing-run.contract.js';
import { inSubtree } from '../access/department-subtree.js';

export interface BillingRunOptions {
  nodeId: string;
  /** Customers per chunk: read with three queries, written with one upsert (default 2 000). */
  chunkSize?: number;
  /** A running run without progress for this long is taken as dead (default 5 minutes). */
  staleAfterMs?: number;
}

export interface BillingRunStart {
  period: string;
  departmentId?: string | undefined;
}

const RUN_COLUMNS = [
  'id',
  'period',
  'department_id',
  'status',
  'node_id',
  'started_by',
  'started_at',
  'heartbeat_at',
  'finished_at',
  'customers',
  'processed',
  'billed',
  'held',
  'skipped_without_readings',
  'kept_paid',
  'errors',
  'error_samples',
  'failure',
];

const MAX_ERROR_SAMPLES = 20;
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * The monthly billing run (DOMAIN.md §4 chain: calculate → audit → issue): every active customer
 * in scope is priced from its readings, audited, and its bill upserted — issued with a due date, or
 * held with the audit rules it tripped. Runs in the background; its row reports progress per chunk.
 */
export class BillingRunService {
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly audit: AuditService,
    private readonly logger: Logger,
    private readonly options: BillingRunOptions,
  ) {}

  /** Records a run and starts it in the background; answers the run row at once. */
  async start(input: BillingRunStart, actor: Actor): Promise<BillingRun> {
    if (!isYearMonth(input.period)) {
      throw new Invalid('VALIDATION_FAILED', 'period must be YYYY-MM', [
        { field: 'body.period', reason: 'must be YYYY-MM' },
      ]);
    }
    const scope = await this.authorization.scope(actor, 'billing', 'run');
    const departmentId = input.departmentId ?? (scope.all ? null : actor.departmentId);
    let departmentPath: string | null = null;
    if (departmentId) {
      const department = await this.db('departments')
        .where({ id: departmentId })
        .first<{ path: string } | undefined>('path');
      if (!department) throw new NotFound('department', departmentId);
      await this.authorization.require(actor, 'billing', 'run', departmentId);
      departmentPath = department.path;
    }
    await this.failStale(input.period);
    const id = randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        await trx('billing_runs').insert({
          id,
          period: input.period,
          department_id: departmentId,
          node_id: this.options.nodeId,
          started_by: actor.username,
        });
        await this.audit.record(
          actor,
          'billing_run.start',
          'billing_run',
          id,
          { period: input.period, departmentId },
          undefined,
          trx,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('BILLING_RUN_IN_PROGRESS', `a billing run for ${input.period} is running`);
      throw err;
    }
    const done = executeBillingRun(this.db, id, { period: input.period, departmentPath }, actor.username, {
      chunkSize: this.options.chunkSize,
      logger: this.logger,
      stopping: () => this.stopping,
    }).finally(() => this.active.delete(id));
    this.active.set(id, done);
    return toBillingRun((await this.row(id))!);
  }

  /** A run the actor may see: one of a department in its billing:read scope (a run over all: global readers). */
  async get(id: string, actor: Actor): Promise<BillingRun> {
    await this.failStale();
    const row = await this.row(id);
    if (!row) throw new NotFound('billing run', id);
    const scope = await this.authorization.scope(actor, 'billing', 'read');
    const visible = scope.all || (row.department_id !== null && scope.departmentIds.includes(row.department_id));
    if (!visible) throw new NotFound('billing run', id);
    return toBillingRun(row);
  }

  /** Resolves when the run ends (tests and the benchmark wait on it). */
  async wait(id: string): Promise<void> {
    await this.active.get(id);
  }

  /**
   * At start-up: runs this node left running died with it (the embedded database has a single
   * node, so all of its running runs did); they are marked failed, never left half-done and silent.
   */
  async failInterrupted(): Promise<number> {
    const q = this.db('billing_runs').where({ status: 'running' });
    if (!isEmbedded(this.db)) q.where({ node_id: this.options.nodeId });
    const failed = await q.update({
      status: 'failed',
      failure: 'interrupted: the node running it stopped; run it again (bills already written are upserted)',
      finished_at: this.db.fn.now(),
    });
    return (await this.failStale()) + failed;
  }

  /** Stops running runs after their current chunk and marks them failed (shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.active.values());
  }

  private async failStale(period?: string): Promise<number> {
    const q = this.db('billing_runs')
      .where({ status: 'running' })
      .where('heartbeat_at', '<', new Date(Date.now() - (this.options.staleAfterMs ?? 300_000)));
    if (period) q.where({ period });
    return q.update({
      status: 'failed',
      failure: 'interrupted: no progress reported for too long; run it again',
      finished_at: this.db.fn.now(),
    });
  }

  private row(id: string) {
    return this.db('billing_runs').where({ id }).first(RUN_COLUMNS) as Promise<BillingRunRow | undefined>;
  }
}

export interface ExecuteOptions {
  chunkSize?: number | undefined;
  logger?: Logger | undefined;
  /** Asked between chunks: true stops the run (it ends failed, to be run again). */
  stopping?: () => boolean;
}

/**
 * Executes a recorded run to its end: counts the customers in scope, bills them chunk by chunk
 * (each chunk's bills and the run's counts in one transaction), and ends the run completed, or
 * failed with the reason. The demo data generator calls it directly.
 */
export async function executeBillingRun(
  db: Db,
  id: string,
  scope: RunScope,
  issuedBy: string,
  options: ExecuteOptions = {},
): Promise<void> {
  try {
    const total = db('customers').where({ status: 'active' }).whereNot('elec_type_code', '000');
    if (scope.departmentPath) {
      total.where(inSubtree('department_id', scope.departmentPath));
    }
    const counted = await total.count<{ n: number }[]>('* as n');
    await db('billing_runs')
      .where({ id })
      .update({ customers: Number(counted[0]?.n ?? 0), heartbeat_at: db.fn.now() });
    await billChunks(db, id, scope, issuedBy, options);
    await db('billing_runs')
      .where({ id, status: 'running' })
      .update({ status: 'completed', finished_at: db.fn.now(), heartbeat_at: db.fn.now() });
  } catch (err) {
    options.logger?.error({ err, runId: id }, 'billing run failed');
    await db('billing_runs')
      .where({ id })
      .update({ status: 'failed', failure: String((err as Error).message ?? err), finished_at: db.fn.now() })
      .catch(() => undefined);
  }
}

/** Reads the next chunk while the current one is priced and written (PostgreSQL and Node work side by side). */
async function billChunks(db: Db, id: string, scope: RunScope, issuedBy: string, options: ExecuteOptions) {
  const size = options.chunkSize ?? 2000;
  // The tariffs as configured when the run starts: one run prices every customer alike.
  const catalogue = new Map(
    (await db('tariffs').select('definition')).map((r: { definition: TariffDefinition }) => [
      r.definition.code,
      r.definition,
    ]),
  );
  let next: Promise<RunCustomer[]> = loadChunk(db, scope, null, size);
  for (;;) {
    const chunk = await next;
    if (chunk.length === 0) return;
    if (options.stopping?.()) throw new Error('stopped: the node shut down; run it again');
    next = loadChunk(db, scope, chunk[chunk.length - 1]?.id ?? null, size);
    next.catch(() => undefined); // awaited on the next turn; a failure there fails the run
    const outcomes = chunk.map((c) => ({ customerId: c.id, outcome: computeBill(c, scope.period, catalogue) }));
    await db.transaction(async (trx) => {
      const counts = await writeBills(trx, id, scope.period, issuedBy, outcomes);
      await progress(trx, id, counts);
    });
  }
}

async function progress(trx: Db, id: string, c: ChunkCounts): Promise<void> {
  await trx('billing_runs')
    .where({ id })
    .update({
      processed: trx.raw('processed + ?', [c.processed]),
      billed: trx.raw('billed + ?', [c.billed]),
      held: trx.raw('held + ?', [c.held]),
      skipped_without_readings: trx.raw('skipped_without_readings + ?', [c.skipped]),
      kept_paid: trx.raw('kept_paid + ?', [c.kept]),
      errors: trx.raw('errors + ?', [c.errors]),
      heartbeat_at: trx.fn.now(),
      ...(c.errorSamples.length
        ? {
            error_samples: trx.raw(
              `(SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements(error_samples || ?::jsonb) e LIMIT ${MAX_ERROR_SAMPLES}) s)`,
              [JSON.stringify(c.errorSamples.slice(0, MAX_ERROR_SAMPLES))],
            ),
          }
        : {}),
    });
}

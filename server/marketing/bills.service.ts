import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import { isIsoDate, isYearMonth } from '../domain/tariffs/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { wholeList, type Page } from '../workflow/paging.js';
import { toBill, type Bill, type BillRow } from './bill.contract.js';
import type { CustomersService } from './customers.service.js';
import type { CustomerBill } from './customer-owner.contract.js';
import { holdersOfMonth, ownersOf } from './customer-owners.js';
import { applyCredit, lockAccount } from './ledger.js';
import type { BillInsert } from './schemas.js';

/**
 * Bill columns as `toBill` maps them: the outstanding amount computed, the due date as YYYY-MM-DD
 * (null while the bill is held for audit, with the audit rules it tripped in `audit_flags`).
 */
const billColumns = (db: Db) => [
  'id',
  'customer_id',
  'period',
  'kind',
  'lines',
  'total',
  'paid_amount',
  db.raw('(total - paid_amount)::numeric(14,2) as outstanding'),
  db.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
  'status',
  'audit_flags',
  db.raw('reactive_kvarh::text as reactive_kvarh'),
  'issued_at',
  'issued_by',
];

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Bills (电费; DOMAIN.md §1): issued by the billing run, settled by payments. */
export class BillsService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
  ) {}

  /** A customer's bills, each with whose it is (the holders of its month, DOMAIN.md §9). */
  async listForCustomer(customerId: string, actor: Actor): Promise<Page<CustomerBill>> {
    const customer = await this.customers.visible({ id: customerId }, actor, 'billing', 'read');
    const [rows, owners] = await Promise.all([
      this.db('bills')
        .where({ customer_id: customerId })
        .select(billColumns(this.db))
        .orderBy('period', 'desc') as Promise<BillRow[]>,
      ownersOf(this.db, customerId),
    ]);
    return wholeList(
      rows.map((row) => {
        const holders = holdersOfMonth(owners, row.period).map((o) => o.name);
        return { ...toBill(row), holders: holders.length ? holders : [customer.name] };
      }),
    );
  }

  /**
   * Issues a bill (the billing run's last step; tests call it directly). The customer's credit,
   * if any, settles it at once.
   */
  async issue(input: BillInsert, actor: Actor): Promise<Bill> {
    const customer = await this.customers.visible({ id: input.customerId }, actor, 'billing', 'run');
    // DOMAIN.md §9: a closed account is never billed again; its final bill is issued before it closes.
    if (customer.status === 'closed') throw new Conflict('CUSTOMER_CLOSED', 'a closed account is never billed again');
    const problems = [
      !isYearMonth(input.period) && { field: 'period', reason: 'must be YYYY-MM' },
      !isIsoDate(input.dueDate) && { field: 'dueDate', reason: 'must be YYYY-MM-DD' },
      !/^\d+(\.\d{1,2})?$/.test(input.total) && { field: 'total', reason: 'must be a non-negative amount in yuan' },
    ].filter((p) => p !== false);
    if (problems.length) throw new Invalid('VALIDATION_FAILED', 'invalid bill', problems);
    const id = randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        await lockAccount(trx, customer.id);
        await trx('bills').insert({
          id,
          customer_id: customer.id,
          period: input.period,
          lines: JSON.stringify(input.lines ?? []),
          total: dec(input.total).toFixed(2),
          due_date: input.dueDate,
          status: dec(input.total).isZero() ? 'settled' : 'issued',
          issued_by: actor.username,
        });
        await applyCredit(trx, customer.id);
        await this.audit.record(
          actor,
          'bill.issue',
          'bill',
          id,
          { customerId: customer.id, period: input.period, total: input.total },
          undefined,
          trx,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('BILL_EXISTS', `a bill for ${input.period} already exists`);
      throw err;
    }
    return toBill((await this.db('bills').where({ id }).first<BillRow | undefined>(billColumns(this.db)))!);
  }
}

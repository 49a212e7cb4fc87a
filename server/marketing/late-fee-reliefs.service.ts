import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import { addDays } from '../domain/calendar/index.js';
import type { AuditService } from '../identity/audit.service.js';
import { SYSTEM_ACTOR, type Actor } from '../lib/actor.js';
import type { Clock } from '../lib/clock.js';
import { utilityToday } from '../lib/clock.js';
import { Conflict, Invalid } from '../lib/errors.js';
import type { InstancesService } from '../workflow/instances.service.js';
import { wholeList, type Page } from '../workflow/paging.js';
import type { ArrearsService } from './arrears.js';
import type { CustomersService } from './customers.service.js';
import {
  toLateFeeRelief,
  type LateFeeRelief,
  type LateFeeReliefCreate,
  type LateFeeReliefRow,
} from './late-fee-relief.contract.js';

/** The process that carries a relief's approval (processes/late-fee-relief.bpmn). */
export const LATE_FEE_RELIEF_PROCESS = 'late-fee-relief';
/** The longest a late fee may be deferred past the bill's due date. */
export const MAX_DEFERRAL_DAYS = 366;
/** The most requests one customer's list answers (newest first). */
const LIST_LIMIT = 200;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';
const invalid = (field: string, reason: string, message: string) =>
  new Invalid('VALIDATION_FAILED', message, [{ field: `body.${field}`, reason }]);

/**
 * Waivers and deferrals of late fees (电费违约金减免/缓收, DOMAIN.md §6). A request only starts the
 * approval; the account's late fee changes when the approval task approves it (the process's
 * `lateFeeReliefDecide` service posts it through the ledger).
 */
export class LateFeeReliefsService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomersService,
    private readonly arrears: Pick<ArrearsService, 'report'>,
    private readonly instances: Pick<InstancesService, 'start'>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(customerId: string, actor: Actor): Promise<Page<LateFeeRelief>> {
    await this.customers.visible({ id: customerId }, actor, 'billing', 'read');
    const rows = await this.db('late_fee_reliefs')
      .where({ customer_id: customerId })
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(LIST_LIMIT)
      .select<LateFeeReliefRow[]>('*', this.db.raw(`to_char(defer_to, 'YYYY-MM-DD') as defer_to`));
    return wholeList(rows.map(toLateFeeRelief));
  }

  /** Records the request and starts its approval in the customer's department. */
  async request(customerId: string, input: LateFeeReliefCreate, actor: Actor): Promise<LateFeeRelief> {
    const customer = await this.customers.visible({ id: customerId }, actor, 'payment', 'write');
    const today = utilityToday(this.clock);
    // The fee as it stands today, reliefs already approved included: what the approver weighs.
    const report = await this.arrears.report(customerId, today, actor);
    const bill = report.bills.find((b) => b.id === input.billId);
    if (!bill)
      throw invalid('billId', 'not an unpaid bill', `bill ${input.billId} is not an unpaid bill of this customer`);
    if (input.kind === 'waiver') {
      if (dec(bill.lateFee.amount).isZero())
        throw invalid('billId', 'no late fee', `bill ${bill.period} has no late fee to waive`);
      if (
        input.amount !== undefined &&
        (dec(input.amount).isZero() || dec(input.amount).greaterThan(bill.lateFee.amount))
      )
        throw invalid(
          'amount',
          'out of range',
          `a partial waiver is more than 0 and at most the late fee accrued, ${bill.lateFee.amount}`,
        );
    } else if (input.deferTo <= bill.dueDate || input.deferTo > addDays(bill.dueDate, MAX_DEFERRAL_DAYS)) {
      throw invalid(
        'deferTo',
        'out of range',
        `a deferral is after the due date ${bill.dueDate} and at most ${MAX_DEFERRAL_DAYS} days after it`,
      );
    }
    const id = randomUUID();
    const amount = input.kind === 'waiver' ? (input.amount ? dec(input.amount).toFixed(2) : null) : null;
    const deferTo = input.kind === 'deferral' ? input.deferTo : null;
    try {
      await this.db('late_fee_reliefs').insert({
        id,
        customer_id: customerId,
        bill_id: bill.id,
        kind: input.kind,
        amount,
        defer_to: deferTo,
        reason: input.reason,
        status: 'pending',
        requested_by: actor.username,
        requested_at: new Date(this.clock.now()),
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('LATE_FEE_RELIEF_PENDING', `bill ${bill.period} already has a relief waiting for approval`);
      throw err;
    }
    try {
      // The system starts it: the requester asks, the approving role in the customer's department decides.
      const started = await this.instances.start(
        {
          definitionKey: LATE_FEE_RELIEF_PROCESS,
          businessKey: `LFR-${customer.account_no}-${bill.period}`,
          departmentId: customer.department_id,
          variables: {
            reliefId: id,
            customerId,
            accountNo: customer.account_no,
            customerName: customer.name,
            billId: bill.id,
            billPeriod: bill.period,
            billDueDate: bill.dueDate,
            billOutstanding: bill.outstanding,
            reliefKind: input.kind,
            waiveAmount: amount ?? (input.kind === 'waiver' ? bill.lateFee.amount : null),
            waiveWhole: input.kind === 'waiver' && amount === null,
            deferTo,
            reason: input.reason,
            lateFeeToday: bill.lateFee.amount,
            requestedBy: actor.username,
          },
        },
        SYSTEM_ACTOR,
      );
      await this.db('late_fee_reliefs').where({ id }).update({ instance_id: started.id });
    } catch (err) {
      await this.db('late_fee_reliefs').where({ id }).delete();
      throw err;
    }
    await this.audit.record(actor, 'late-fee-relief.request', 'customer', customerId, {
      reliefId: id,
      billId: bill.id,
      kind: input.kind,
      amount,
      deferTo,
      reason: input.reason,
      lateFeeToday: bill.lateFee.amount,
    });
    const row = await this.db('late_fee_reliefs')
      .where({ id })
      .first<LateFeeReliefRow>('*', this.db.raw(`to_char(defer_to, 'YYYY-MM-DD') as defer_to`));
    return toLateFeeRelief(row);
  }
}

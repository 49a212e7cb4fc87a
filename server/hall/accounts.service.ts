import type { Db } from '../db/index.js';
import { Dec, dec, moneyString, sum } from '../domain/decimal.js';
import {
  isResidentialCategory,
  proratedThresholds,
  tierMonthsLeft,
  type ElecTypeCode,
} from '../domain/billing/index.js';
import { dayNumber } from '../domain/billing/dates.js';
import { chinaWorkingCalendar, type WorkingCalendar } from '../domain/calendar/index.js';
import { selectTariffVersion, type TariffDefinition } from '../domain/tariffs/index.js';
import { customerAccountOwned, type CustomerSubject } from '../access/customer-account-owned.js';
import { NotFound } from '../lib/errors.js';
import { utilityToday, type Clock } from '../lib/clock.js';
import type { ArrearsService } from '../marketing/arrears.js';
import { computeBill, type RunCustomer } from '../marketing/billing-compute.js';
import { loadChunk, readingColumns, readingOf } from '../marketing/billing-chunk.js';
import { shiftPeriod } from '../marketing/billing-periods.js';
import { tariffFor } from '../marketing/billing-tariffs.js';
import type { BillLine } from '../marketing/bill.contract.js';
import { estimateKwh, projectedCustomer, type EstimateBasis } from './estimate.js';
import { maskPhone, type HallAccount, type HallBill, type HallBillSummary, type HallHome } from './hall.contract.js';

interface AccountRow {
  id: string;
  account_no: string;
  name: string;
  address: string | null;
  phone: string | null;
  elec_type_code: string;
  tariff_code: string | null;
  status: string;
  connected_on: string | null;
}

interface BillRow {
  id: string;
  period: string;
  kind: string;
  total: string;
  paid_amount: string;
  due_date: string | null;
  status: string;
  kwh: string;
  lines: BillLine[] | null;
  issued_at: Date | string;
}

interface EnergyKwh {
  period: string;
  kwh: string;
}

/** Bills a customer sees: issued ones (a bill held for audit is not yet the customer's). */
const CUSTOMER_BILL_STATUSES = ['issued', 'partly_paid', 'settled', 'written_off'];
const DUE_SOON_DAYS = 7;

const isHousehold = (code: string) => isResidentialCategory(code as ElecTypeCode);

function toAccount(row: AccountRow): HallAccount {
  return {
    id: row.id,
    accountNo: row.account_no,
    name: row.name,
    address: row.address,
    phone: maskPhone(row.phone),
    elecTypeCode: row.elec_type_code,
    kind: isHousehold(row.elec_type_code) ? 'household' : 'business',
    status: row.status,
  };
}

function toSummary(row: BillRow): HallBillSummary {
  return {
    id: row.id,
    period: row.period,
    kind: row.kind as HallBillSummary['kind'],
    total: moneyString(row.total),
    paidAmount: moneyString(row.paid_amount),
    outstanding: moneyString(dec(row.total).minus(row.paid_amount)),
    dueDate: row.due_date,
    status: row.status as HallBillSummary['status'],
    kwh: dec(row.kwh).toFixed(2),
  };
}

/**
 * What the hall shows of the accounts a customer holds: home, bills, usage. Every read goes through
 * the own-accounts rule (access/customer-account-owned.ts): another account's rows answer 404.
 * Figures come from the back office's own code — the arrears report and late fee, the billing
 * run's tiers and pricing — never a second implementation.
 */
export class HallAccountsService {
  constructor(
    private readonly db: Db,
    private readonly arrears: Pick<ArrearsService, 'reportFor'>,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar = chinaWorkingCalendar(),
  ) {}

  async list(subject: CustomerSubject): Promise<HallAccount[]> {
    const rows = await this.accounts(subject).orderBy('account_no');
    return (rows as AccountRow[]).map(toAccount);
  }

  async home(subject: CustomerSubject, accountId: string): Promise<HallHome> {
    const account = await this.account(subject, accountId);
    const today = utilityToday(this.clock);
    const month = today.slice(0, 7);
    // Independent reads, sent together; the energy bills since the earlier of the tier year's start
    // and the estimate's three months serve both the tiers and the estimate.
    const [report, [last], tariff, energy] = await Promise.all([
      this.arrears.reportFor(account, today),
      this.bills(account.id).limit(1) as Promise<BillRow[]>,
      this.tariffOf(account),
      this.energyKwh(account.id, [`${month.slice(0, 4)}-01`, shiftPeriod(month, -3)].sort()[0] as string, month),
    ]);
    const alerts: HallHome['alerts'] = [];
    for (const bill of report.bills) {
      const days = dayNumber(today) - dayNumber(bill.dueDate);
      if (days > 0)
        alerts.push({
          code: 'overdue',
          billId: bill.id,
          period: bill.period,
          dueDate: bill.dueDate,
          outstanding: bill.outstanding,
          days,
        });
      else if (-days <= DUE_SOON_DAYS)
        alerts.push({
          code: 'due-soon',
          billId: bill.id,
          period: bill.period,
          dueDate: bill.dueDate,
          outstanding: bill.outstanding,
          days: -days,
        });
    }
    return {
      account: toAccount(account),
      asOf: today,
      arrears: report.totalArrears,
      credit: report.creditBalance,
      netBalance: report.netBalance,
      lateFeeToday: report.lateFees,
      lastBill: last ? toSummary(last) : null,
      estimate: await this.estimate(account, today, tariff, energy),
      tiers: this.tiers(account, today, tariff, energy),
      alerts,
    };
  }

  async billList(subject: CustomerSubject, accountId: string, offset: number, limit: number) {
    const account = await this.account(subject, accountId);
    const [rows, counted] = await Promise.all([
      this.bills(account.id).offset(offset).limit(limit),
      this.db('bills')
        .where({ customer_id: account.id })
        .whereIn('status', CUSTOMER_BILL_STATUSES)
        .count<{ n: string }[]>('* as n'),
    ]);
    const total = Number(counted[0]?.n ?? 0);
    return {
      items: (rows as BillRow[]).map(toSummary),
      total,
      totalCapped: false,
      offset,
      limit,
      hasMore: offset + rows.length < total,
    };
  }

  async bill(subject: CustomerSubject, accountId: string, billId: string): Promise<HallBill> {
    const account = await this.account(subject, accountId);
    const row = (await this.bills(account.id).where('b.id', billId).first()) as BillRow | undefined;
    if (!row) throw new NotFound('bill', billId);
    const report = await this.arrears.reportFor(account, utilityToday(this.clock));
    const fee = report.bills.find((b) => b.id === row.id)?.lateFee.amount ?? '0.00';
    return {
      ...toSummary(row),
      lines: row.lines ?? [],
      issuedAt: new Date(row.issued_at).toISOString(),
      lateFeeToday: fee,
    };
  }

  /** kWh by month from the meters' readings (multiplier applied), with the TOU registers' split. */
  async usage(subject: CustomerSubject, accountId: string, months: number) {
    const account = await this.account(subject, accountId);
    const thisMonth = utilityToday(this.clock).slice(0, 7);
    const from = shiftPeriod(thisMonth, -months);
    const result = await this.db.raw<{
      rows: {
        period: string;
        kwh: string;
        peak: string | null;
        flat: string | null;
        valley: string | null;
        amount: string | null;
      }[];
    }>(
      `SELECT r.period,
              sum((r.total - p.total) * m.multiplier)::numeric(14,2)::text AS kwh,
              CASE WHEN bool_and(r.peak IS NOT NULL AND p.peak IS NOT NULL) THEN sum((r.peak - p.peak) * m.multiplier)::numeric(14,2)::text END AS peak,
              CASE WHEN bool_and(r.peak IS NOT NULL AND p.peak IS NOT NULL) THEN sum((coalesce(r.flat, 0) - coalesce(p.flat, 0)) * m.multiplier)::numeric(14,2)::text END AS flat,
              CASE WHEN bool_and(r.valley IS NOT NULL AND p.valley IS NOT NULL) THEN sum((r.valley - p.valley) * m.multiplier)::numeric(14,2)::text END AS valley,
              (SELECT b.total::text FROM bills b WHERE b.customer_id = m.customer_id AND b.period = r.period
                  AND b.kind = 'energy' AND b.status = ANY(?::text[]) LIMIT 1) AS amount
         FROM meters m
         JOIN readings r ON r.meter_id = m.id
         JOIN readings p ON p.meter_id = m.id AND p.period = to_char(to_date(r.period, 'YYYY-MM') - interval '1 month', 'YYYY-MM')
        WHERE m.customer_id = ? AND r.period >= ? AND r.period < ? AND r.total >= p.total
        GROUP BY m.customer_id, r.period
        ORDER BY r.period`,
      [`{${CUSTOMER_BILL_STATUSES.join(',')}}`, account.id, from, shiftPeriod(thisMonth, 1)],
    );
    const rows = result.rows.map((r) => ({
      period: r.period,
      kwh: r.kwh,
      peakKwh: r.peak,
      flatKwh: r.peak === null ? null : r.flat,
      valleyKwh: r.valley,
      amount: r.amount === null ? null : moneyString(r.amount),
    }));
    const tou = rows.every((r) => r.peakKwh !== null && r.valleyKwh !== null) && rows.length > 0;
    return {
      months: rows,
      totalKwh: sum(rows.map((r) => r.kwh)).toFixed(2),
      touSplit: tou
        ? {
            peakKwh: sum(rows.map((r) => r.peakKwh as string)).toFixed(2),
            flatKwh: sum(rows.map((r) => r.flatKwh ?? '0')).toFixed(2),
            valleyKwh: sum(rows.map((r) => r.valleyKwh as string)).toFixed(2),
          }
        : null,
    };
  }

  /** The accounts the subject holds, filtered by the own-accounts rule in SQL. */
  private accounts(subject: CustomerSubject) {
    return this.db('customers as c')
      .where(customerAccountOwned(subject).whereColumn('c.id'))
      .select(
        'c.id',
        'c.account_no',
        'c.name',
        'c.address',
        'c.phone',
        'c.elec_type_code',
        'c.tariff_code',
        'c.status',
        this.db.raw(`to_char(c.connected_on, 'YYYY-MM-DD') as connected_on`),
      );
  }

  /** One account of the subject's, else 404: another customer's account does not exist here. */
  private async account(subject: CustomerSubject, id: string): Promise<AccountRow> {
    const row = (await this.accounts(subject).where('c.id', id).first()) as AccountRow | undefined;
    if (!row) throw new NotFound('account', id);
    return row;
  }

  private bills(customerId: string) {
    return this.db('bills as b')
      .where('b.customer_id', customerId)
      .whereIn('b.status', CUSTOMER_BILL_STATUSES)
      .select(
        'b.id',
        'b.period',
        'b.kind',
        'b.lines',
        'b.issued_at',
        'b.status',
        this.db.raw('b.total::text as total'),
        this.db.raw('b.paid_amount::text as paid_amount'),
        this.db.raw(`to_char(b.due_date, 'YYYY-MM-DD') as due_date`),
        this.db.raw(
          `coalesce(b.consumption_kwh, (SELECT sum((l->>'quantity')::numeric) FROM jsonb_array_elements(b.lines) l WHERE l->>'type' = '01'), 0)::text as kwh`,
        ),
      )
      .orderBy([
        { column: 'b.period', order: 'desc' },
        { column: 'b.issued_at', order: 'desc' },
      ]);
  }

  /**
   * kWh of the customer's energy bills from `from` up to (not including) `to`, newest first, as
   * the billing run counts them (held ones included, written-off ones not).
   */
  private async energyKwh(customerId: string, from: string, to: string): Promise<EnergyKwh[]> {
    return this.db('bills as b')
      .where('b.customer_id', customerId)
      .where('b.kind', 'energy')
      .whereNot('b.status', 'written_off')
      .where('b.period', '<', to)
      .where('b.period', '>=', from)
      .orderBy('b.period', 'desc')
      .select<EnergyKwh[]>(
        'b.period',
        this.db.raw(
          `coalesce(b.consumption_kwh, (SELECT sum((l->>'quantity')::numeric) FROM jsonb_array_elements(b.lines) l WHERE l->>'type' = '01'), 0)::text as kwh`,
        ),
      );
  }

  /**
   * The customer as the run read it for the month before `current`'s: the same meters, each with
   * the last month read (`current`'s previous readings) over the readings of `before`.
   */
  private async lastMonthRead(current: RunCustomer, before: string): Promise<RunCustomer> {
    const ids = current.meters.map((m) => m.id);
    const rows = ids.length
      ? (
          await this.db.raw<{ rows: (Record<string, string | null> & { meter_id: string })[] }>(
            `SELECT r.meter_id, ${readingColumns('r')} FROM readings r WHERE r.meter_id = ANY(?::uuid[]) AND r.period = ?`,
            [`{${ids.join(',')}}`, before],
          )
        ).rows
      : [];
    const byMeter = new Map(rows.map((r) => [r.meter_id, readingOf(r, 'r')]));
    return {
      ...current,
      meters: current.meters.map((m) => ({ ...m, current: m.previous, previous: byMeter.get(m.id) ?? null })),
    };
  }

  private async tariffOf(account: AccountRow): Promise<TariffDefinition> {
    const catalogue = new Map(
      (await this.db('tariffs').select('definition')).map((r: { definition: TariffDefinition }) => [
        r.definition.code,
        r.definition,
      ]),
    );
    return tariffFor(account.elec_type_code, account.tariff_code, catalogue);
  }

  /**
   * Household tier progress (DOMAIN.md §5.1): kWh billed in the tier year against the thresholds,
   * counted as the billing run counts them (its bills of the calendar year, held ones included).
   */
  private tiers(
    account: AccountRow,
    today: string,
    tariff: TariffDefinition,
    energy: readonly EnergyKwh[],
  ): HallHome['tiers'] {
    if (!isHousehold(account.elec_type_code)) return null;
    const month = today.slice(0, 7);
    const version = selectTariffVersion(tariff, month);
    if (!version || version.kind !== 'residential-tiered' || version.tierPeriod !== 'annual') return null;
    const year = month.slice(0, 4);
    const usedKwh = sum(energy.filter((b) => b.period >= `${year}-01` && b.period < month).map((b) => b.kwh));
    let thresholds = { t1: dec(version.thresholdsKwh.t1), t2: dec(version.thresholdsKwh.t2) };
    if (version.midYearProration && account.connected_on) {
      const left = tierMonthsLeft(month, version.tierYearStart ?? '01-01', account.connected_on.slice(0, 7));
      if (left !== null) thresholds = proratedThresholds(thresholds, left);
    }
    const currentTier = usedKwh.lessThan(thresholds.t1) ? 1 : usedKwh.lessThan(thresholds.t2) ? 2 : 3;
    const left =
      currentTier === 1 ? thresholds.t1.minus(usedKwh) : currentTier === 2 ? thresholds.t2.minus(usedKwh) : null;
    return {
      tierYear: year,
      usedKwh: usedKwh.toFixed(2),
      t1Kwh: thresholds.t1.toFixed(2),
      t2Kwh: thresholds.t2.toFixed(2),
      currentTier,
      leftInTierKwh: left === null ? null : left.toFixed(2),
    };
  }

  /**
   * This month's bill estimated from the last three billed months (estimate.ts) and priced by the
   * billing run's computation on the meters projected from the last month read.
   */
  private async estimate(
    account: AccountRow,
    today: string,
    tariff: TariffDefinition,
    energy: readonly EnergyKwh[],
  ): Promise<HallHome['estimate']> {
    const period = today.slice(0, 7);
    const history = energy.filter((b) => b.period < period && b.period >= shiftPeriod(period, -3));
    const basis: EstimateBasis = isHousehold(account.elec_type_code) ? 'calendar-days' : 'working-days';
    const estimated = estimateKwh(history, period, basis, this.calendar);
    if (!estimated) return null;
    // The customer as this month's run would read it; its meters' previous readings are the last
    // month read, and the month before that is one more read (not a second chunk of the run).
    const [current] = await loadChunk(this.db, { period, departmentPath: null, customerId: account.id }, null, 1);
    const last = current ? await this.lastMonthRead(current, shiftPeriod(period, -2)) : null;
    const projected = current && last ? projectedCustomer(current, last, estimated.kwh) : null;
    const outcome = projected ? computeBill(projected, period, new Map([[tariff.code, tariff]])) : null;
    if (outcome?.kind !== 'bill') return null;
    return {
      period,
      basis,
      dailyKwh: estimated.dailyKwh.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2),
      days: estimated.days,
      kwh: estimated.kwh.toFixed(2),
      lines: outcome.bill.lines,
      amount: outcome.bill.total,
      fromPeriods: history.map((h) => h.period),
    };
  }
}

import {
  auditBill,
  type AuditFinding,
  type BillAuditInput,
  type PfStandard,
  type ReadingTypeCode,
  type TouRegisterCode,
  type Voltage,
} from '../domain/audit/index.js';
import {
  type BillLine,
  type BillQuoteRequest,
  type CapacityChange,
  capacityBlocksOf,
  isResidentialCategory,
  quoteBill,
} from '../domain/billing/index.js';
import type { ElecTypeCode } from '../domain/billing/index.js';
import { daysInMonth } from '../domain/billing/dates.js';
import { type Dec, dec, sum } from '../domain/decimal.js';
import { consumptionFromReadings } from '../domain/metering/index.js';
import { AppError } from '../lib/errors.js';
import { dueDateOf, shiftPeriod } from './billing-periods.js';
import { tariffFor } from './billing-tariffs.js';
import type { TariffDefinition } from '../domain/tariffs/index.js';

/** One meter's registers in one period, as stored (decimal strings). */
export interface RegisterReading {
  total: string;
  sharp: string | null;
  peak: string | null;
  flat: string | null;
  valley: string | null;
  deepValley: string | null;
  reactiveKvarh: string | null;
  maxDemandKw: string | null;
  readingType: ReadingTypeCode;
}

/** A sub-meter behind one of the customer's meters, with its total register in both periods. */
export interface RunSubMeter {
  id: string;
  multiplier: string;
  digits: number;
  current: string | null;
  previous: string | null;
}

export interface RunMeter {
  id: string;
  multiplier: string;
  digits: number;
  touCapable: boolean;
  installDate: string | null;
  current: RegisterReading | null;
  previous: RegisterReading | null;
  /** The meters behind this one (audit rule 8), whoever's account they bill. */
  subMeters?: readonly RunSubMeter[] | undefined;
}

/** What the run knows of a customer for one period: master data, meters, earlier bills' kWh. */
export interface RunCustomer {
  id: string;
  elecTypeCode: string;
  voltageLevel: string | null;
  capacityKva: string | null;
  pfStandard: string | null;
  tariffCode: string | null;
  /** A low-income household: its tariff's free kWh a month (DOMAIN.md §5.1). */
  lowIncome?: boolean | undefined;
  /** The day the account was connected (YYYY-MM-DD): mid-year tier proration when the tariff says so. */
  connectedOn?: string | null | undefined;
  meters: RunMeter[];
  /** kWh of the customer's earlier bills, by period (the 12 months before this one at least). */
  history: ReadonlyMap<string, string>;
  /** Reactive energy (kvarh) of the earlier bills that recorded it, by period (audit rule 9). */
  reactiveHistory?: ReadonlyMap<string, string> | undefined;
  /** Completed suspensions, reductions and restorations up to the end of the period (DOMAIN.md §9). */
  capacityChanges?: readonly CapacityChange[] | undefined;
}

export interface ComputedBill {
  lines: BillLine[];
  total: string;
  consumptionKwh: string;
  /** The month's reactive energy, kvarh, when every meter's reactive register was read. */
  reactiveKvarh: string | null;
  auditFlags: AuditFinding[];
  status: 'held' | 'issued' | 'settled';
  dueDate: string | null;
}

export type BillOutcome =
  { kind: 'bill'; bill: ComputedBill } | { kind: 'skipped'; reason: string } | { kind: 'error'; message: string };

const TOU = ['sharp', 'peak', 'flat', 'valley', 'deepValley'] as const;
type Tou = (typeof TOU)[number];
const TOU_CODES: Record<Tou, TouRegisterCode> = { sharp: '01', peak: '02', flat: '03', valley: '04', deepValley: '05' };

/** HV from 1 kV up (a `10kV`, `35kV` … voltage level); without one, large industry is HV. */
export function voltageOf(voltageLevel: string | null, category: string): Voltage {
  const kv = /^\s*(\d+(?:\.\d+)?)\s*kV\s*$/i.exec(voltageLevel ?? '');
  if (kv) return Number(kv[1]) >= 1 ? 'HV' : 'LV';
  return category === '100' ? 'HV' : 'LV';
}

interface Advance {
  total: Dec;
  registers: Partial<Record<Tou, Dec>> | null;
  kvarh: Dec | null;
  maxDemandKw: Dec | null;
}

/** Register advances of all meters together, multiplier and rollover applied (DOMAIN.md §4). */
function advanceOf(meters: RunMeter[], avgDailyKwh: Dec, days: number): Advance {
  const step = (m: RunMeter, prev: string, curr: string) =>
    dec(consumptionFromReadings(prev, curr, m.digits, m.multiplier, { avgDailyKwh, days }).kwh);
  let total = dec(0);
  let kvarh: Dec | null = dec(0);
  let demand: Dec | null = null;
  let registers: Partial<Record<Tou, Dec>> | null = {};
  for (const m of meters) {
    const { current: c, previous: p } = m as { current: RegisterReading; previous: RegisterReading };
    total = total.plus(step(m, p.total, c.total));
    const given = TOU.filter((r) => c[r] !== null && p[r] !== null);
    if (!m.touCapable || given.length === 0) registers = null;
    for (const r of given)
      if (registers) registers[r] = (registers[r] ?? dec(0)).plus(step(m, p[r] as string, c[r] as string));
    kvarh =
      kvarh && c.reactiveKvarh !== null && p.reactiveKvarh !== null
        ? kvarh.plus(step(m, p.reactiveKvarh, c.reactiveKvarh))
        : null;
    if (c.maxDemandKw !== null) {
      const kw = dec(c.maxDemandKw).times(m.multiplier);
      demand = demand === null || kw.greaterThan(demand) ? kw : demand;
    }
  }
  return { total, registers, kvarh, maxDemandKw: demand };
}

function usageKwh(advance: Advance, kind: string): BillQuoteRequest['usage']['kwh'] {
  const r = advance.registers;
  if (kind === 'single-part' || r === null) return { total: advance.total.toFixed(2) };
  const kwh: BillQuoteRequest['usage']['kwh'] = {};
  for (const t of TOU)
    if (r[t] !== undefined && (kind !== 'residential-tiered' || !r[t].isZero())) kwh[t] = r[t].toFixed(2);
  // A household that used nothing has no peak or valley to split: bill its (zero) total.
  return Object.keys(kwh).length ? kwh : { total: advance.total.toFixed(2) };
}

function historyOf(customer: RunCustomer, period: string) {
  const at = (months: number) => customer.history.get(shiftPeriod(period, months)) ?? null;
  const lastThree = [at(-1), at(-2), at(-3)].filter((v): v is string => v !== null);
  const year = period.slice(0, 4);
  const tierYear = [...customer.history].filter(([p]) => p.startsWith(year) && p < period).map(([, kwh]) => kwh);
  return { lastMonth: at(-1), sameMonthLastYear: at(-12), lastThree, tierYearKwhBefore: sum(tierYear) };
}

/**
 * Rule 8: the sub-meters' consumption behind the customer's meters, or undefined when there are
 * none or one lacks a reading (an incomplete sum would hide the very shortfall the rule looks for).
 */
function subMeterKwhOf(customer: RunCustomer, days: number): Dec[] | undefined {
  const subs = customer.meters.flatMap((m) => m.subMeters ?? []);
  if (subs.length === 0 || subs.some((s) => s.current === null || s.previous === null)) return undefined;
  return subs.map((s) =>
    dec(
      consumptionFromReadings(s.previous as string, s.current as string, s.digits, s.multiplier, {
        avgDailyKwh: dec(0),
        days,
      }).kwh,
    ),
  );
}

/** Rule 9: this month's kvarh, then last month's as its bill recorded it (most recent first). */
function reactiveOf(customer: RunCustomer, period: string, kvarh: Dec): Dec[] {
  const last = customer.reactiveHistory?.get(shiftPeriod(period, -1));
  return last === undefined ? [kvarh] : [kvarh, dec(last)];
}

function auditInput(customer: RunCustomer, period: string, advance: Advance, avgDailyKwh: Dec | null): BillAuditInput {
  const h = historyOf(customer, period);
  const backwards = customer.meters.find((m) => dec(m.current?.total ?? 0).lessThan(m.previous?.total ?? 0));
  const estimated = customer.meters.find((m) => m.current?.readingType === '03');
  const main = (backwards ?? customer.meters[0]) as RunMeter & { current: RegisterReading; previous: RegisterReading };
  const typed = estimated ?? main;
  const standard = isResidentialCategory(customer.elecTypeCode as ElecTypeCode) ? null : customer.pfStandard;
  const firstPeriodDay = `${shiftPeriod(period, -1)}-01`;
  const subMeters = subMeterKwhOf(customer, daysInMonth(period));
  return {
    voltage: voltageOf(customer.voltageLevel, customer.elecTypeCode),
    elecTypeCode: customer.elecTypeCode,
    consumptionKwh: advance.total,
    readings: {
      previous: main.previous.total,
      current: main.current.total,
      digits: main.digits,
      multiplier: main.multiplier,
      days: daysInMonth(period),
      ...(avgDailyKwh === null ? {} : { avgDailyKwh }),
    },
    lastMonthKwh: h.lastMonth,
    sameMonthLastYearKwh: h.sameMonthLastYear,
    lastThreeMonthsKwh: h.lastThree,
    tou: advance.registers
      ? {
          totalKwh: advance.total,
          registersKwh: Object.fromEntries(Object.entries(advance.registers).map(([r, v]) => [TOU_CODES[r as Tou], v])),
        }
      : null,
    capacityKva: customer.capacityKva,
    ...(standard && advance.kvarh !== null
      ? {
          powerFactor: {
            appliedStandard: standard as PfStandard,
            reactiveKvarh: reactiveOf(customer, period, advance.kvarh),
          },
        }
      : {}),
    ...(subMeters ? { subMeterKwh: subMeters } : {}),
    readingTypes: [typed.current?.readingType, typed.previous?.readingType].filter(
      (t): t is ReadingTypeCode => t !== undefined,
    ),
    // Rule 13: no earlier bill, and a meter installed within the billed interval; or capacity sealed
    // or unsealed in the billed month.
    firstBill:
      customer.history.size === 0 &&
      customer.meters.some((m) => m.installDate !== null && m.installDate >= firstPeriodDay)
        ? 'connection'
        : changedIn(customer, period)
          ? 'change'
          : null,
  };
}

/** Whether capacity was sealed or unsealed during `period` (DOMAIN.md §9). */
function changedIn(customer: RunCustomer, period: string): boolean {
  return (customer.capacityChanges ?? []).some((c) => (c.sealedOn ?? c.unsealedOn ?? '').startsWith(period));
}

/** The two-part customer's capacity: blocks in a month of change, else the contracted kVA. */
function capacityOf(customer: RunCustomer, period: string): NonNullable<BillQuoteRequest['customer']> {
  const kva = customer.capacityKva ?? '0';
  const blocks = customer.capacityChanges?.length ? capacityBlocksOf(kva, customer.capacityChanges, period) : null;
  return { capacityKva: kva, basicChargeMethod: 'capacity', ...(blocks ? { capacityBlocks: blocks } : {}) };
}

/** What a residential bill knows of the household: the quote prices the free kWh and the proration. */
function householdOf(
  customer: RunCustomer,
): Pick<NonNullable<BillQuoteRequest['customer']>, 'lowIncome' | 'connectedOn'> {
  return {
    ...(customer.lowIncome ? { lowIncome: true } : {}),
    ...(customer.connectedOn ? { connectedOn: customer.connectedOn } : {}),
  };
}

/**
 * Prices and audits one customer's bill for `period` from this and the previous period's readings
 * of its meters (DOMAIN.md §4, §5). A customer without both readings of every meter is skipped;
 * what the tariff rules cannot price is an error of this customer only.
 */
export function computeBill(
  customer: RunCustomer,
  period: string,
  catalogue?: ReadonlyMap<string, TariffDefinition>,
  /** A final bill's days in service (DOMAIN.md §9 销户): the basic charge at 1/30 a day; else the month. */
  days?: string,
): BillOutcome {
  if (customer.meters.length === 0) return { kind: 'skipped', reason: 'no meter in service' };
  if (customer.meters.some((m) => m.current === null || m.previous === null)) {
    return { kind: 'skipped', reason: `no readings for ${period} and the period before` };
  }
  try {
    const h = historyOf(customer, period);
    const avgDailyKwh = h.lastThree.length ? sum(h.lastThree).dividedBy(h.lastThree.length * 30) : null;
    const advance = advanceOf(customer.meters, avgDailyKwh ?? dec(0), daysInMonth(period));
    const tariff = tariffFor(customer.elecTypeCode, customer.tariffCode, catalogue);
    const kind = tariff.versions[0]?.kind ?? 'single-part';
    const residential = kind === 'residential-tiered';
    const pfStandard = residential ? undefined : ((customer.pfStandard ?? undefined) as PfStandard | undefined);
    const quote = quoteBill(
      {
        customer: {
          category: customer.elecTypeCode as ElecTypeCode,
          ...(kind === 'two-part' ? capacityOf(customer, period) : {}),
          ...(residential ? householdOf(customer) : {}),
          pfStandard,
        },
        usage: {
          kwh: usageKwh(advance, kind),
          kvarh: advance.kvarh?.toFixed(2),
          maxDemandKw: advance.maxDemandKw?.toFixed(2),
          tierYearKwhBefore: residential ? h.tierYearKwhBefore.toFixed(2) : undefined,
        },
        period: days === undefined ? { month: period } : { month: period, days },
      },
      tariff,
    );
    const billed = sum(quote.lines.filter((l) => l.type === '01').map((l) => l.quantity));
    const auditFlags = auditBill(auditInput(customer, period, advance, avgDailyKwh));
    const status = auditFlags.length ? 'held' : dec(quote.total).isZero() ? 'settled' : 'issued';
    return {
      kind: 'bill',
      bill: {
        lines: quote.lines,
        total: quote.total,
        // The tier year counts what was billed (a residential TOU bill prices peak + valley).
        consumptionKwh: (residential ? billed : advance.total).toFixed(2),
        reactiveKvarh: advance.kvarh?.toFixed(2) ?? null,
        auditFlags,
        status,
        dueDate: status === 'held' ? null : dueDateOf(period),
      },
    };
  } catch (err) {
    if (err instanceof AppError) return { kind: 'error', message: err.message };
    throw err;
  }
}

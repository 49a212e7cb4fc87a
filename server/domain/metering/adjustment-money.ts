import { Invalid } from '../../lib/errors.js';
import { residentialEnergyLines } from '../billing/energy.js';
import { readUsage } from '../billing/inputs.js';
import { Dec, type DecimalInput, dec, roundEnergy, roundMoney, sum } from '../decimal.js';
import { type TariffDefinition, type TariffVersion, isYearMonth, selectTariffVersion } from '../tariffs/index.js';

/** One month an adjustment (退补) reaches back into, as it was billed. */
export interface AdjustmentMonth {
  /** YYYY-MM. */
  month: string;
  /** kWh the month's bill charged. */
  billedKwh: DecimalInput;
  /** kWh to add (+, back-bill) or take away (−, refund) in this month. */
  adjustKwh: DecimalInput;
  /** Residential: kWh billed earlier in the month's tier period, as the bill counted it. */
  tierYearKwhBefore?: DecimalInput | undefined;
}

export interface AdjustmentMoneyLine {
  month: string;
  adjustKwh: string;
  /** Signed yuan, rounded to 0.01 half up: + owed by the customer, − owed to them. */
  amount: string;
}

export interface AdjustmentMoney {
  lines: AdjustmentMoneyLine[];
  /** Sum of the lines. */
  total: string;
}

const invalid = (message: string) => new Invalid('INVALID_ADJUSTMENT', message);

/** Splits `adjustKwh` over months pro rata to the energy each recorded, to 0.01 kWh, adding up exactly. */
export function spreadAdjustment(
  adjustKwh: DecimalInput,
  months: readonly { month: string; recordedKwh: DecimalInput }[],
): { month: string; adjustKwh: string }[] {
  const total = sum(months.map((m) => m.recordedKwh));
  if (!total.greaterThan(0)) throw invalid('the months of an adjustment recorded no energy to spread it over');
  const adjust = dec(adjustKwh);
  let recorded = dec(0);
  let given = dec(0);
  // Rounded on the running total, so the parts add up to the whole to the hundredth.
  return months.map((m) => {
    recorded = recorded.plus(m.recordedKwh);
    const upTo = roundEnergy(adjust.times(recorded).dividedBy(total));
    const part = upTo.minus(given);
    given = upTo;
    return { month: m.month, adjustKwh: part.toFixed(2) };
  });
}

/** The first month of the tier year `month` is in (annual tiers reset on `tierYearStart`, MM-DD). */
function tierYearOf(month: string, version: TariffVersion): string {
  if (version.kind !== 'residential-tiered') return month;
  if (version.tierPeriod === 'monthly') return month;
  const startMonth = (version.tierYearStart ?? '01-01').slice(0, 2);
  const year = Number(month.slice(0, 4));
  return month.slice(5, 7) >= startMonth ? `${year}-${startMonth}` : `${year - 1}-${startMonth}`;
}

/** The energy charge of `kwh` in a month, exact (before line rounding), flat prices. */
function energyCharge(tariff: TariffDefinition, version: TariffVersion, kwh: Dec, before: Dec | null): Dec {
  if (version.kind !== 'residential-tiered') return kwh.times(version.energyPrices.flat);
  const usage = readUsage({ kwh: { total: kwh.toFixed(2) }, tierYearKwhBefore: before?.toFixed(2) });
  const lines = residentialEnergyLines(tariff.code, version, usage);
  return sum(lines.map((l) => dec(l.quantity).times(l.unitPrice)));
}

/**
 * The money of an adjustment (DOMAIN.md §3): Σ over the affected months of the energy × that
 * month's price, each month by its own tariff version and, for tiered tariffs, its own tiers — the
 * month repriced with the corrected kWh, and the kWh taken or added counted in the tier year of the
 * months after it. Flat prices: the adjusted energy has no TOU split. Each month is one line,
 * rounded to the cent; the total is their sum.
 */
export function adjustmentMoney(months: readonly AdjustmentMonth[], tariff: TariffDefinition): AdjustmentMoney {
  const shifted = new Map<string, Dec>();
  const ordered = [...months].sort((a, b) => a.month.localeCompare(b.month));
  const lines = ordered.map((m) => {
    if (!isYearMonth(m.month)) throw invalid(`month must be YYYY-MM, got "${m.month}"`);
    const version = selectTariffVersion(tariff, m.month);
    if (version === null) throw invalid(`tariff ${tariff.code} has no version in effect for ${m.month}`);
    const billed = dec(m.billedKwh);
    const adjust = dec(m.adjustKwh);
    const corrected = billed.plus(adjust);
    if (corrected.isNegative())
      throw invalid(`${m.month}: refunds ${adjust.negated().toString()} kWh of ${billed.toString()} billed`);
    const tierYear = tierYearOf(m.month, version);
    const earlier = shifted.get(tierYear) ?? dec(0);
    const before = m.tierYearKwhBefore === undefined ? null : dec(m.tierYearKwhBefore);
    if (version.kind === 'residential-tiered' && version.tierPeriod === 'annual' && before === null) {
      throw invalid(`${m.month}: tierYearKwhBefore is required for the annual tiers of ${tariff.code}`);
    }
    const exact = energyCharge(
      tariff,
      version,
      corrected,
      before === null ? null : Dec.max(0, before.plus(earlier)),
    ).minus(energyCharge(tariff, version, billed, before));
    shifted.set(tierYear, earlier.plus(adjust));
    const amount = roundMoney(exact);
    return { month: m.month, adjustKwh: adjust.toFixed(2), amount: amount.isZero() ? dec(0) : amount };
  });
  return {
    lines: lines.map((l) => ({ ...l, amount: l.amount.toFixed(2) })),
    total: sum(lines.map((l) => l.amount)).toFixed(2),
  };
}

import { Dec, dec, sum } from '../decimal.js';
import {
  type EnergyPrices,
  type ResidentialTieredVersion,
  type TierPrices,
  TOU_PERIODS,
  type TouPeriod,
} from '../tariffs/index.js';
import { BillingInputError } from './errors.js';
import type { Usage } from './inputs.js';
import { type BillLine, LINE_TYPES, billLine } from './lines.js';
import { proratedThresholds, splitTiers, splitTouWithinTiers, tierMonthsLeft } from './tiers.js';

const PERIOD_LABELS: Record<TouPeriod, string> = {
  sharp: 'sharp peak',
  peak: 'peak',
  flat: 'flat',
  valley: 'valley',
  deepValley: 'deep valley',
};

const TIERS = ['tier1', 'tier2', 'tier3'] as const;
type Tier = (typeof TIERS)[number];

/** Energy lines (01) of a single- or two-part tariff: one line per TOU register with energy. */
export function periodEnergyLines(tariffCode: string, prices: EnergyPrices, usage: Usage): BillLine[] {
  const priced = TOU_PERIODS.filter((p) => prices[p] !== undefined);
  if (usage.registers === null) {
    if (priced.length > 1) {
      // A C&I tariff with TOU prices bills by period; a single total cannot be priced honestly.
      throw new BillingInputError(
        'usage.kwh.total',
        `tariff ${tariffCode} prices energy by TOU period (${priced.join(', ')}); give usage.kwh per period instead of total`,
      );
    }
    return usage.totalKwh.isZero() ? [] : [billLine(LINE_TYPES.energy, 'Energy', usage.totalKwh, dec(prices.flat))];
  }
  const lines: BillLine[] = [];
  for (const period of TOU_PERIODS) {
    const kwh = usage.registers[period];
    if (kwh === undefined || kwh.isZero()) continue;
    const price = prices[period];
    if (price === undefined) {
      throw new BillingInputError(
        `usage.kwh.${period}`,
        `tariff ${tariffCode} has no ${PERIOD_LABELS[period]} price; it prices ${priced.join(', ')}`,
      );
    }
    lines.push(billLine(LINE_TYPES.energy, `Energy, ${PERIOD_LABELS[period]}`, kwh, dec(price)));
  }
  return lines;
}

function tierLine(tier: Tier, part: string, kwh: Dec, prices: TierPrices): BillLine | null {
  if (kwh.isZero()) return null;
  return billLine(LINE_TYPES.energy, `Energy, tier ${tier.slice(-1)}${part}`, kwh, dec(prices[tier]));
}

/** What a residential bill knows of the household beyond its energy (DOMAIN.md §5.1). */
export interface Household {
  /** The billed month, YYYY-MM. */
  month: string;
  /** Gets the tariff's free kWh a month (低保户 / 五保户). */
  lowIncome: boolean;
  /** The day the account was connected, for the mid-year proration of the tier thresholds. */
  connectedOn: string | null;
}

function thresholdsOf(version: ResidentialTieredVersion, household: Household | undefined) {
  const { thresholdsKwh } = version;
  if (!version.midYearProration || version.tierPeriod !== 'annual' || !household?.connectedOn) return thresholdsKwh;
  const left = tierMonthsLeft(household.month, version.tierYearStart ?? '01-01', household.connectedOn.slice(0, 7));
  return left === null ? thresholdsKwh : proratedThresholds(thresholdsKwh, left);
}

/** The free kWh of a low-income household taken from the month's first kWh: the lowest tiers first. */
function freeOf(version: ResidentialTieredVersion, household: Household | undefined, tiers: Dec[]) {
  const allowance = household?.lowIncome ? dec(version.lowIncomeFreeKwhPerMonth ?? 0) : dec(0);
  let left = Dec.min(allowance, sum(tiers));
  const free = left;
  const charged = tiers.map((q) => {
    const taken = Dec.min(q, left);
    left = left.minus(taken);
    return q.minus(taken);
  });
  return { free, charged };
}

const FREE_LABEL = 'Energy, free allowance (low-income household)';

/**
 * Energy lines (01) of a residential tiered tariff (DOMAIN.md §5.1): the bill's kWh split over the
 * tiers after `tierYearKwhBefore`; a TOU household's tier kWh split again into peak and valley. A
 * low-income household's free kWh are the month's first (lowest-tier) kWh, shown at price 0 and
 * still counted in the tier year; a mid-year account's thresholds are prorated when the tariff says so.
 */
export function residentialEnergyLines(
  tariffCode: string,
  version: ResidentialTieredVersion,
  usage: Usage,
  household?: Household,
): BillLine[] {
  const before = usage.tierYearKwhBefore;
  if (before === null && version.tierPeriod === 'annual') {
    throw new BillingInputError(
      'usage.tierYearKwhBefore',
      `tariff ${tariffCode} has annual tiers: usage.tierYearKwhBefore (kWh already billed this tier year, 0 for the first bill) is required`,
    );
  }
  const split = splitTiers(usage.totalKwh, before ?? 0, thresholdsOf(version, household));
  const { free, charged: tiers } = freeOf(version, household, [split.q1, split.q2, split.q3]);
  const lines: (BillLine | null)[] = [free.isZero() ? null : billLine(LINE_TYPES.energy, FREE_LABEL, free, dec(0))];
  if (usage.registers === null) {
    TIERS.forEach((tier, i) => lines.push(tierLine(tier, '', tiers[i] ?? dec(0), version.prices.flat)));
  } else {
    const { touPeak, touValley } = version.prices;
    if (touPeak === undefined || touValley === undefined) {
      throw new BillingInputError(
        'usage.kwh',
        `tariff ${tariffCode} has no TOU prices; give usage.kwh.total for a household without TOU`,
      );
    }
    for (const period of ['sharp', 'flat', 'deepValley'] as const) {
      if (usage.registers[period]?.isZero() === false) {
        throw new BillingInputError(
          `usage.kwh.${period}`,
          `a residential TOU bill has peak and valley registers only; usage.kwh.${period} is not priced (give usage.kwh.total for a household without TOU)`,
        );
      }
    }
    // The free kWh take their share of peak and valley first, so the tiers keep the rest exactly.
    const [, ...shares] = splitTouWithinTiers([free, ...tiers], usage.registers.peak ?? 0, usage.registers.valley ?? 0);
    TIERS.forEach((tier, i) => {
      const share = shares[i] ?? { peak: dec(0), valley: dec(0) };
      lines.push(tierLine(tier, ' peak', share.peak, touPeak));
      lines.push(tierLine(tier, ' valley', share.valley, touValley));
    });
  }
  return lines.filter((l): l is BillLine => l !== null);
}

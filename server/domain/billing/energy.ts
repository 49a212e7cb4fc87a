import { type Dec, dec } from '../decimal.js';
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
import { splitTiers, splitTouWithinTiers } from './tiers.js';

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

/**
 * Energy lines (01) of a residential tiered tariff (DOMAIN.md §5.1): the bill's kWh split over the
 * tiers after `tierYearKwhBefore`; a TOU household's tier kWh split again into peak and valley.
 */
export function residentialEnergyLines(
  tariffCode: string,
  version: ResidentialTieredVersion,
  usage: Usage,
): BillLine[] {
  const before = usage.tierYearKwhBefore;
  if (before === null && version.tierPeriod === 'annual') {
    throw new BillingInputError(
      'usage.tierYearKwhBefore',
      `tariff ${tariffCode} has annual tiers: usage.tierYearKwhBefore (kWh already billed this tier year, 0 for the first bill) is required`,
    );
  }
  const split = splitTiers(usage.totalKwh, before ?? 0, version.thresholdsKwh);
  const tiers = [split.q1, split.q2, split.q3];
  const lines: (BillLine | null)[] = [];
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
    const shares = splitTouWithinTiers(tiers, usage.registers.peak ?? 0, usage.registers.valley ?? 0);
    TIERS.forEach((tier, i) => {
      const share = shares[i] ?? { peak: dec(0), valley: dec(0) };
      lines.push(tierLine(tier, ' peak', share.peak, touPeak));
      lines.push(tierLine(tier, ' valley', share.valley, touValley));
    });
  }
  return lines.filter((l): l is BillLine => l !== null);
}

import { type Dec, roundMoney, sum } from '../decimal.js';
import {
  type PfStandard,
  type TariffDefinition,
  type TariffVersion,
  isIsoDate,
  isYearMonth,
  selectTariffVersion,
} from '../tariffs/index.js';
import { basicChargeLines, prorationOf } from './basic-charge.js';
import { readCapacityBlocks, totalKva } from './capacity-blocks.js';
import { type Household, periodEnergyLines, residentialEnergyLines } from './energy.js';
import { BillingInputError } from './errors.js';
import { type InPriceLevy, governmentFundLines, inPriceLevies } from './funds.js';
import { type Customer, type Usage, readCustomer, readDecimal, readUsage } from './inputs.js';
import { type BillLine, LINE_TYPES, billLine } from './lines.js';
import { pfAdjustmentPercent, powerFactor } from './power-factor.js';
import type { BillQuoteRequest } from './request-schema.js';

/** A priced bill: its lines, the power factor assessment, and the total (= sum of the lines). */
export interface BillQuote {
  lines: BillLine[];
  /** cosφ to 2 decimals, or null without kvarh (or without any energy). */
  powerFactor: string | null;
  /** The PF adjustment applied, percent (+ surcharge, − reduction); null when not PF-assessed. */
  pfAdjustmentPercent: string | null;
  total: string;
  /** DOMAIN.md §5.1/§5.4: funds inside the energy price, reported for information, not in `total`. */
  inPriceLevies: InPriceLevy[];
}

interface PfAssessment {
  powerFactor: Dec | null;
  percent: Dec | null;
}

function assessPowerFactor(customer: Customer, usage: Usage, residential: boolean, tariffCode: string): PfAssessment {
  const standard: PfStandard | null = customer.pfStandard;
  if (standard !== null && residential) {
    throw new BillingInputError(
      'customer.pfStandard',
      `tariff ${tariffCode} is residential; residential customers are not PF-assessed`,
    );
  }
  if (standard !== null && usage.kvarh === null) {
    throw new BillingInputError(
      'usage.kvarh',
      `PF standard ${standard} needs usage.kvarh (the month's reactive energy)`,
    );
  }
  const pf = usage.kvarh === null ? null : powerFactor(usage.totalKwh, usage.kvarh);
  return { powerFactor: pf, percent: standard === null || pf === null ? null : pfAdjustmentPercent(pf, standard) };
}

/**
 * The blocks of a month of change (DOMAIN.md §9), ended by the version's suspension rules; the
 * contracted capacity is what they add up to.
 */
function capacityChange(request: BillQuoteRequest, version: TariffVersion, customer: Customer, days: Dec | null) {
  const given = request.customer?.capacityBlocks;
  if (given === undefined) return undefined;
  const field = 'customer.capacityBlocks';
  if (version.kind !== 'two-part') {
    throw new BillingInputError(field, `a ${version.kind} tariff has no basic charge; leave ${field} out`);
  }
  if (days !== null) {
    throw new BillingInputError(field, `${field} and period.days both prorate the basic charge; give one of them`);
  }
  const blocks = readCapacityBlocks(given, version.suspensionRules ?? 'current', field);
  const kva = totalKva(blocks);
  if (customer.capacityKva !== null && !customer.capacityKva.equals(kva)) {
    throw new BillingInputError(
      'customer.capacityKva',
      `customer.capacityKva ${customer.capacityKva.toString()} differs from the ${kva.toString()} kVA of ${field}`,
    );
  }
  return { month: request.period.month, blocks, customer: { ...customer, capacityKva: kva } };
}

function householdOf(request: BillQuoteRequest, kind: TariffVersion['kind']): Household {
  const { lowIncome = false, connectedOn } = request.customer ?? {};
  if (lowIncome && kind !== 'residential-tiered') {
    throw new BillingInputError('customer.lowIncome', `a ${kind} tariff has no free kWh for low-income households`);
  }
  if (connectedOn !== undefined && (!isIsoDate(connectedOn) || connectedOn.slice(0, 7) > request.period.month)) {
    throw new BillingInputError(
      'customer.connectedOn',
      'customer.connectedOn must be a date no later than the billed month',
    );
  }
  return { month: request.period.month, lowIncome, connectedOn: connectedOn ?? null };
}

const amountOf = (lines: readonly BillLine[]): Dec => sum(lines.map((l) => l.amount));

/**
 * Prices one bill (DOMAIN.md §5) with the tariff version in effect for `period.month`: energy lines
 * (01), the basic charge of a two-part tariff (03), the PF adjustment (02) and out-of-price
 * government funds (04). Each line is rounded to 0.01 half up; the total is the sum of the lines.
 * The caller resolves `request.tariff` to a definition; validate untrusted input with
 * `billQuoteRequestSchema`. Throws BillingInputError for what the rules cannot price.
 */
export function quoteBill(request: BillQuoteRequest, tariff: TariffDefinition): BillQuote {
  const { month } = request.period;
  if (!isYearMonth(month)) throw new BillingInputError('period.month', `period.month must be YYYY-MM, got "${month}"`);
  const version = selectTariffVersion(tariff, month);
  if (version === null) {
    const starts = tariff.versions.map((v) => v.effectiveFrom).join(', ');
    throw new BillingInputError(
      'period.month',
      `tariff ${tariff.code} has no version in effect for ${month} (versions from ${starts})`,
    );
  }
  const usage = readUsage(request.usage);
  const customer = readCustomer(request.customer);
  const days = request.period.days === undefined ? null : readDecimal('period.days', request.period.days, 'positive');
  if (version.kind !== 'two-part' && customer.basicChargeMethod !== null) {
    throw new BillingInputError(
      'customer.basicChargeMethod',
      `tariff ${tariff.code} is ${version.kind} and has no basic charge; leave customer.basicChargeMethod out`,
    );
  }

  const change = capacityChange(request, version, customer, days);

  const household = householdOf(request, version.kind);
  const energy =
    version.kind === 'residential-tiered'
      ? residentialEnergyLines(tariff.code, version, usage, household)
      : periodEnergyLines(tariff.code, version.energyPrices, usage);
  const basic =
    version.kind === 'two-part'
      ? basicChargeLines(tariff.code, version, change?.customer ?? customer, usage, prorationOf(month, days), change)
      : [];
  const levies = inPriceLevies(version.funds, usage.totalKwh);
  const pf = assessPowerFactor(customer, usage, version.kind === 'residential-tiered', tariff.code);

  const lines = [...energy, ...basic];
  if (pf.percent !== null && pf.powerFactor !== null && customer.pfStandard !== null) {
    // DOMAIN.md §5.3: the adjustment is a percentage of (basic + energy charge excluding government funds).
    const base = amountOf(energy)
      .plus(amountOf(basic))
      .minus(sum(levies.map((l) => l.amount)));
    const sign = pf.percent.isNegative() ? '' : '+';
    const label = `Power factor adjustment, cosφ ${pf.powerFactor.toFixed(2)} against ${customer.pfStandard}: ${sign}${pf.percent.toFixed(2)} %`;
    lines.push(billLine(LINE_TYPES.pfAdjustment, label, roundMoney(base), pf.percent.dividedBy(100)));
  }
  lines.push(...governmentFundLines(version.funds, usage.totalKwh));

  return {
    lines,
    powerFactor: pf.powerFactor === null ? null : pf.powerFactor.toFixed(2),
    pfAdjustmentPercent: pf.percent === null ? null : pf.percent.toFixed(2),
    total: amountOf(lines).toFixed(2),
    inPriceLevies: levies,
  };
}

import { type Dec, dec } from '../decimal.js';
import type { TwoPartVersion } from '../tariffs/index.js';
import { daysInMonth } from './dates.js';
import { BillingInputError } from './errors.js';
import type { Customer, Usage } from './inputs.js';
import { type BillLine, LINE_TYPES, billLine, figure } from './lines.js';

// DOMAIN.md §5.2 (cfg values of the national rules).
const CONTRACT_DEMAND_FLOOR = dec('0.40');
const DEMAND_TOLERANCE = dec('1.05');
const HIGH_LOAD_KWH_PER_KVA = dec(260);
const HIGH_LOAD_DEMAND_PRICE = dec('0.90');

/** The share of the monthly basic charge a partial month pays, and how the label says it. */
export interface Proration {
  factor: Dec | null;
  label: string;
}

/**
 * DOMAIN.md §5.2: in the month of connection, change or termination the basic charge is billed per
 * day used at 1/30 of the monthly charge; a partial day counts as one. Days covering the whole month
 * (28 in February included) pay the full month.
 */
export function prorationOf(month: string, days: Dec | null): Proration {
  if (days === null) return { factor: null, label: '' };
  const used = days.ceil();
  const inMonth = daysInMonth(month);
  if (used.greaterThan(inMonth)) {
    throw new BillingInputError(
      'period.days',
      `period.days ${days.toString()} exceeds the ${inMonth} days of ${month}`,
    );
  }
  if (used.equals(inMonth)) return { factor: null, label: '' };
  const charged = used.greaterThan(30) ? dec(30) : used;
  return { factor: charged.dividedBy(30), label: `, ${charged.toString()}/30 days` };
}

function capacityLines(version: TwoPartVersion, kva: Dec, customer: Customer, proration: Proration): BillLine[] {
  // DOMAIN.md §5.2: capacity = kVA of transformers in service plus HV motors (kW counted as kVA).
  const motors = customer.hvMotorKw.isZero() ? '' : ` + ${customer.hvMotorKw.toString()} kW HV motors`;
  const label = `Basic charge by capacity, ${kva.toString()} kVA${motors}${proration.label}`;
  const price = dec(version.basicCharge.capacityPricePerKvaMonth);
  return [billLine(LINE_TYPES.basicCharge, label, kva.plus(customer.hvMotorKw), price, proration.factor ?? undefined)];
}

function demandLines(
  version: TwoPartVersion,
  kva: Dec,
  customer: Customer,
  usage: Usage,
  proration: Proration,
): BillLine[] {
  if (customer.contractDemandKw === null || customer.contractDemandKw.isZero()) {
    throw new BillingInputError(
      'customer.contractDemandKw',
      'the demand method needs customer.contractDemandKw (the contract maximum demand, kW, greater than 0)',
    );
  }
  if (usage.maxDemandKw === null) {
    throw new BillingInputError(
      'usage.maxDemandKw',
      'the demand method needs usage.maxDemandKw (the month’s maximum demand, kW)',
    );
  }
  // DOMAIN.md §5.2: the contract demand is at least 40 % of (kVA + HV motor kW); a lower one is billed at the floor.
  const floor = kva.plus(customer.hvMotorKw).times(CONTRACT_DEMAND_FLOOR);
  const floored = customer.contractDemandKw.lessThan(floor);
  const contract = floored ? floor : customer.contractDemandKw;
  const contractText = floored
    ? `40 % floor ${figure(contract)} kW (contract ${customer.contractDemandKw.toString()} kW)`
    : `contract demand ${customer.contractDemandKw.toString()} kW`;
  // DOMAIN.md §5.2: ≥ 260 kWh per contracted kVA in the month ⇒ the demand price is 90 % that month.
  const highLoad = usage.totalKwh.dividedBy(kva).greaterThanOrEqualTo(HIGH_LOAD_KWH_PER_KVA);
  const fullPrice = dec(version.basicCharge.demandPricePerKwMonth);
  const price = highLoad ? fullPrice.times(HIGH_LOAD_DEMAND_PRICE) : fullPrice;
  const priceText = highLoad ? ' at 90 % price (≥ 260 kWh/kVA)' : '';
  const factor = proration.factor ?? undefined;
  const tolerated = contract.times(DEMAND_TOLERANCE);
  if (!usage.maxDemandKw.greaterThan(tolerated)) {
    const label = `Basic charge by demand, ${contractText}${priceText}${proration.label}`;
    return [billLine(LINE_TYPES.basicCharge, label, contract, price, factor)];
  }
  // DOMAIN.md §5.2: basic = 1.05·Dc·P + (Dact − 1.05·Dc)·2·P when Dact > 1.05·Dc.
  return [
    billLine(
      LINE_TYPES.basicCharge,
      `Basic charge by demand, up to 105 % of ${contractText}${priceText}${proration.label}`,
      tolerated,
      price,
      factor,
    ),
    billLine(
      LINE_TYPES.basicCharge,
      `Basic charge by demand, above 105 % of ${contractText}, billed double${priceText}${proration.label}`,
      usage.maxDemandKw.minus(tolerated),
      price.times(2),
      factor,
    ),
  ];
}

/** The basic charge lines (03) of a two-part tariff, by capacity or by demand (DOMAIN.md §5.2). */
export function basicChargeLines(
  tariffCode: string,
  version: TwoPartVersion,
  customer: Customer,
  usage: Usage,
  proration: Proration,
): BillLine[] {
  if (customer.basicChargeMethod === null) {
    throw new BillingInputError(
      'customer.basicChargeMethod',
      `tariff ${tariffCode} is two-part: customer.basicChargeMethod (capacity or demand) is required`,
    );
  }
  if (customer.capacityKva === null || customer.capacityKva.isZero()) {
    throw new BillingInputError(
      'customer.capacityKva',
      `tariff ${tariffCode} is two-part: customer.capacityKva (contracted kVA, greater than 0) is required`,
    );
  }
  return customer.basicChargeMethod === 'capacity'
    ? capacityLines(version, customer.capacityKva, customer, proration)
    : demandLines(version, customer.capacityKva, customer, usage, proration);
}

import { Dec, dec, sum } from '../decimal.js';
import type { TwoPartVersion } from '../tariffs/index.js';
import { type CapacityBlock, daysInService, serviceSegments, totalKva } from './capacity-blocks.js';
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

/**
 * DOMAIN.md §9: in a month of change each block of capacity is billed on its own, days in service
 * × 1/30 of its monthly charge, never more than the monthly charge; HV motors are not sealed with
 * the transformers and pay the whole month.
 */
function capacityBlockLines(version: TwoPartVersion, month: string, blocks: CapacityBlock[], customer: Customer) {
  const price = dec(version.basicCharge.capacityPricePerKvaMonth);
  const lines = blocks.map((block, i) => {
    const proration = prorationOf(month, dec(daysInService(month, block)));
    const label = `Basic charge by capacity, block ${i + 1} of ${block.kva.toString()} kVA${proration.label}`;
    return billLine(LINE_TYPES.basicCharge, label, block.kva, price, proration.factor ?? undefined);
  });
  if (!customer.hvMotorKw.isZero()) {
    const label = `Basic charge by capacity, ${customer.hvMotorKw.toString()} kW HV motors`;
    lines.push(billLine(LINE_TYPES.basicCharge, label, customer.hvMotorKw, price));
  }
  return lines;
}

interface DemandInputs {
  contractDemandKw: Dec;
  maxDemandKw: Dec;
}

function demandInputs(customer: Customer, usage: Usage): DemandInputs {
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
  return { contractDemandKw: customer.contractDemandKw, maxDemandKw: usage.maxDemandKw };
}

/** What one demand charge is computed on: the capacity the 40 % floor is taken of, and its proration. */
interface DemandBasis {
  /** kVA in service (DOMAIN.md §9: the floor is computed on the capacity in service). */
  floorKva: Dec;
  /** The contracted kVA, for the kWh-per-kVA test of the 90 % price. */
  contractedKva: Dec;
  proration: Proration;
  /** Said in the label when the capacity in service is not the whole contracted capacity. */
  scope: string;
}

function demandLines(
  version: TwoPartVersion,
  customer: Customer,
  usage: Usage,
  demand: DemandInputs,
  basis: DemandBasis,
): BillLine[] {
  // DOMAIN.md §5.2: the contract demand is at least 40 % of (kVA + HV motor kW); a lower one is billed at the floor.
  const floor = basis.floorKva.plus(customer.hvMotorKw).times(CONTRACT_DEMAND_FLOOR);
  const floored = demand.contractDemandKw.lessThan(floor);
  const contract = floored ? floor : demand.contractDemandKw;
  const contractText = floored
    ? `40 % floor ${figure(contract)} kW (contract ${demand.contractDemandKw.toString()} kW)`
    : `contract demand ${demand.contractDemandKw.toString()} kW`;
  // DOMAIN.md §5.2: ≥ 260 kWh per contracted kVA in the month ⇒ the demand price is 90 % that month.
  const highLoad = usage.totalKwh.dividedBy(basis.contractedKva).greaterThanOrEqualTo(HIGH_LOAD_KWH_PER_KVA);
  const fullPrice = dec(version.basicCharge.demandPricePerKwMonth);
  const price = highLoad ? fullPrice.times(HIGH_LOAD_DEMAND_PRICE) : fullPrice;
  const priceText = highLoad ? ' at 90 % price (≥ 260 kWh/kVA)' : '';
  const factor = basis.proration.factor ?? undefined;
  const suffix = `${priceText}${basis.scope}${basis.proration.label}`;
  const tolerated = contract.times(DEMAND_TOLERANCE);
  if (!demand.maxDemandKw.greaterThan(tolerated)) {
    return [
      billLine(LINE_TYPES.basicCharge, `Basic charge by demand, ${contractText}${suffix}`, contract, price, factor),
    ];
  }
  // DOMAIN.md §5.2: basic = 1.05·Dc·P + (Dact − 1.05·Dc)·2·P when Dact > 1.05·Dc.
  return [
    billLine(
      LINE_TYPES.basicCharge,
      `Basic charge by demand, up to 105 % of ${contractText}${suffix}`,
      tolerated,
      price,
      factor,
    ),
    billLine(
      LINE_TYPES.basicCharge,
      `Basic charge by demand, above 105 % of ${contractText}, billed double${suffix}`,
      demand.maxDemandKw.minus(tolerated),
      price.times(2),
      factor,
    ),
  ];
}

const amountOf = (lines: readonly BillLine[]) => sum(lines.map((l) => l.amount));

/**
 * DOMAIN.md §9 for a demand-billed customer: the month is cut into runs of days with the same
 * capacity in service; each run pays its days × 1/30 of the monthly demand charge with the 40 %
 * floor on that capacity (a run with nothing in service pays nothing). Never more than the monthly
 * charge at the largest capacity in service: a 31-day month without a change of floor pays the month.
 */
function demandBlockLines(
  version: TwoPartVersion,
  month: string,
  blocks: CapacityBlock[],
  customer: Customer,
  usage: Usage,
): BillLine[] {
  const demand = demandInputs(customer, usage);
  const contractedKva = totalKva(blocks);
  const segments = serviceSegments(month, blocks).filter((s) => s.kvaInService.greaterThan(0));
  if (segments.length === 0) return [];
  const largest = segments.reduce((kva, s) => Dec.max(kva, s.kvaInService), dec(0));
  const whole = { floorKva: largest, contractedKva, proration: { factor: null, label: '' } };
  const monthly = demandLines(version, customer, usage, demand, {
    ...whole,
    scope: largest.equals(contractedKva) ? '' : `, ${largest.toString()} kVA in service`,
  });
  const prorated = segments.flatMap((s) =>
    demandLines(version, customer, usage, demand, {
      floorKva: s.kvaInService,
      contractedKva,
      proration: prorationOf(month, dec(s.days)),
      scope: `, ${s.kvaInService.toString()} kVA in service ${s.from.slice(5)}–${s.to.slice(5)}`,
    }),
  );
  return amountOf(prorated).greaterThan(amountOf(monthly)) ? monthly : prorated;
}

/**
 * The basic charge lines (03) of a two-part tariff, by capacity or by demand (DOMAIN.md §5.2). With
 * `blocks` (a month of suspension, reduction or restoration, DOMAIN.md §9) the charge follows the
 * days each block is in service; without, the whole contracted capacity, prorated by `proration`.
 */
export function basicChargeLines(
  tariffCode: string,
  version: TwoPartVersion,
  customer: Customer,
  usage: Usage,
  proration: Proration,
  change?: { month: string; blocks: CapacityBlock[] },
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
  if (change) {
    return customer.basicChargeMethod === 'capacity'
      ? capacityBlockLines(version, change.month, change.blocks, customer)
      : demandBlockLines(version, change.month, change.blocks, customer, usage);
  }
  const kva = customer.capacityKva;
  return customer.basicChargeMethod === 'capacity'
    ? capacityLines(version, kva, customer, proration)
    : demandLines(version, customer, usage, demandInputs(customer, usage), {
        floorKva: kva,
        contractedKva: kva,
        proration,
        scope: '',
      });
}

import { type Dec, type DecimalInput, dec } from '../decimal.js';
import { PF_STANDARDS, type PfStandard, TOU_PERIODS, type TouPeriod } from '../tariffs/index.js';
import { BillingInputError } from './errors.js';
import type { BillQuoteRequest } from './request-schema.js';

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/**
 * A request figure as a decimal, or a BillingInputError naming `field`. Energy figures pass
 * `maxDecimals` 2 (DOMAIN.md conventions: kWh with up to 2 decimals), so no split can create or
 * lose a fraction of a hundredth.
 */
export function readDecimal(
  field: string,
  value: DecimalInput,
  bound: 'non-negative' | 'positive',
  maxDecimals?: number,
): Dec {
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text === 'string' && !DECIMAL.test(text)) {
    throw new BillingInputError(field, `${field} must be a decimal number, got "${text}"`);
  }
  if (typeof text === 'number' && !Number.isFinite(text)) {
    throw new BillingInputError(field, `${field} must be a finite number`);
  }
  const d = dec(text);
  if (d.isNegative() && !d.isZero()) throw new BillingInputError(field, `${field} must not be negative`);
  if (bound === 'positive' && d.isZero()) throw new BillingInputError(field, `${field} must be greater than 0`);
  if (maxDecimals !== undefined && d.decimalPlaces() > maxDecimals) {
    throw new BillingInputError(field, `${field} has more than ${maxDecimals} decimals: ${d.toString()}`);
  }
  return d;
}

const optionalDecimal = (
  field: string,
  value: DecimalInput | undefined,
  bound: 'non-negative' | 'positive',
  maxDecimals?: number,
): Dec | null => (value === undefined ? null : readDecimal(field, value, bound, maxDecimals));

/** Energy and demand of one bill, validated. */
export interface Usage {
  /** kWh per TOU register, or null when the meter gave a single total. */
  registers: Partial<Record<TouPeriod, Dec>> | null;
  totalKwh: Dec;
  kvarh: Dec | null;
  maxDemandKw: Dec | null;
  tierYearKwhBefore: Dec | null;
}

export function readUsage(usage: BillQuoteRequest['usage']): Usage {
  const { kwh } = usage;
  const given = TOU_PERIODS.filter((p) => kwh[p] !== undefined);
  if (kwh.total !== undefined && given.length > 0) {
    throw new BillingInputError('usage.kwh', 'usage.kwh takes either total or TOU registers, not both');
  }
  let registers: Usage['registers'] = null;
  let totalKwh: Dec;
  if (kwh.total !== undefined) {
    totalKwh = readDecimal('usage.kwh.total', kwh.total, 'non-negative', 2);
  } else {
    if (given.length === 0) {
      throw new BillingInputError('usage.kwh', `usage.kwh needs total or at least one of ${TOU_PERIODS.join(', ')}`);
    }
    registers = {};
    totalKwh = dec(0);
    for (const period of given) {
      const value = readDecimal(`usage.kwh.${period}`, kwh[period] ?? 0, 'non-negative', 2);
      registers[period] = value;
      totalKwh = totalKwh.plus(value);
    }
  }
  return {
    registers,
    totalKwh,
    kvarh: optionalDecimal('usage.kvarh', usage.kvarh, 'non-negative'),
    maxDemandKw: optionalDecimal('usage.maxDemandKw', usage.maxDemandKw, 'non-negative'),
    tierYearKwhBefore: optionalDecimal('usage.tierYearKwhBefore', usage.tierYearKwhBefore, 'non-negative', 2),
  };
}

/** The customer figures a two-part basic charge and a PF adjustment use, validated. */
export interface Customer {
  capacityKva: Dec | null;
  basicChargeMethod: 'capacity' | 'demand' | null;
  contractDemandKw: Dec | null;
  hvMotorKw: Dec;
  pfStandard: PfStandard | null;
}

export function readCustomer(customer: BillQuoteRequest['customer']): Customer {
  const c = customer ?? {};
  const method = c.basicChargeMethod ?? null;
  if (method !== null && method !== 'capacity' && method !== 'demand') {
    throw new BillingInputError('customer.basicChargeMethod', 'customer.basicChargeMethod must be capacity or demand');
  }
  const pfStandard = c.pfStandard ?? null;
  if (pfStandard !== null && !PF_STANDARDS.includes(pfStandard)) {
    throw new BillingInputError('customer.pfStandard', `customer.pfStandard must be one of ${PF_STANDARDS.join(', ')}`);
  }
  return {
    capacityKva: optionalDecimal('customer.capacityKva', c.capacityKva, 'non-negative'),
    basicChargeMethod: method,
    contractDemandKw: optionalDecimal('customer.contractDemandKw', c.contractDemandKw, 'non-negative'),
    hvMotorKw: optionalDecimal('customer.hvMotorKw', c.hvMotorKw, 'non-negative') ?? dec(0),
    pfStandard,
  };
}

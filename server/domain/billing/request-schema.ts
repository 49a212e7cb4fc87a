import { z } from 'zod';
import { type DecimalInput, dec } from '../decimal.js';
import {
  PF_STANDARDS,
  type PfStandard,
  type TariffDefinitionInput,
  TOU_PERIODS,
  decimalString,
  isoDateString,
  tariffDefinitionSchema,
  yearMonthString,
} from '../tariffs/index.js';
import type { CapacityBlockInput } from './capacity-blocks.js';
import { ELEC_TYPE_CODES, type ElecTypeCode } from './categories.js';

/** This bill's kWh: either per TOU register, or a single `total` for a meter without TOU registers. */
export interface KwhUsage {
  total?: DecimalInput | undefined;
  sharp?: DecimalInput | undefined;
  peak?: DecimalInput | undefined;
  flat?: DecimalInput | undefined;
  valley?: DecimalInput | undefined;
  deepValley?: DecimalInput | undefined;
}

/** What a bill quote needs; which fields are required depends on the tariff kind (see `quoteBill`). */
export interface BillQuoteRequest {
  /** As the API received it; `quoteBill` is handed the resolved definition and ignores this. */
  tariff?: string | TariffDefinitionInput | undefined;
  customer?:
    | {
        category?: ElecTypeCode | undefined;
        /** Contracted capacity: kVA of transformers in service. */
        capacityKva?: DecimalInput | undefined;
        basicChargeMethod?: 'capacity' | 'demand' | undefined;
        contractDemandKw?: DecimalInput | undefined;
        /** High-voltage motors not behind a transformer, kW, billed like kVA (DOMAIN.md §5.2). */
        hvMotorKw?: DecimalInput | undefined;
        /** Absent: the customer is not PF-assessed. */
        pfStandard?: PfStandard | undefined;
        /**
         * A month of suspension, reduction or restoration (DOMAIN.md §9): the contracted capacity as
         * blocks with the days each was sealed; they add up to `capacityKva` (which may be left out).
         */
        capacityBlocks?: CapacityBlockInput[] | undefined;
        /** Residential: a low-income household gets the tariff's free kWh a month (DOMAIN.md §5.1). */
        lowIncome?: boolean | undefined;
        /** Residential: the day the account was connected, for the mid-year proration of the tiers. */
        connectedOn?: string | undefined;
      }
    | undefined;
  usage: {
    kwh: KwhUsage;
    kvarh?: DecimalInput | undefined;
    maxDemandKw?: DecimalInput | undefined;
    /** Residential: kWh already billed in this tier period (tier year, or month for monthly tiers). */
    tierYearKwhBefore?: DecimalInput | undefined;
  };
  period: {
    month: string;
    /** Days used in a partial month (connection, change, termination); prorates the basic charge. */
    days?: DecimalInput | undefined;
  };
}

const kwh = (name: string) => decimalString(`usage.kwh.${name}`, 'non-negative').optional();

const kwhSchema = z
  .strictObject({
    total: kwh('total'),
    sharp: kwh('sharp'),
    peak: kwh('peak'),
    flat: kwh('flat'),
    valley: kwh('valley'),
    deepValley: kwh('deepValley'),
  })
  .superRefine((value, ctx) => {
    const registers = TOU_PERIODS.filter((p) => value[p] !== undefined);
    if (value.total !== undefined && registers.length > 0) {
      ctx.addIssue({ code: 'custom', message: `usage.kwh takes either total or TOU registers, not both` });
    } else if (value.total === undefined && registers.length === 0) {
      ctx.addIssue({ code: 'custom', message: `usage.kwh needs total or at least one of ${TOU_PERIODS.join(', ')}` });
    }
  });

/** 0.9, "0.9" and "0.90" all name the 0.90 standard. */
const pfStandardSchema = decimalString('customer.pfStandard').transform((text, ctx) => {
  const known = PF_STANDARDS.find((s) => dec(s).equals(text));
  if (known === undefined) {
    ctx.addIssue({ code: 'custom', message: `customer.pfStandard must be one of ${PF_STANDARDS.join(', ')}` });
    return z.NEVER;
  }
  return known;
});

/**
 * A union reports only "invalid input"; for an inline definition, name what is wrong inside it
 * (the issues of the definition branch, with their paths).
 */
function tariffProblem(issue: { input?: unknown; errors?: readonly (readonly z.core.$ZodIssue[])[] }): string {
  const inline = issue.errors?.[1];
  if (typeof issue.input !== 'object' || issue.input === null || inline === undefined || inline.length === 0) {
    return 'tariff must be a tariff code or an inline tariff definition';
  }
  const problems = inline.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return `inline tariff definition is invalid: ${problems.join('; ')}`;
}

const date = (field: string) => isoDateString(`customer.capacityBlocks[].sealed[].${field}`);

const capacityBlockSchema = z.strictObject({
  kva: decimalString('customer.capacityBlocks[].kva', 'positive'),
  sealed: z
    .array(
      z.strictObject({
        kind: z
          .enum(['suspension', 'reduction'], {
            error: 'customer.capacityBlocks[].sealed[].kind must be suspension or reduction',
          })
          .optional(),
        sealedOn: date('sealedOn'),
        unsealedOn: date('unsealedOn').optional(),
        plannedEndOn: date('plannedEndOn').optional(),
      }),
    )
    .optional(),
});

/** The body of a bill quote request (DOMAIN.md §5), validated and documented by one schema. */
export const billQuoteRequestSchema = z.strictObject({
  tariff: z.union([z.string().min(1, 'tariff code must not be empty'), tariffDefinitionSchema], {
    error: tariffProblem,
  }),
  customer: z
    .strictObject({
      category: z
        .enum(ELEC_TYPE_CODES, { error: `customer.category must be one of ${ELEC_TYPE_CODES.join(', ')}` })
        .optional(),
      capacityKva: decimalString('customer.capacityKva', 'non-negative').optional(),
      basicChargeMethod: z
        .enum(['capacity', 'demand'], { error: 'customer.basicChargeMethod must be capacity or demand' })
        .optional(),
      contractDemandKw: decimalString('customer.contractDemandKw', 'non-negative').optional(),
      hvMotorKw: decimalString('customer.hvMotorKw', 'non-negative').optional(),
      pfStandard: pfStandardSchema.optional(),
      capacityBlocks: z
        .array(capacityBlockSchema)
        .min(1, 'customer.capacityBlocks needs at least one block')
        .optional(),
      lowIncome: z.boolean({ error: 'customer.lowIncome must be true or false' }).optional(),
      connectedOn: isoDateString('customer.connectedOn').optional(),
    })
    .optional(),
  usage: z.strictObject({
    kwh: kwhSchema,
    kvarh: decimalString('usage.kvarh', 'non-negative').optional(),
    maxDemandKw: decimalString('usage.maxDemandKw', 'non-negative').optional(),
    tierYearKwhBefore: decimalString('usage.tierYearKwhBefore', 'non-negative').optional(),
  }),
  period: z.strictObject({
    month: yearMonthString('period.month'),
    days: decimalString('period.days', 'positive').optional(),
  }),
});

export type BillQuoteRequestInput = z.input<typeof billQuoteRequestSchema>;
export type ParsedBillQuoteRequest = z.output<typeof billQuoteRequestSchema>;

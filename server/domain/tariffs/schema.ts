import { z } from 'zod';
import { dec } from '../decimal.js';
import { decimalString, isoDateString } from './fields.js';

/** TOU periods in SG186 register order: sharp-peak 01, peak 02, flat 03, valley 04, deep-valley 05. */
export const TOU_PERIODS = ['sharp', 'peak', 'flat', 'valley', 'deepValley'] as const;
export type TouPeriod = (typeof TOU_PERIODS)[number];

/** DOMAIN.md §5.3: the three power-factor standards. */
export const PF_STANDARDS = ['0.90', '0.85', '0.80'] as const;
export type PfStandard = (typeof PF_STANDARDS)[number];

/**
 * DOMAIN.md §9 policy switch: `current` — suspended capacity is billed again when it is unsealed;
 * `1996` — the 1996 rules also end each suspension (and its exemption) with its applied period, and
 * limit suspensions to twice a calendar year, each at least 15 days, 6 months in total.
 */
export const SUSPENSION_RULES = ['current', '1996'] as const;
export type SuspensionRules = (typeof SUSPENSION_RULES)[number];

const price = (field: string) => decimalString(field, 'non-negative');

const governmentFundSchema = z.strictObject({
  name: z.string().min(1, 'a government fund needs a name'),
  perKwh: decimalString('fund perKwh', 'non-negative'),
  /** DOMAIN.md §5.4 quotes funds in fen (0.01 yuan) per kWh; either unit is accepted. */
  unit: z.enum(['fen', 'yuan'], { error: 'fund unit must be fen or yuan' }),
  /** true: already inside the energy price, reported only; false: billed as its own line (04). */
  inPrice: z.boolean({ error: 'fund inPrice must be true or false' }),
});

const tierPricesSchema = z.strictObject({
  tier1: price('tier 1 price'),
  tier2: price('tier 2 price'),
  tier3: price('tier 3 price'),
});

const energyPricesSchema = z.strictObject({
  sharp: price('sharp-peak price').optional(),
  peak: price('peak price').optional(),
  flat: price('flat price'),
  valley: price('valley price').optional(),
  deepValley: price('deep-valley price').optional(),
});

const HOUR_RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;
const hours = z.array(z.string().regex(HOUR_RANGE, 'TOU hours are written HH:MM-HH:MM')).optional();

/** Informational: which clock hours belong to which period (the meter, not the bill, applies them). */
const touHoursSchema = z.strictObject({ sharp: hours, peak: hours, flat: hours, valley: hours, deepValley: hours });

const versionBase = {
  effectiveFrom: isoDateString('effectiveFrom'),
  /** Inclusive: the last day this version applies. Absent: open-ended. */
  effectiveTo: isoDateString('effectiveTo').optional(),
  funds: z.array(governmentFundSchema),
};

const residentialTieredSchema = z.strictObject({
  kind: z.literal('residential-tiered'),
  ...versionBase,
  /** DOMAIN.md §5.1: tiers may be annual or monthly (cfg). */
  tierPeriod: z.enum(['annual', 'monthly'], { error: 'tierPeriod must be annual or monthly' }),
  /** Annual tiers: the day (MM-DD) the tier year resets; the caller uses it to sum `tierYearKwhBefore`. */
  tierYearStart: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'tierYearStart is written MM-DD')
    .optional(),
  /** Upper bounds of tier 1 and tier 2 in kWh per tier period: tier 1 ≤ T1 < tier 2 ≤ T2 < tier 3. */
  thresholdsKwh: z.strictObject({ t1: decimalString('T1', 'positive'), t2: decimalString('T2', 'positive') }),
  /**
   * DOMAIN.md §5.1 policy switch (annual tiers): an account connected after the tier year started
   * gets T1 and T2 prorated by the months left in the tier year, its month of connection included.
   */
  midYearProration: z.boolean({ error: 'midYearProration must be true or false' }).optional(),
  /** DOMAIN.md §5.1 (cfg, 10–15): kWh a month a low-income household does not pay for. */
  lowIncomeFreeKwhPerMonth: decimalString('lowIncomeFreeKwhPerMonth', 'non-negative').optional(),
  prices: z.strictObject({
    flat: tierPricesSchema,
    touPeak: tierPricesSchema.optional(),
    touValley: tierPricesSchema.optional(),
  }),
});

const singlePartSchema = z.strictObject({
  kind: z.literal('single-part'),
  ...versionBase,
  energyPrices: energyPricesSchema,
  touHours: touHoursSchema.optional(),
});

const twoPartSchema = z.strictObject({
  kind: z.literal('two-part'),
  ...versionBase,
  energyPrices: energyPricesSchema,
  touHours: touHoursSchema.optional(),
  /** DOMAIN.md §5.2: basic charge (基本电费) by capacity or by demand. */
  basicCharge: z.strictObject({
    capacityPricePerKvaMonth: price('capacity price'),
    demandPricePerKwMonth: price('demand price'),
  }),
  /** DOMAIN.md §9 (cfg): the rules for suspensions; absent means `current`. */
  suspensionRules: z.enum(SUSPENSION_RULES, { error: 'suspensionRules must be current or 1996' }).optional(),
});

const tariffVersionSchema = z.discriminatedUnion('kind', [residentialTieredSchema, singlePartSchema, twoPartSchema], {
  error: 'a tariff version kind must be one of residential-tiered, single-part, two-part',
});

type VersionOutput = z.output<typeof tariffVersionSchema>;

/** Problems a single version's shape cannot express, as [path inside the version, message]. */
function versionProblems(v: VersionOutput): [string[], string][] {
  const problems: [string[], string][] = [];
  if (v.effectiveTo !== undefined && v.effectiveTo < v.effectiveFrom) {
    problems.push([['effectiveTo'], `effectiveTo ${v.effectiveTo} is before effectiveFrom ${v.effectiveFrom}`]);
  }
  if (v.kind === 'residential-tiered') {
    if (!dec(v.thresholdsKwh.t1).lessThan(v.thresholdsKwh.t2)) {
      problems.push([['thresholdsKwh', 't2'], 'T2 must be greater than T1']);
    }
    if ((v.prices.touPeak === undefined) !== (v.prices.touValley === undefined)) {
      problems.push([['prices'], 'TOU prices need both touPeak and touValley, or neither']);
    }
    // DOMAIN.md §5.1: funds are inside the published residential price, never added again.
    v.funds.forEach((f, i) => {
      if (!f.inPrice) problems.push([['funds', String(i), 'inPrice'], 'residential funds must be in-price']);
    });
  }
  return problems;
}

/** A tariff with effective-dated versions (DOMAIN.md §5), as seeded or given inline to a quote. */
export const tariffDefinitionSchema = z
  .strictObject({
    code: z.string({ error: 'tariff code is required' }).min(1, 'tariff code is required'),
    name: z.string({ error: 'tariff name is required' }).min(1, 'tariff name is required'),
    versions: z.array(tariffVersionSchema).min(1, 'a tariff needs at least one version'),
  })
  .superRefine((tariff, ctx) => {
    tariff.versions.forEach((v, i) => {
      for (const [path, message] of versionProblems(v)) {
        ctx.addIssue({ code: 'custom', path: ['versions', i, ...path], message });
      }
    });
    const sorted = [...tariff.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const next = sorted[i];
      if (prev && next && (prev.effectiveTo === undefined || prev.effectiveTo >= next.effectiveFrom)) {
        ctx.addIssue({
          code: 'custom',
          path: ['versions'],
          message: `versions from ${prev.effectiveFrom} and ${next.effectiveFrom} overlap`,
        });
      }
    }
  });

export type TariffDefinition = z.output<typeof tariffDefinitionSchema>;
export type TariffDefinitionInput = z.input<typeof tariffDefinitionSchema>;
export type TariffVersion = TariffDefinition['versions'][number];
export type ResidentialTieredVersion = Extract<TariffVersion, { kind: 'residential-tiered' }>;
export type SinglePartVersion = Extract<TariffVersion, { kind: 'single-part' }>;
export type TwoPartVersion = Extract<TariffVersion, { kind: 'two-part' }>;
export type GovernmentFund = TariffVersion['funds'][number];
export type EnergyPrices = SinglePartVersion['energyPrices'];
export type TierPrices = ResidentialTieredVersion['prices']['flat'];

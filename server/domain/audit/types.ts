import type { DecimalInput } from '../decimal.js';

export type Voltage = 'LV' | 'HV';

/** Reading type: 01 normal, 02 missed, 03 estimated, 04 supplementary (DOMAIN.md §1). */
export type ReadingTypeCode = '01' | '02' | '03' | '04';

/** TOU registers: 01 sharp peak, 02 peak, 03 flat, 04 valley, 05 deep valley (DOMAIN.md §1). */
export type TouRegisterCode = '01' | '02' | '03' | '04' | '05';

/** Power-factor standard (DOMAIN.md §5.3); null = the customer is not PF-assessed. */
export type PfStandard = '0.90' | '0.85' | '0.80';

/** The customer type that decides the PF standard (DOMAIN.md §5.3). */
export type PfCustomerUse =
  'industrial' | 'non-industrial' | 'agricultural' | 'wholesale' | 'irrigation' | 'residential';

export type FirstBillReason = 'connection' | 'change' | 'tariff-change';

/** Everything the 13 audit rules look at for one bill. Histories list the most recent first. */
export interface BillAuditInput {
  voltage: Voltage;
  /** ELEC_TYPE_CODE (100, 200, 201, 202, 300, 400, 000). */
  elecTypeCode: string;
  /** This bill's consumption, kWh (multiplier applied). */
  consumptionKwh: DecimalInput;
  /** The total register of this period's readings. */
  readings?: {
    previous: DecimalInput;
    current: DecimalInput;
    digits: number;
    multiplier: DecimalInput;
    /** Days in the period and the average daily use, for the rollover plausibility test. */
    days: number;
    avgDailyKwh?: DecimalInput;
  };
  lastMonthKwh?: DecimalInput | null;
  sameMonthLastYearKwh?: DecimalInput | null;
  /** The three months before this one. */
  lastThreeMonthsKwh?: readonly DecimalInput[];
  /** Register advances of this period, kWh: the total register and each TOU register. */
  tou?: { totalKwh: DecimalInput; registersKwh: Partial<Record<TouRegisterCode, DecimalInput>> } | null;
  /** Contracted capacity, kVA. */
  capacityKva?: DecimalInput | null;
  /** Consumption of the sub-meters behind this (main) meter, kWh. */
  subMeterKwh?: readonly DecimalInput[];
  powerFactor?: {
    /** The standard the bill applies; null = not PF-assessed. */
    appliedStandard: PfStandard | null;
    /** Reactive energy, kvarh, this period first. */
    reactiveKvarh: readonly DecimalInput[];
    /** When known, rule 12 checks the applied standard against the one this customer type needs. */
    customer?: { use: PfCustomerUse; onLoadTapChanger?: boolean };
  };
  /** Reading types of the total register, this period first. */
  readingTypes?: readonly ReadingTypeCode[];
  /** Set on the first bill after a connection, a change or a tariff change. */
  firstBill?: FirstBillReason | null;
}

/** (cfg) Audit thresholds, percentages as percent values; defaults in DEFAULT_AUDIT_CONFIG. */
export interface AuditConfig {
  yoyDeviationPercent: Record<Voltage, DecimalInput>;
  momDeviationPercent: Record<Voltage, DecimalInput>;
  avg3DeviationPercent: DecimalInput;
  touTolerancePercent: DecimalInput;
  /** Monthly kWh limit by ELEC_TYPE_CODE; a sub-code (201) falls back to its category (200). */
  classMonthlyLimitKwh: Readonly<Record<string, DecimalInput>>;
  maxUtilisationHours: DecimalInput;
  zeroReactiveMonths: number;
  estimatedCycles: number;
  rolloverFactor: DecimalInput;
}

/**
 * DOMAIN.md §4 defaults. The per-class monthly limits are not given there: the figures below are
 * placeholders (about ten times a heavy user of the class) to be replaced by provincial
 * configuration; large industry (100) has none, rule 7 covers it through capacity.
 */
export const DEFAULT_AUDIT_CONFIG: AuditConfig = {
  yoyDeviationPercent: { LV: '50', HV: '30' },
  momDeviationPercent: { LV: '50', HV: '30' },
  avg3DeviationPercent: '50',
  touTolerancePercent: '0.2',
  classMonthlyLimitKwh: { '200': '5000', '300': '200000', '400': '500000' },
  maxUtilisationHours: '720',
  zeroReactiveMonths: 2,
  estimatedCycles: 2,
  rolloverFactor: '3',
};

export const AUDIT_RULE_CODES = {
  1: 'READING_BACKWARDS',
  2: 'YEAR_ON_YEAR_DEVIATION',
  3: 'MONTH_ON_MONTH_DEVIATION',
  4: 'THREE_MONTH_AVERAGE_DEVIATION',
  5: 'TOU_SUM_MISMATCH',
  6: 'CLASS_LIMIT_EXCEEDED',
  7: 'UTILISATION_IMPLAUSIBLE',
  8: 'MAIN_BELOW_SUB_METERS',
  9: 'REACTIVE_SUSPECT',
  10: 'ZERO_CONSUMPTION',
  11: 'REPEATED_ESTIMATE',
  12: 'WRONG_PF_STANDARD',
  13: 'FIRST_BILL',
} as const;

export type AuditRuleNumber = keyof typeof AUDIT_RULE_CODES;
export type AuditRuleCode = (typeof AUDIT_RULE_CODES)[AuditRuleNumber];

/** A tripped rule: the bill goes to a manual audit task before it is issued. */
export interface AuditFinding {
  rule: AuditRuleNumber;
  code: AuditRuleCode;
  message: string;
}

/** One rule: the message when the bill trips it, or null. */
export type AuditCheck = (input: BillAuditInput, config: AuditConfig) => string | null;

import type { DateLike, IsoDate } from '../calendar/dates.js';
import type { WorkingCalendar } from '../calendar/working-calendar.js';
import { type DecimalInput, dec } from '../decimal.js';
import {
  DIFFERENTIAL_PRICE_INDUSTRIES,
  type EssPolicyCode,
  type HueTradeTypeCode,
  type ProductionStatus,
  type RiskwarTactic,
} from './codes.js';
import type { CreditGrade } from './credit.js';

export type HighRiskRule = 'H1' | 'H2' | 'H3' | 'H4' | 'H5' | 'H6' | 'H7' | 'H8';
export type RiskLevel = 'A' | 'B' | 'C';

export interface RiskScreeningInput {
  policyCategory: EssPolicyCode | null;
  industry: HueTradeTypeCode | null;
  productionStatus: ProductionStatus;
  /** Principal in arrears, yuan (penalties excluded): this year's and carried from prior years. */
  arrears: { currentYear: DecimalInput; priorYears: DecimalInput };
  /** Age in months of the oldest unpaid current-year arrears; 0 when none. */
  currentYearArrearsAgeMonths: number;
  creditGrade: CreditGrade;
  latePaymentsLast12Months: number;
  /** Monthly consumption next to the same month a year earlier, most recent month first. */
  consumption: readonly { kwh: DecimalInput; sameMonthLastYearKwh: DecimalInput }[];
  onDishonestList: boolean;
}

export interface RequiredMeasure {
  /** Any one of these tactics satisfies the warning. */
  tactics: readonly RiskwarTactic[];
  /** Working days to take it, null = no deadline set by DOMAIN.md. */
  withinWd: number | null;
}

/** (cfg) Screening thresholds and measures (DOMAIN.md §7). */
export interface RiskScreeningConfig {
  policyCategories: readonly EssPolicyCode[];
  differentialIndustries: readonly HueTradeTypeCode[];
  haltedStatuses: readonly ProductionStatus[];
  distressStatuses: readonly ProductionStatus[];
  highArrearsYuan: DecimalInput;
  agedArrearsMonths: number;
  latePayments: number;
  consumptionDropPercent: DecimalInput;
  consumptionDropMonths: number;
  /** How many of H2–H7 make level B. */
  levelBMinRules: number;
  measures: Record<RiskLevel, RequiredMeasure>;
}

export const DEFAULT_RISK_CONFIG: RiskScreeningConfig = {
  policyCategories: ['01', '02', '03'],
  differentialIndustries: DIFFERENTIAL_PRICE_INDUSTRIES,
  haltedStatuses: ['half-stopped', 'shut-down'],
  distressStatuses: ['bankrupt', 'restructuring'],
  highArrearsYuan: '1000000',
  agedArrearsMonths: 3,
  latePayments: 3,
  consumptionDropPercent: '50',
  consumptionDropMonths: 2,
  levelBMinRules: 2,
  measures: {
    A: { tactics: [3, 4, 13, 2], withinWd: 10 },
    B: { tactics: [1, 8, 9], withinWd: null },
    C: { tactics: [9], withinWd: null },
  },
};

export interface RiskScreeningResult {
  highRisk: boolean;
  /** The rules that hold, in order. */
  rules: HighRiskRule[];
  level: RiskLevel | null;
  requiredMeasure: RequiredMeasure | null;
  /** currentYear + priorYears, yuan, 2 decimals. */
  totalArrears: string;
}

/** Whether consumption fell by at least the drop percentage year on year in each of the latest N months. */
function consumptionCollapsed(input: RiskScreeningInput, config: RiskScreeningConfig): boolean {
  const months = input.consumption.slice(0, config.consumptionDropMonths);
  if (months.length < config.consumptionDropMonths) return false;
  return months.every(({ kwh, sameMonthLastYearKwh }) => {
    const before = dec(sameMonthLastYearKwh);
    if (!before.greaterThan(0)) return false;
    return before.minus(kwh).dividedBy(before).times(100).greaterThanOrEqualTo(config.consumptionDropPercent);
  });
}

/** Screens one customer (or a group parent with rolled-up arrears) against H1–H8 (DOMAIN.md §7). */
export function screenHighRisk(
  input: RiskScreeningInput,
  config: RiskScreeningConfig = DEFAULT_RISK_CONFIG,
): RiskScreeningResult {
  const total = dec(input.arrears.currentYear).plus(input.arrears.priorYears);
  const inArrears = total.greaterThan(0);
  const holds: Record<HighRiskRule, boolean> = {
    H1: input.policyCategory !== null && config.policyCategories.includes(input.policyCategory),
    H2:
      input.industry !== null &&
      config.differentialIndustries.includes(input.industry) &&
      (inArrears || config.haltedStatuses.includes(input.productionStatus)),
    H3: total.greaterThanOrEqualTo(config.highArrearsYuan),
    H4:
      (dec(input.arrears.currentYear).greaterThan(0) &&
        input.currentYearArrearsAgeMonths >= config.agedArrearsMonths) ||
      dec(input.arrears.priorYears).greaterThan(0),
    H5: input.creditGrade === 'C',
    H6: input.latePaymentsLast12Months >= config.latePayments,
    H7: consumptionCollapsed(input, config),
    H8: config.distressStatuses.includes(input.productionStatus) || input.onDishonestList,
  };
  const rules = (Object.keys(holds) as HighRiskRule[]).filter((rule) => holds[rule]);
  const level = levelOf(holds, inArrears, config);
  return {
    highRisk: rules.length > 0,
    rules,
    level,
    requiredMeasure: level === null ? null : config.measures[level],
    totalArrears: total.toFixed(2),
  };
}

/** Level A if H3 or H8 or (H1 and arrears > 0); B if two or more of H2–H7; C otherwise (DOMAIN.md §7). */
function levelOf(
  holds: Record<HighRiskRule, boolean>,
  inArrears: boolean,
  config: RiskScreeningConfig,
): RiskLevel | null {
  if (!Object.values(holds).some(Boolean)) return null;
  if (holds.H3 || holds.H8 || (holds.H1 && inArrears)) return 'A';
  const middle: HighRiskRule[] = ['H2', 'H3', 'H4', 'H5', 'H6', 'H7'];
  return middle.filter((rule) => holds[rule]).length >= config.levelBMinRules ? 'B' : 'C';
}

/** The day the required measure is due, counting WD from the day after screening; null without a deadline. */
export function measureDeadline(
  level: RiskLevel,
  screenedOn: DateLike,
  calendar: WorkingCalendar,
  config: RiskScreeningConfig = DEFAULT_RISK_CONFIG,
): IsoDate | null {
  const within = config.measures[level].withinWd;
  return within === null ? null : calendar.addWorkingDays(screenedOn, within);
}

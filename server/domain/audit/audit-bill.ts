import {
  classLimitExceeded,
  monthOnMonthDeviation,
  threeMonthAverageDeviation,
  utilisationImplausible,
  yearOnYearDeviation,
  zeroConsumption,
} from './rules-consumption.js';
import { firstBill, repeatedEstimate } from './rules-history.js';
import { reactiveSuspect, wrongPfStandard } from './rules-power-factor.js';
import { mainBelowSubMeters, readingWentBackwards, touSumMismatch } from './rules-readings.js';
import {
  AUDIT_RULE_CODES,
  type AuditCheck,
  type AuditConfig,
  type AuditFinding,
  type AuditRuleNumber,
  type BillAuditInput,
  DEFAULT_AUDIT_CONFIG,
} from './types.js';

/** The 13 billing audit rules of DOMAIN.md §4, in table order. */
export const AUDIT_RULES: Readonly<Record<AuditRuleNumber, AuditCheck>> = {
  1: readingWentBackwards,
  2: yearOnYearDeviation,
  3: monthOnMonthDeviation,
  4: threeMonthAverageDeviation,
  5: touSumMismatch,
  6: classLimitExceeded,
  7: utilisationImplausible,
  8: mainBelowSubMeters,
  9: reactiveSuspect,
  10: zeroConsumption,
  11: repeatedEstimate,
  12: wrongPfStandard,
  13: firstBill,
};

/**
 * Runs every audit rule over a bill; an empty list means the bill may be issued, anything else
 * sends it to a manual audit task first (DOMAIN.md §4). `config` overrides the defaults field by field.
 */
export function auditBill(input: BillAuditInput, config: Partial<AuditConfig> = {}): AuditFinding[] {
  const effective: AuditConfig = { ...DEFAULT_AUDIT_CONFIG, ...config };
  const findings: AuditFinding[] = [];
  for (const key of Object.keys(AUDIT_RULES)) {
    const rule = Number(key) as AuditRuleNumber;
    const message = AUDIT_RULES[rule](input, effective);
    if (message !== null) findings.push({ rule, code: AUDIT_RULE_CODES[rule], message });
  }
  return findings;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateDecision, mapDecisionResult, parseDmn } from '../../../server/dmn/index.js';
import {
  screenHighRisk,
  type EssPolicyCode,
  type HueTradeTypeCode,
  type ProductionStatus,
  type RiskScreeningInput,
} from '../../../server/domain/risk/index.js';

const definitions = parseDmn(
  readFileSync(new URL('../../../processes/decisions/high-risk-level.dmn', import.meta.url), 'utf8'),
);

/**
 * Every combination of screening inputs that moves a rule: policy in and out of H1, industry in
 * and out of the differential-price list, every production status, arrears none / some / high,
 * current and prior-year, aged or not, every credit grade, late payments under and at the
 * threshold, consumption collapsed or not, dishonest or not (12 960 customers).
 */
function* screenings(): Generator<RiskScreeningInput> {
  const policies: (EssPolicyCode | null)[] = [null, '01', '04'];
  const industries: (HueTradeTypeCode | null)[] = [null, '101', '201'];
  const statuses: ProductionStatus[] = ['normal', 'half-stopped', 'shut-down', 'bankrupt', 'restructuring'];
  const collapsed = [
    { kwh: '40', sameMonthLastYearKwh: '100' },
    { kwh: '50', sameMonthLastYearKwh: '100' },
  ];
  const steady = [
    { kwh: '90', sameMonthLastYearKwh: '100' },
    { kwh: '95', sameMonthLastYearKwh: '100' },
  ];
  for (const policyCategory of policies)
    for (const industry of industries)
      for (const productionStatus of statuses)
        for (const currentYear of ['0', '500', '1000000'])
          for (const priorYears of ['0', '120.50'])
            for (const currentYearArrearsAgeMonths of [0, 3])
              for (const creditGrade of ['A', 'B', 'C'] as const)
                for (const latePaymentsLast12Months of [0, 3])
                  for (const consumption of [collapsed, steady])
                    for (const onDishonestList of [false, true])
                      yield {
                        policyCategory,
                        industry,
                        productionStatus,
                        arrears: { currentYear, priorYears },
                        currentYearArrearsAgeMonths,
                        creditGrade,
                        latePaymentsLast12Months,
                        consumption,
                        onDishonestList,
                      };
}

describe('processes/decisions/high-risk-level.dmn', () => {
  it('agrees with screenHighRisk on the level and the required measure of every combination', () => {
    // The tables see only the rules that hold and the arrears: decide each such pair once.
    const decided = new Map<string, { level: unknown; measure: unknown }>();
    const disagreements: string[] = [];
    const seen = new Set<string>();
    let screened = 0;
    for (const input of screenings()) {
      // given the TypeScript rule's screening of a customer
      const screening = screenHighRisk(input);
      // when the decision tables decide from the rules that hold and the arrears
      const key = `${screening.rules.join(',')}|${screening.totalArrears}`;
      let decision = decided.get(key);
      if (!decision) {
        const evaluation = evaluateDecision(definitions, 'requiredMeasure', {
          rules: screening.rules,
          totalArrears: screening.totalArrears,
        });
        decision = { level: evaluation.required[0]!.result, measure: mapDecisionResult(evaluation, 'singleResult') };
        decided.set(key, decision);
      }
      // then both give the same level and measure
      const expected = {
        level: screening.level,
        measure: screening.requiredMeasure && {
          tactics: screening.requiredMeasure.tactics,
          withinWd: screening.requiredMeasure.withinWd,
        },
      };
      if (JSON.stringify(decision) !== JSON.stringify(expected)) {
        disagreements.push(`${JSON.stringify(input)}: ${JSON.stringify(decision)} ≠ ${JSON.stringify(expected)}`);
      }
      seen.add(`${screening.rules.join(',')}|${Number(screening.totalArrears) > 0}`);
      screened++;
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(screened).toBe(12_960);
    // every set of rules that can hold together, with and without arrears, was met: H3 and H4
    // need arrears (2^8 with, 2^6 without)
    expect(seen.size).toBe(256 + 64);
  });

  it('records which rule of the level table decided', () => {
    const evaluation = evaluateDecision(definitions, 'highRiskLevel', { rules: ['H1', 'H5'], totalArrears: '10.00' });
    expect(evaluation.matchedRules).toEqual([{ ruleId: 'levelA_H1', index: 3, outputs: { level: 'A' } }]);
    expect(evaluation.inputs.map((i) => i.value)).toEqual([true, false, false, 10, 1, 2]);
  });

  it('gives no level and no measure when no rule holds', () => {
    const evaluation = evaluateDecision(definitions, 'requiredMeasure', { rules: [], totalArrears: '0.00' });
    expect(evaluation.required[0]!.result).toBeNull();
    expect(mapDecisionResult(evaluation, 'singleResult')).toBeNull();
  });
});

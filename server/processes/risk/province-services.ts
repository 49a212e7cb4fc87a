import type { ServiceDefinition } from '../../services/registry.js';
import { required, str, type ProcessContext } from '../context.js';
import { riskProvinceOverdueEscalation } from './province-escalation.js';
import { tacticOf, tacticsOf } from './tactics.js';

/** The province's row of a group's warning (migrations/20261207_8_risk_warning_provinces.ts), created on first use. */
function provinceRow(ctx: ProcessContext, variables: Record<string, unknown>, instanceId: string) {
  const keys = { warning_id: required(variables, 'warningId'), province_id: required(variables, 'provinceId') };
  return {
    keys,
    /** `merge` updates an existing row (default: `patch`), `patch` fills a new one. */
    upsert: (patch: Record<string, unknown>, merge: Record<string, unknown> = patch) =>
      ctx
        .db('risk_warning_provinces')
        .insert({ ...keys, instance_id: instanceId, ...patch })
        .onConflict(['warning_id', 'province_id'])
        .merge(merge),
  };
}

/**
 * The services of `high-risk-warning-province`, the child a group's HQ warning opens in each
 * province its member accounts sit in (DOMAIN.md §7 "child tasks per province").
 */
export function riskProvinceServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'riskProvinceFeedback',
      descriptionZh: '记录省公司对集团预警的反馈（所采取的措施及佐证），以及该措施是否符合等级要求。',
      description:
        "Records a province's answer to a group's warning (the measure taken and its evidence) and whether it is the measure the level requires.",
      inputs: ['warningId', 'provinceId', 'requiredTactics', 'tactic', 'measure', 'evidence'],
      outputs: ['measureCompliant'],
      async handler(call) {
        const v = call.variables;
        const tactic = tacticOf(v.tactic);
        const compliant = tactic !== null && tacticsOf(v.requiredTactics).includes(tactic);
        await provinceRow(ctx, v, call.instanceId).upsert({
          status: 'reported',
          tactic,
          measure: str(v.measure) ?? null,
          evidence: str(v.evidence) ?? null,
          measure_compliant: compliant,
          reported_at: new Date(ctx.clock.now()),
        });
        return { measureCompliant: compliant };
      },
    },
    {
      name: 'riskProvinceEscalate',
      descriptionZh: '总部对省公司的反馈督办：转交该省单位负责人处理。',
      description: "HQ escalated a province's answer (督办): it goes to the province's department manager.",
      inputs: ['warningId', 'provinceId'],
      outputs: ['escalations'],
      async handler(call) {
        const row = provinceRow(ctx, call.variables, call.instanceId);
        await row.upsert(
          { status: 'escalated', escalations: 1 },
          { status: 'escalated', escalations: ctx.db.raw('risk_warning_provinces.escalations + 1') },
        );
        const after = await ctx
          .db('risk_warning_provinces')
          .where(row.keys)
          .first<{ escalations: number } | undefined>('escalations');
        return { escalations: Number(after?.escalations ?? 1) };
      },
    },
    {
      name: 'riskProvinceAccept',
      descriptionZh: '总部已认可省公司的反馈：该省在集团预警中的部分办结。',
      description: "HQ accepted a province's answer: the province's part of the group's warning is done.",
      inputs: ['warningId', 'provinceId'],
      async handler(call) {
        await provinceRow(ctx, call.variables, call.instanceId).upsert({
          status: 'accepted',
          accepted_at: new Date(ctx.clock.now()),
        });
      },
    },
    {
      name: 'riskProvinceOverdue',
      descriptionZh: '省公司未在期限内反馈：该省的部分计为逾期。',
      description: 'A province did not answer by the deadline: its part of the warning counts as overdue.',
      inputs: ['warningId', 'provinceId'],
      outputs: ['overdue'],
      async handler(call) {
        await provinceRow(ctx, call.variables, call.instanceId).upsert({ overdue: true });
        return { overdue: true };
      },
    },
    riskProvinceOverdueEscalation(ctx),
  ];
}

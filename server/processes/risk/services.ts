import { DEFAULT_RISK_CONFIG, RISKWAR_TACTIC, type RiskLevel } from '../../domain/risk/index.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, str, type ProcessContext } from '../context.js';

const tacticOf = (value: unknown): number | null => {
  const n = Number(value);
  return Number.isInteger(n) && Object.prototype.hasOwnProperty.call(RISKWAR_TACTIC, n) ? n : null;
};

/** The high-risk warning process's services (DOMAIN.md §7 warning work-order loop). */
export function riskServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'riskFeedbackUp',
      description:
        "Records the account manager's measure and evidence on the warning (the feedback HQ reviews) and whether it is the measure the level requires.",
      inputs: ['warningId', 'level', 'tactic', 'measure', 'evidence'],
      outputs: ['measureCompliant', 'tacticName'],
      async handler(call) {
        const v = call.variables;
        const level = required(v, 'level') as RiskLevel;
        const tactic = tacticOf(v.tactic);
        const compliant = tactic !== null && DEFAULT_RISK_CONFIG.measures[level].tactics.includes(tactic as never);
        const reportedAt = new Date(ctx.clock.now());
        await ctx
          .db('risk_warnings')
          .where({ id: required(v, 'warningId') })
          .update({
            status: 'reported',
            tactic,
            measure: str(v.measure) ?? null,
            evidence: str(v.evidence) ?? null,
            measure_compliant: compliant,
            reported_by: str(v.reportedBy) ?? null,
            reported_at: reportedAt,
          });
        const production = str(v.productionStatus);
        if (production) {
          await ctx
            .db('customers')
            .where({ id: required(v, 'customerId') })
            .update({ production_status: production });
        }
        return {
          measureCompliant: compliant,
          tacticName: tactic === null ? null : `${tactic} ${RISKWAR_TACTIC[tactic as keyof typeof RISKWAR_TACTIC].zh}`,
        };
      },
    },
    {
      name: 'riskWarningClose',
      description: 'HQ closed the warning.',
      inputs: ['warningId'],
      async handler(call) {
        await ctx
          .db('risk_warnings')
          .where({ id: required(call.variables, 'warningId') })
          .update({ status: 'closed', overdue: false, closed_at: new Date(ctx.clock.now()) });
      },
    },
    {
      name: 'riskWarningEscalate',
      description: 'HQ escalated the warning (督办): it goes to the department manager.',
      inputs: ['warningId'],
      outputs: ['escalations'],
      async handler(call) {
        const id = required(call.variables, 'warningId');
        await ctx
          .db('risk_warnings')
          .where({ id })
          .update({ status: 'escalated', escalations: ctx.db.raw('escalations + 1') });
        const row = await ctx
          .db('risk_warnings')
          .where({ id })
          .first<{ escalations: number | null } | undefined>('escalations');
        return { escalations: Number(row?.escalations ?? 1) };
      },
    },
    {
      name: 'riskWarningOverdue',
      description: 'The measure was not reported in time: the warning counts as overdue.',
      inputs: ['warningId'],
      outputs: ['overdue'],
      async handler(call) {
        await ctx
          .db('risk_warnings')
          .where({ id: required(call.variables, 'warningId') })
          .whereNot('status', 'closed')
          .update({ overdue: true });
        return { overdue: true };
      },
    },
  ];
}

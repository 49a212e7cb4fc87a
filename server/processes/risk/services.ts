import { RISKWAR_TACTIC, type RiskLevel } from '../../domain/risk/index.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, str, type ProcessContext } from '../context.js';
import { recordEscalation, REVIEW_STEP } from './escalation-entries.js';
import { measureDeadlineWd, measureDueAtFor } from './screening-job.js';
import { tacticOf, tacticsOf } from './tactics.js';

/** The high-risk warning process's services (DOMAIN.md §7 warning work-order loop). */
export function riskServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'riskWarningOpen',
      descriptionZh:
        '在预警上记录流程决策表（high-risk-level.dmn）给出的风险等级和应采取的措施，以及自排查之日起以工作日计的措施期限。',
      description:
        "Records on the warning the level and the required measure the process's decision table gave (high-risk-level.dmn), and the measure's deadline in working days from the screening.",
      inputs: ['warningId', 'level', 'requiredMeasure', 'screenedOn'],
      outputs: ['requiredTactics', 'measureDueAt'],
      async handler(call) {
        const v = call.variables;
        const level = required(v, 'level') as RiskLevel;
        const measure = (v.requiredMeasure ?? {}) as { tactics?: unknown; withinWd?: unknown };
        const tactics = tacticsOf(measure.tactics);
        const withinWd = typeof measure.withinWd === 'number' ? measure.withinWd : null;
        const measureDueAt = measureDueAtFor(required(v, 'screenedOn'), measureDeadlineWd(level, withinWd));
        await ctx
          .db('risk_warnings')
          .where({ id: required(v, 'warningId') })
          .update({ level, deadline_at: measureDueAt });
        return { requiredTactics: tactics.join(', '), measureDueAt };
      },
    },
    {
      name: 'riskFeedbackUp',
      descriptionZh: '在预警上记录客户经理采取的措施及佐证（供总部审阅的反馈），以及该措施是否符合等级要求。',
      description:
        "Records the account manager's measure and evidence on the warning (the feedback HQ reviews) and whether it is the measure the level requires.",
      inputs: ['warningId', 'requiredTactics', 'tactic', 'measure', 'evidence'],
      outputs: ['measureCompliant', 'tacticName'],
      async handler(call) {
        const v = call.variables;
        const tactic = tacticOf(v.tactic);
        // The tactics the level required when the warning was opened (its decision table's version).
        const compliant = tactic !== null && tacticsOf(v.requiredTactics).includes(tactic);
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
      descriptionZh: '总部已关闭该预警。',
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
      descriptionZh: '总部对该预警督办：转交单位负责人处理。',
      description: 'HQ escalated the warning (督办): it goes to the department manager.',
      inputs: ['warningId'],
      outputs: ['escalations'],
      async handler(call) {
        const id = required(call.variables, 'warningId');
        const escalations = await ctx.db.transaction(async (trx) => {
          // The review that decided it, committed before this step ran: its comment is the reason.
          const review = await trx('tasks')
            .where({ instance_id: call.instanceId, element_id: REVIEW_STEP, status: 'completed' })
            .orderBy([
              { column: 'completed_at', order: 'desc' },
              { column: 'id', order: 'desc' },
            ])
            .first<{ id: string; completed_by: string | null; completed_at: Date | string } | undefined>(
              'id',
              'completed_by',
              'completed_at',
            );
          if (review) {
            await recordEscalation(trx, {
              warningId: id,
              stage: 'review',
              reason: str(call.variables.hqComment) ?? '',
              escalatedBy: review.completed_by ?? 'system',
              escalatedAt: new Date(review.completed_at),
              notified: null,
              taskId: review.id,
            });
          }
          await trx('risk_warnings')
            .where({ id })
            .update({ status: 'escalated', escalations: trx.raw('escalations + 1') });
          const row = await trx('risk_warnings')
            .where({ id })
            .first<{ escalations: number | null } | undefined>('escalations');
          return Number(row?.escalations ?? 1);
        });
        return { escalations };
      },
    },
    {
      name: 'riskWarningOverdue',
      descriptionZh: '措施未按期反馈：该预警计为逾期。',
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

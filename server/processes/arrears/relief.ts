import { asText } from '../../lib/text.js';
import { lockAccount, postLateFeeRelief } from '../../marketing/ledger.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, type ProcessContext } from '../context.js';

/** The approval task of processes/late-fee-relief.bpmn, whose completer decided. */
const APPROVAL_TASK = 'LFR01';

/** The late-fee-relief process's service: the approval's decision posted to the account. */
export function lateFeeReliefServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'lateFeeReliefDecide',
      descriptionZh:
        '登记违约金减免或缓交的审批结论（DOMAIN.md §6）：批准则自即日起按此计收该户违约金（账务、审计日志、客户通知）；不批准则不作改变。',
      description:
        'Posts the approval’s decision on a late-fee waiver or deferral (DOMAIN.md §6): approved, the account’s late fee counts it from now on (ledger, audit log, customer notice); rejected, nothing changes.',
      inputs: ['reliefId', 'reliefApproved', 'decisionComment'],
      outputs: ['reliefStatus'],
      async handler(call) {
        const v = call.variables;
        const reliefId = required(v, 'reliefId');
        const approved = v.reliefApproved === 'yes';
        const task = await ctx
          .db('tasks')
          .where({ instance_id: call.instanceId, element_id: APPROVAL_TASK, status: 'completed' })
          .orderBy('completed_at', 'desc')
          .first<{ completed_by: string | null } | undefined>('completed_by');
        const decidedBy = task?.completed_by ?? 'system';
        const user = await ctx
          .db('users')
          .where({ username: decidedBy })
          .first<{ id: string; display_name: string; department_id: string | null } | undefined>(
            'id',
            'display_name',
            'department_id',
          );
        const result = await ctx.db.transaction(async (trx) => {
          const relief = await trx('late_fee_reliefs')
            .where({ id: reliefId })
            .first<{ customer_id: string } | undefined>('customer_id');
          if (!relief) throw new Error(`no late-fee relief ${reliefId}`);
          await lockAccount(trx, relief.customer_id);
          const posted = await postLateFeeRelief(trx, {
            reliefId,
            approved,
            decidedBy,
            decidedAt: new Date(ctx.clock.now()),
            comment: asText(v.decisionComment) || null,
          });
          if (posted.posted)
            await ctx.ports.audit.record(
              user
                ? { id: user.id, displayName: user.display_name, departmentId: user.department_id }
                : { id: decidedBy, displayName: decidedBy, departmentId: call.departmentId },
              approved ? 'late-fee-relief.approve' : 'late-fee-relief.reject',
              'customer',
              posted.customerId,
              {
                reliefId,
                kind: v.reliefKind,
                amount: v.waiveWhole === true ? null : (v.waiveAmount ?? null),
                deferTo: v.deferTo ?? null,
                comment: asText(v.decisionComment) || null,
                instanceId: call.instanceId,
              },
              undefined,
              trx,
            );
          return posted;
        });
        if (approved && result.status === 'approved') {
          await ctx.ports.notifications.sendMany([
            {
              input: {
                ...(v.reliefKind === 'deferral'
                  ? {
                      template: 'late_fee_deferred' as const,
                      params: { period: asText(v.billPeriod), deferTo: asText(v.deferTo) },
                    }
                  : v.waiveWhole === true
                    ? { template: 'late_fee_waived_in_full' as const, params: { period: asText(v.billPeriod) } }
                    : {
                        template: 'late_fee_waived' as const,
                        params: { period: asText(v.billPeriod), amount: asText(v.waiveAmount) },
                      }),
                customerId: result.customerId,
              },
              origin: {
                idempotencyKey: `late-fee-relief:${reliefId}`,
                instanceId: call.instanceId,
                elementId: call.elementId,
                by: 'system',
              },
            },
          ]);
        }
        return { reliefStatus: result.status };
      },
    },
  ];
}

import { shanghaiDateOf } from '../../domain/calendar/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, str, type ProcessContext } from '../context.js';

/** The operation a missed deadline's escalation writes in the province's instance history. */
export const OVERDUE_ESCALATION_OPERATION = 'escalate';

/** Who hears of a missed deadline: HQ's supervisors and the province's own department managers. */
interface Recipient {
  user_id: string;
  department_id: string;
}

async function recipients(ctx: ProcessContext, provinceId: string): Promise<Recipient[]> {
  const rows = await ctx
    .db('user_roles as ur')
    .join('users as u', 'u.id', 'ur.user_id')
    .where('u.active', true)
    .where((w) => {
      w.where('ur.role_code', 'hq_supervisor').orWhere((p) => {
        p.where('ur.role_code', 'department_manager').where('ur.department_id', provinceId);
      });
    })
    .orderBy([{ column: 'u.username' }, { column: 'ur.department_id' }])
    .select<Recipient[]>('ur.user_id', 'ur.department_id');
  // A user holding both roles hears it once, in the first department listed.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.user_id) && seen.add(r.user_id));
}

/**
 * DOMAIN.md §7 "HQ closes or escalates (督办)": a province of a group's warning that has not
 * reported its measure by the deadline is escalated without waiting for a review — its row is
 * marked escalated, the province's instance history records it, and HQ's supervisors and the
 * province's department managers get a notice. Service calls are at-least-once: the row and the
 * history entry are written once per call (keyed in the entry), each notice once per recipient.
 */
export function riskProvinceOverdueEscalation(ctx: ProcessContext): ServiceDefinition {
  return {
    name: 'riskProvinceOverdueEscalate',
    descriptionZh: '省公司未在期限内反馈集团预警的措施：对其部分督办，并通知总部督办人员和该省单位负责人。',
    description:
      "A province did not report its measure on a group's warning by the deadline: its part is escalated (督办) and HQ's supervisors and the province's department managers are notified.",
    inputs: ['warningId', 'provinceId', 'customerName', 'accountNo', 'level', 'measureDueAt'],
    outputs: ['escalations', 'escalationNotices'],
    async handler(call) {
      const v = call.variables;
      const keys = { warning_id: required(v, 'warningId'), province_id: required(v, 'provinceId') };
      const deadline = str(v.measureDueAt);
      const escalations = await ctx.db.transaction(async (trx) => {
        const done = await trx('operation_log')
          .where({ instance_id: call.instanceId, operation: OVERDUE_ESCALATION_OPERATION })
          .whereRaw(`details->>'key' = ?`, [call.idempotencyKey])
          .first<{ id: string } | undefined>('id');
        if (!done) {
          await trx('risk_warning_provinces')
            .insert({ ...keys, instance_id: call.instanceId, status: 'escalated', overdue: true, escalations: 1 })
            .onConflict(['warning_id', 'province_id'])
            .merge({
              status: 'escalated',
              overdue: true,
              escalations: trx.raw('risk_warning_provinces.escalations + 1'),
            });
          await trx('operation_log').insert({
            instance_id: call.instanceId,
            operation: OVERDUE_ESCALATION_OPERATION,
            actor: SYSTEM_ACTOR.username,
            details: JSON.stringify({
              key: call.idempotencyKey,
              reason: 'deadline-missed',
              warningId: keys.warning_id,
              provinceId: keys.province_id,
              deadline: deadline ?? null,
            }),
          });
        }
        const row = await trx('risk_warning_provinces').where(keys).first<{ escalations: number }>('escalations');
        return Number(row.escalations);
      });
      const province = await ctx.db('departments').where({ id: keys.province_id }).first<{ name: string }>('name');
      const params = {
        customerName: str(v.customerName) ?? str(v.accountNo) ?? '',
        accountNo: str(v.accountNo) ?? '',
        level: str(v.level) ?? '',
        provinceName: province?.name ?? keys.province_id,
        deadline: deadline ? shanghaiDateOf(new Date(deadline)) : '',
      };
      const to = await recipients(ctx, keys.province_id);
      for (const r of to) {
        await ctx.ports.notifications.send(
          { template: 'risk_province_overdue', userId: r.user_id, params },
          {
            idempotencyKey: `${call.idempotencyKey}:${r.user_id}`,
            instanceId: call.instanceId,
            elementId: call.elementId,
            departmentId: r.department_id,
            by: SYSTEM_ACTOR.username,
          },
        );
      }
      return { escalations, escalationNotices: to.length };
    },
  };
}

import type { CapacityChangeKind } from '../../domain/billing/index.js';
import { suspensionLimitProblems, type SuspensionPeriod } from '../../domain/changes/index.js';
import { dec } from '../../domain/decimal.js';
import { changeSlaTable } from '../../domain/sla/index.js';
import { isIsoDate, selectTariffVersion } from '../../domain/tariffs/index.js';
import { tariffFor } from '../../marketing/billing-tariffs.js';
import { completeCapacityChange, recordCapacityChange } from '../../marketing/capacity-changes.js';
import { AppError } from '../../lib/errors.js';
import { deadlineCalendar } from '../../lib/deadlines.js';
import type { ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../ports.js';
import { CHANGE_NAMES, changeCustomer, refused, tariffCatalogue, text, today } from './shared.js';

/** SG186 change code → the capacity record's kind (DOMAIN.md §9). */
const KINDS = { '201': 'reduce', '202': 'restore-reduction', '203': 'suspend', '204': 'restore' } as const;
type CapacityCode = keyof typeof KINDS;
const isCapacityCode = (v: unknown): v is CapacityCode => typeof v === 'string' && v in KINDS;
const SEALS = new Set<CapacityChangeKind>(['suspend', 'reduce']);

/**
 * The customer's suspensions for the 1996 limits: those sealed, from the sealing day to the day
 * before they were unsealed (or the last day applied for), and those still waiting for their site
 * date with the days applied for — an application counts from the day it is made, not only once
 * it is sealed.
 */
async function suspensionsOf(ctx: ProcessContext, customerId: string): Promise<SuspensionPeriod[]> {
  const rows = await ctx.db.raw<{ rows: { from: string | null; to: string | null }[] }>(
    `SELECT to_char(coalesce(s.sealed_on, s.planned_on), 'YYYY-MM-DD') AS "from",
            to_char(coalesce((SELECT min(r.unsealed_on) - 1 FROM capacity_changes r
                               WHERE r.restores_id = s.id AND r.status = 'completed'),
                             s.planned_end_on, s.sealed_on), 'YYYY-MM-DD') AS "to"
       FROM capacity_changes s
      WHERE s.customer_id = ? AND s.kind = 'suspend'
        AND (s.status = 'completed' OR (s.status = 'applied' AND s.planned_on IS NOT NULL))`,
    [customerId],
  );
  return rows.rows.filter((r): r is SuspensionPeriod => r.from !== null && r.to !== null);
}

/** The completed sealing a restoration ends when the application names none: the latest still sealed. */
async function openSealing(ctx: ProcessContext, customerId: string, kind: CapacityChangeKind) {
  const rows = await ctx.db.raw<{ rows: { id: string; left: string }[] }>(
    `SELECT s.id, (s.capacity_kva - coalesce((SELECT sum(r.capacity_kva) FROM capacity_changes r
                                              WHERE r.restores_id = s.id AND r.status <> 'cancelled'), 0))::text AS "left"
       FROM capacity_changes s
      WHERE s.customer_id = ? AND s.kind = ? AND s.status = 'completed'
      ORDER BY s.sealed_on DESC, s.created_at DESC`,
    [customerId, kind],
  );
  return rows.rows.find((r) => dec(r.left).greaterThan(0));
}

/**
 * The capacity-change process's services (processes/capacity-change.bpmn): suspension 暂停 (203)
 * and its restoration (204), reduction 减容 (201) and its restoration (202) of a two-part customer.
 */
export function capacityChangeServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'changeCapacityApply',
      descriptionZh:
        '审查暂停、减容或其恢复申请（两部制客户、提前 5 个工作日申请，电价规定适用时按 1996 年暂停限制），并登记为已申请；拒绝时注明所依据的规则。',
      description:
        'Checks a suspension / reduction or restoration application (two-part customer, applied 5 WD ahead, the 1996 suspension limits when the tariff says so) and records it as applied; a refusal names the rule.',
      inputs: ['changeCode', 'customerId', 'kva', 'plannedOn', 'plannedEndOn', 'restoresId'],
      outputs: [
        'accepted',
        'refusalCode',
        'refusalReason',
        'changeId',
        'changeKind',
        'changeName',
        'applicationNo',
        'accountNo',
        'kva',
      ],
      async handler(call) {
        const v = call.variables;
        const code = v.changeCode;
        if (!isCapacityCode(code))
          return {
            changeName: String(code),
            applicationNo: call.businessKey ?? call.instanceId,
            ...refused('CHANGE_CODE_UNKNOWN', `change code ${String(code)} is not 201–204`),
          };
        const kind = KINDS[code];
        const base = {
          changeKind: kind,
          changeName: CHANGE_NAMES[code],
          applicationNo: call.businessKey ?? call.instanceId,
        };
        const customer = await changeCustomer(ctx, text(v.customerId));
        if (!customer) return { ...base, ...refused('CUSTOMER_UNKNOWN', `no customer ${String(v.customerId)}`) };
        const named = { ...base, accountNo: customer.account_no };
        // At-least-once delivery: a retried call finds the record it made.
        const mine = await ctx
          .db('capacity_changes')
          .where({ process_instance_id: call.instanceId })
          .whereNot({ status: 'cancelled' })
          .first<{ id: string; capacity_kva: string } | undefined>(
            'id',
            ctx.db.raw('capacity_kva::text as capacity_kva'),
          );
        if (mine) return { ...named, accepted: true, changeId: mine.id, kva: mine.capacity_kva };
        if (customer.status !== 'active')
          return {
            ...named,
            ...refused('CUSTOMER_NOT_ACTIVE', `account ${customer.account_no} is ${customer.status}`),
          };
        const plannedOn = text(v.plannedOn);
        if (!plannedOn || !isIsoDate(plannedOn))
          return { ...named, ...refused('PLANNED_ON_INVALID', 'plannedOn must be a date YYYY-MM-DD') };
        const tariff = tariffFor(customer.elec_type_code, customer.tariff_code, await tariffCatalogue(ctx));
        const version = selectTariffVersion(tariff, plannedOn);
        if (version?.kind !== 'two-part') {
          return {
            ...named,
            ...refused('NOT_TWO_PART', `account ${customer.account_no} is not billed two-part (tariff ${tariff.code})`),
          };
        }
        const sealing = SEALS.has(kind);
        if (sealing) {
          // DOMAIN.md §9: applied for at least 5 WD ahead (cfg: the change SLA table's leadWd).
          const lead = changeSlaTable(today(ctx)).leadWd;
          const earliest = deadlineCalendar().addWorkingDays(today(ctx), lead);
          if (plannedOn < earliest) {
            return {
              ...named,
              ...refused(
                'CHANGE_NOTICE_TOO_SHORT',
                `applied ${today(ctx)} for ${plannedOn}: at least ${lead} working days ahead, on or after ${earliest}`,
              ),
            };
          }
        }
        const plannedEndOn = text(v.plannedEndOn);
        if (kind === 'suspend') {
          if (!plannedEndOn || !isIsoDate(plannedEndOn) || plannedEndOn < plannedOn)
            return {
              ...named,
              ...refused('PLANNED_END_INVALID', `plannedEndOn must be a date on or after ${plannedOn}`),
            };
          const problems = suspensionLimitProblems(
            version.suspensionRules ?? 'current',
            await suspensionsOf(ctx, customer.id),
            { from: plannedOn, to: plannedEndOn },
          );
          if (problems[0]) {
            return {
              ...named,
              ...refused(problems[0].code, `1996 rules: ${problems.map((p) => p.message).join('; ')}`),
            };
          }
        }
        let restoresId = text(v.restoresId);
        let kva = text(typeof v.kva === 'number' ? String(v.kva) : v.kva);
        if (!sealing && !restoresId) {
          const open = await openSealing(ctx, customer.id, kind === 'restore' ? 'suspend' : 'reduce');
          if (!open) return { ...named, ...refused('CAPACITY_NOT_SEALED', 'no sealed capacity to restore') };
          restoresId = open.id;
          kva ??= open.left;
        }
        if (!kva) return { ...named, ...refused('KVA_REQUIRED', 'kva: the capacity to change is required') };
        try {
          const changeId = await recordCapacityChange(
            ctx.db,
            {
              customerId: customer.id,
              kind,
              kva,
              plannedEndOn: kind === 'suspend' ? plannedEndOn : undefined,
              plannedOn,
              restoresId: sealing ? undefined : restoresId,
              processInstanceId: call.instanceId,
            },
            'system',
          );
          return { ...named, accepted: true, changeId, kva: dec(kva).toFixed(2), restoresId: restoresId ?? null };
        } catch (err) {
          if (err instanceof AppError) return { ...named, ...refused(err.code, err.message) };
          throw err;
        }
      },
    },
    {
      name: 'changeNotApproved',
      descriptionZh: '班长未批准的申请：撤销已登记的容量变更（如有），并以审批意见作为告知客户的原因。',
      description:
        'An application the team leader did not approve: its applied capacity change (if any) is cancelled, and the comment is the reason the customer is told.',
      inputs: ['changeId', 'approvalComment'],
      outputs: ['refusalCode', 'refusalReason'],
      async handler(call) {
        const id = text(call.variables.changeId);
        if (id) await ctx.db('capacity_changes').where({ id, status: 'applied' }).update({ status: 'cancelled' });
        return {
          refusalCode: 'CHANGE_NOT_APPROVED',
          refusalReason: text(call.variables.approvalComment) ?? '未获批准 not approved',
        };
      },
    },
    {
      name: 'changeCapacityComplete',
      descriptionZh: '记录装表接电人员到现场的日期：加封或启封之日即基本电费停止或恢复计收之日（DOMAIN.md §9）。',
      description:
        "Records the technician's site date on the capacity change: the day sealed or unsealed is the day the basic charge stops or resumes (DOMAIN.md §9).",
      inputs: ['changeId', 'siteDate'],
      outputs: ['completedOn'],
      async handler(call) {
        const id = text(call.variables.changeId);
        const siteDate = text(call.variables.siteDate);
        if (!id || !siteDate || !isIsoDate(siteDate))
          throw new Error('changeId and siteDate (YYYY-MM-DD) are required');
        const row = await ctx.db('capacity_changes').where({ id }).first<{ status: string } | undefined>('status');
        if (row?.status !== 'completed') await completeCapacityChange(ctx.db, id, siteDate);
        return { completedOn: siteDate };
      },
    },
  ];
}

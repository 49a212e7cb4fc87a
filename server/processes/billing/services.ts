import { utilityToday } from '../../lib/clock.js';
import { asText } from '../../lib/text.js';
import type { AuditFinding } from '../../domain/audit/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { shiftPeriod } from '../../marketing/billing-periods.js';
import { loadChunk, writeBills } from '../../marketing/billing-chunk.js';
import { computeBill } from '../../marketing/billing-compute.js';
import { applyCredit, lockAccount } from '../../marketing/ledger.js';
import type { TariffDefinition } from '../../domain/tariffs/index.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, str, type ProcessContext } from '../context.js';
import { DEFAULT_DUE_DATE_METHOD, dueDateFor, issueByOf } from './due-date.js';
import { inSubtree } from '../../access/department-subtree.js';

/** Bill-audit instances a dispatch call starts; the process calls again while more remain. */
const AUDIT_BATCH = 200;

/** How long the calculate step waits for its billing run before checking back on a timer. */
const RUN_WAIT_MS = 20_000;

async function departmentPath(ctx: ProcessContext, departmentId: string): Promise<string> {
  const row = await ctx.db('departments').where({ id: departmentId }).first<{ path: string } | undefined>('path');
  if (!row) throw new Error(`unknown department ${departmentId}`);
  return row.path;
}

interface HistoryRow {
  period: string;
  kwh: string | null;
  total: string;
}

/** A held bill with its customer, as the bill-audit process reads it. */
interface AuditBillRow {
  id: string;
  customer_id: string;
  period: string;
  audit_flags: AuditFinding[] | null;
  billing_run_id: string;
  total: string;
  kwh: string | null;
  account_no: string;
  name: string;
  department_id: string;
}

/** The last 12 months' kWh before `period` and this period's: what explains a consumption rule. */
export async function consumptionHistory(ctx: Pick<ProcessContext, 'db'>, customerId: string, period: string) {
  const rows = await ctx
    .db('bills')
    .where({ customer_id: customerId, kind: 'energy' })
    .where('period', '>=', shiftPeriod(period, -12))
    .where('period', '<=', period)
    .whereNot('status', 'written_off')
    .orderBy('period')
    .select<HistoryRow[]>('period', ctx.db.raw('consumption_kwh::text as kwh'), ctx.db.raw('total::text as total'));
  return rows.map((r) => ({ period: r.period, kwh: r.kwh, total: r.total }));
}

/** Variables a bill-audit instance starts with: the bill, the rules it tripped and their history. */
export async function billAuditVariables(ctx: Pick<ProcessContext, 'db'>, billId: string) {
  const bill = await ctx
    .db('bills as b')
    .join('customers as c', 'c.id', 'b.customer_id')
    .where('b.id', billId)
    .first<AuditBillRow | undefined>(
      'b.id',
      'b.customer_id',
      'b.period',
      'b.audit_flags',
      'b.billing_run_id',
      ctx.db.raw('b.total::text as total'),
      ctx.db.raw('b.consumption_kwh::text as kwh'),
      'c.account_no',
      'c.name',
      'c.department_id',
    );
  if (!bill) throw new Error(`bill ${billId} not found`);
  const flags = bill.audit_flags ?? [];
  return {
    departmentId: bill.department_id,
    businessKey: `${bill.account_no}-${bill.period}`,
    variables: {
      billId,
      customerId: bill.customer_id,
      accountNo: bill.account_no,
      customerName: bill.name,
      period: bill.period,
      total: bill.total,
      consumptionKwh: bill.kwh,
      billingRunId: bill.billing_run_id,
      auditFlags: flags,
      auditRules: flags.map((f) => `${f.rule} ${f.code}`).join('; '),
      history: await consumptionHistory(ctx, bill.customer_id, bill.period),
      // The process's deadline (bill-audit.bpmn dueDate).
      issueBy: issueByOf(bill.period).toISOString(),
    },
  };
}

/**
 * The monthly billing process's services (DOMAIN.md §4 chain: read → calculate → audit → issue).
 * One `monthly-billing` instance per department and period runs the set-based billing run; every
 * bill the audit rules hold gets a small `bill-audit` instance of its own.
 */
export function billingServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'billingReadingsCheck',
      descriptionZh: '统计本单位本期尚无抄表读数的电能表，并确定本次核算的出账期限（issueBy）。',
      description:
        "Counts the meters in the department that have no reading for the period yet, and sets the run's deadline (issueBy).",
      inputs: ['period'],
      outputs: ['readingsExpected', 'readingsMissing', 'missingMeters', 'issueBy'],
      async handler(call) {
        const period = required(call.variables, 'period');
        const path = await departmentPath(ctx, call.departmentId ?? 'HQ');
        const rows = await ctx
          .db('meters as m')
          .join('customers as c', 'c.id', 'm.customer_id')
          .leftJoin('readings as r', function () {
            this.on('r.meter_id', 'm.id').andOn('r.period', ctx.db.raw('?', [period]));
          })
          .where('m.status', 'in_service')
          .where('c.status', 'active')
          .whereNot('c.elec_type_code', '000')
          .where(inSubtree('c.department_id', path))
          .select<{ expected: number; missing: number; sample: string[] | null }[]>(
            ctx.db.raw('count(*)::int as expected'),
            ctx.db.raw('count(*) filter (where r.id is null)::int as missing'),
            ctx.db.raw(`(array_agg(m.asset_no order by m.asset_no) filter (where r.id is null))[1:20] as sample`),
          );
        const row = rows[0];
        return {
          readingsExpected: row?.expected ?? 0,
          readingsMissing: row?.missing ?? 0,
          missingMeters: row?.sample ?? [],
          // The process's deadline (monthly-billing.bpmn dueDate).
          issueBy: issueByOf(period).toISOString(),
        };
      },
    },
    {
      name: 'billingRunExecute',
      descriptionZh: '启动本单位本期的电费核算（每个任务一次），并稍候等待其结果。',
      description:
        'Starts the billing run of the department and period (once per task) and waits for it a short while.',
      inputs: ['period'],
      outputs: ['billingRunId', 'billingRunStatus', 'billed', 'held', 'skipped'],
      async handler(call) {
        const period = required(call.variables, 'period');
        let runId = (
          await ctx
            .db('process_billing_runs')
            .where({ idempotency_key: call.idempotencyKey })
            .first<{ billing_run_id: string } | undefined>('billing_run_id')
        )?.billing_run_id;
        if (!runId) {
          const run = (await ctx.ports.billingRuns.start(
            { period, departmentId: call.departmentId ?? undefined },
            SYSTEM_ACTOR,
          )) as { id: string };
          runId = run.id;
          await ctx.db('process_billing_runs').insert({ idempotency_key: call.idempotencyKey, billing_run_id: runId });
        }
        await Promise.race([
          ctx.ports.billingRuns.wait(runId),
          new Promise((resolve) => setTimeout(resolve, RUN_WAIT_MS).unref()),
        ]);
        return runOutputs(ctx, runId);
      },
    },
    {
      name: 'billingRunStatus',
      descriptionZh: '读取流程所启动的电费核算的进度。',
      description: 'Reads the progress of the billing run the process started.',
      inputs: ['billingRunId'],
      outputs: ['billingRunStatus', 'billed', 'held', 'skipped'],
      handler: async (call) => runOutputs(ctx, required(call.variables, 'billingRunId')),
    },
    {
      name: 'billAuditDispatch',
      descriptionZh:
        '为核算中被审核规则挂起的每张电费账单启动一个账单审核实例（每次调用一批；auditsRemaining 表示是否还需再调用）。',
      description:
        'Starts one bill-audit instance per bill of the run that the audit rules held (a batch per call; auditsRemaining says whether to call again).',
      inputs: ['billingRunId'],
      outputs: ['auditsStarted', 'auditsRemaining'],
      async handler(call) {
        const runId = required(call.variables, 'billingRunId');
        // Held bills of the run without a bill-audit yet (its business key is account-period).
        const pending = await ctx
          .db('bills as b')
          .join('customers as c', 'c.id', 'b.customer_id')
          .where({ 'b.billing_run_id': runId, 'b.status': 'held' })
          .whereNotExists((q) => {
            q.select(ctx.db.raw('1'))
              .from('process_instances as i')
              .where('i.definition_key', 'bill-audit')
              .whereIn('i.status', ['running'])
              .whereRaw(`i.business_key = c.account_no || '-' || b.period`);
          })
          .orderBy('b.id')
          .limit(AUDIT_BATCH + 1)
          .pluck<string[]>('b.id');
        const batch = pending.slice(0, AUDIT_BATCH);
        for (const billId of batch) {
          const audit = await billAuditVariables(ctx, billId);
          await ctx.ports.instances.start({ definitionKey: 'bill-audit', ...audit }, SYSTEM_ACTOR);
        }
        const started = Number(call.variables.auditsStarted ?? 0) + batch.length;
        return { auditsStarted: started, auditsRemaining: pending.length > AUDIT_BATCH };
      },
    },
    {
      name: 'billingRunNotify',
      descriptionZh: '向本次核算已出账的每位客户发送出账通知。',
      description: 'Sends the bill-issued notice to every customer whose bill the run issued.',
      inputs: ['billingRunId'],
      outputs: ['noticesSent'],
      async handler(call) {
        const runId = required(call.variables, 'billingRunId');
        const bills = await ctx
          .db('bills')
          .where({ billing_run_id: runId, status: 'issued' })
          .select<{ id: string; customer_id: string; period: string; total: string; due_date: string }[]>(
            'id',
            'customer_id',
            'period',
            ctx.db.raw('total::text as total'),
            ctx.db.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
          );
        const sent = await ctx.ports.notifications.sendMany(
          bills.map((b) => ({
            input: {
              template: 'bill_issued',
              customerId: b.customer_id,
              params: { period: b.period, amount: b.total, dueDate: b.due_date },
            },
            origin: {
              idempotencyKey: `bill-issued:${b.id}`,
              instanceId: call.instanceId,
              elementId: call.elementId,
              by: 'system',
            },
          })),
        );
        return { noticesSent: sent };
      },
    },
    {
      name: 'billIssueAudited',
      descriptionZh: '发行审核员已通过的账单：按合同约定的方式确定缴费期限，并抵扣预存余额。',
      description: 'Issues a bill the auditor approved: due date by the contract method, credit applied.',
      inputs: ['billId'],
      outputs: ['dueDate', 'total', 'billStatus'],
      async handler(call) {
        const billId = required(call.variables, 'billId');
        const issuedOn = utilityToday(ctx.clock);
        return ctx.db.transaction(async (trx) => {
          const bill = await trx('bills')
            .where({ id: billId })
            .first<
              | { customer_id: string; period: string; status: string; total: string; due_date: string | null }
              | undefined
            >(
              'customer_id',
              'period',
              'status',
              trx.raw('total::text as total'),
              trx.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
            );
          if (!bill) throw new Error(`bill ${billId} not found`);
          await lockAccount(trx, bill.customer_id);
          if (bill.status === 'held') {
            const dueDate = dueDateFor(DEFAULT_DUE_DATE_METHOD, { period: bill.period, issuedOn });
            await trx('bills')
              .where({ id: billId, status: 'held' })
              .update({
                status: Number(bill.total) === 0 ? 'settled' : 'issued',
                due_date: dueDate,
                issued_at: new Date(ctx.clock.now()),
                issued_by: str(call.variables.auditedBy) ?? 'system',
              });
            await applyCredit(trx, bill.customer_id);
          }
          const after = await trx('bills')
            .where({ id: billId })
            .first<{ status: string; due_date: string | null; total: string }>(
              'status',
              trx.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
              trx.raw('total::text as total'),
            );
          return { dueDate: after.due_date, total: after.total, billStatus: after.status };
        });
      },
    },
    {
      name: 'billRecalculate',
      descriptionZh: '记录更正后的读数（如有），重新计价并再次审核账单；回答账单是否仍被挂起。',
      description:
        'Records the corrected reading (if any) and prices and audits the bill again; answers whether it is still held.',
      inputs: ['billId', 'correctedReading', 'meterId'],
      outputs: ['auditFlags', 'auditRules', 'stillHeld', 'total', 'history'],
      async handler(call) {
        const billId = required(call.variables, 'billId');
        const bill = await ctx
          .db('bills')
          .where({ id: billId })
          .first<{ customer_id: string; period: string; billing_run_id: string; status: string } | undefined>(
            'customer_id',
            'period',
            'billing_run_id',
            'status',
          );
        if (!bill) throw new Error(`bill ${billId} not found`);
        const corrected = str(asText(call.variables.correctedReading));
        if (corrected) {
          const givenMeterId = str(call.variables.meterId);
          const meter = givenMeterId
            ? { id: givenMeterId }
            : await ctx
                .db('meters')
                .where({ customer_id: bill.customer_id, status: 'in_service' })
                .orderBy('asset_no')
                .first<{ id: string } | undefined>('id');
          if (meter) {
            await ctx
              .db('readings')
              .where({ meter_id: meter.id, period: bill.period })
              .update({
                total: corrected,
                reading_type: '04',
                recorded_by: str(call.variables.correctedBy) ?? 'system',
              });
          }
        }
        const catalogue = new Map(
          (await ctx.db('tariffs').select<{ definition: TariffDefinition }[]>('definition')).map((r) => [
            r.definition.code,
            r.definition,
          ]),
        );
        const [customer] = await loadChunk(
          ctx.db,
          { period: bill.period, departmentPath: null, customerId: bill.customer_id },
          null,
          1,
        );
        if (!customer) throw new Error(`customer of bill ${billId} is not active`);
        const outcome = computeBill(customer, bill.period, catalogue);
        if (outcome.kind !== 'bill')
          throw new Error(`the bill cannot be priced: ${'reason' in outcome ? outcome.reason : outcome.message}`);
        // Written held either way: the auditor releases it (approve) whatever the rules say now.
        const held = { ...outcome, bill: { ...outcome.bill, status: 'held' as const, dueDate: null } };
        await ctx.db.transaction((trx) =>
          writeBills(trx, bill.billing_run_id, bill.period, 'system', [
            { customerId: bill.customer_id, outcome: held },
          ]),
        );
        const audit = await billAuditVariables(ctx, billId);
        return {
          auditFlags: audit.variables.auditFlags,
          auditRules: audit.variables.auditRules,
          stillHeld: outcome.bill.auditFlags.length > 0,
          total: audit.variables.total,
          history: audit.variables.history,
        };
      },
    },
  ];
}

async function runOutputs(ctx: ProcessContext, runId: string) {
  const run = await ctx
    .db('billing_runs')
    .where({ id: runId })
    .first<{ status: string; billed: number; held: number; skipped_without_readings: number } | undefined>(
      'status',
      'billed',
      'held',
      'skipped_without_readings',
    );
  if (!run) throw new Error(`billing run ${runId} not found`);
  return {
    billingRunId: runId,
    billingRunStatus: run.status,
    billed: run.billed,
    held: run.held,
    skipped: run.skipped_without_readings,
  };
}

import { utilityToday } from '../../lib/clock.js';
import { shiftPeriod } from '../../marketing/billing-periods.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { billAuditVariables } from '../billing/services.js';
import type { DemoContributor } from './context.js';

/**
 * Monthly billing in flight: Xihu's run for last month has billed the county (and dispatched the
 * bills it held), and the bills an earlier run held wait in bill-audit instances: one approved
 * (issued), one sent back to the meter technician, the rest with xh.auditor, showing the rules
 * and the history that explain them.
 */
export const monthlyBillingDemo: DemoContributor = {
  name: 'monthly-billing',
  definitionKey: 'monthly-billing',
  async seed(ctx) {
    const period = shiftPeriod(utilityToday(ctx.clock).slice(0, 7), -1);
    const leader = await ctx.as('xh.leader');
    const run = await ctx.ports.instances.start(
      {
        definitionKey: 'monthly-billing',
        businessKey: `ZJ-HZ-XH-${period}`,
        departmentId: 'ZJ-HZ-XH',
        variables: { period, proceedWithoutMissing: true },
      },
      leader,
    );
    await ctx.executor.drain();
    // Yuhang's run for the current month is in flight: its readings are not all in yet, so it
    // waits with the meter technicians (MR_SUPPLEMENT) instead of billing without them.
    const yuhangLeader = await ctx.as('yh.leader');
    const current = utilityToday(ctx.clock).slice(0, 7);
    await ctx.ports.instances.start(
      {
        definitionKey: 'monthly-billing',
        businessKey: `ZJ-HZ-YH-${current}`,
        departmentId: 'ZJ-HZ-YH',
        variables: { period: current },
      },
      yuhangLeader,
    );
    await ctx.executor.drain();
    const runVariables = (
      await ctx
        .db('process_instances')
        .where({ id: run.id })
        .first<{ variables: Record<string, unknown> | null } | undefined>('variables')
    )?.variables;
    const runBillingRunId = typeof runVariables?.billingRunId === 'string' ? runVariables.billingRunId : null;
    // Bills an earlier run held in Xihu and nobody has audited yet: the auditors' backlog.
    const backlog = await ctx
      .db('bills as b')
      .join('customers as c', 'c.id', 'b.customer_id')
      .where('b.status', 'held')
      .where('c.department_id', 'like', 'ZJ-HZ-XH%')
      .whereNot('b.billing_run_id', runBillingRunId)
      .orderBy('b.id')
      .limit(6)
      .pluck<string[]>('b.id');
    for (const billId of backlog) {
      await ctx.ports.instances.start(
        { definitionKey: 'bill-audit', ...(await billAuditVariables(ctx, billId)) },
        SYSTEM_ACTOR,
      );
    }
    await ctx.executor.drain();
    const audits = (await ctx
      .db('process_instances')
      .where({ definition_key: 'bill-audit', status: 'running' })
      .orderBy('business_key')
      .pluck('id')) as string[];
    const [approve, reject] = audits;
    if (approve) {
      await ctx.complete(approve, 'BILL_AUDIT', 'xh.auditor', {
        auditDecision: 'approve',
        auditComment: '核实无误 Checked: the consumption is real',
      });
    }
    if (reject) {
      await ctx.complete(reject, 'BILL_AUDIT', 'xh.auditor', {
        auditDecision: 'reject',
        auditComment: '请现场核对示数 Please check the register on site',
      });
    }
  },
};

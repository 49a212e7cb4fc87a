import { utilityToday } from '../../lib/clock.js';
import type { DemoContributor } from './context.js';

/** The demo user of a role in a department's county (xh.manager …), or null where the demo has none. */
export function countyUser(departmentId: string, role: string): string | null {
  const prefix = [
    ['ZJ-HZ-XH', 'xh'],
    ['ZJ-HZ-YH', 'yh'],
    ['JS-NJ-JN', 'jn'],
  ].find(([county]) => departmentId.startsWith(county as string))?.[1];
  return prefix ? `${prefix}.${role}` : null;
}

/**
 * Arrears collection in flight: today's overdue scan (a bounded number of customers) has sent the
 * SMS reminders; customers more than 30 days overdue wait for xh.manager's / yh.manager's approval;
 * one approved disconnection waits for its notice period; one customer has paid and the collection
 * ended with the late fee charged.
 */
export const arrearsCollectionDemo: DemoContributor = {
  name: 'arrears-collection',
  definitionKey: 'arrears-collection',
  async seed(ctx) {
    const today = utilityToday(ctx.clock);
    await ctx.ports.processes.scanOverdueNow(today, 40);
    // Today's scan counts as done: the rest of the overdue customers start tomorrow at 02:00.
    await ctx
      .db('daily_job_runs')
      .insert({
        name: 'arrears-scan',
        run_date: today,
        status: 'completed',
        node_id: 'demo',
        started_at: new Date(ctx.clock.now()),
        result: JSON.stringify({ demo: true }),
      })
      .onConflict(['name', 'run_date'])
      .ignore();
    await ctx.executor.drain();
    const db = ctx.db;
    const approvals = await db('tasks')
      .where({ definition_key: 'arrears-collection', element_id: 'ARR_APPROVAL', status: 'open' })
      .orderBy('business_key')
      .select<{ instance_id: string; department_id: string }[]>('instance_id', 'department_id');
    const first = approvals.find((a) => countyUser(a.department_id, 'manager'));
    if (first) {
      await ctx.complete(first.instance_id, 'ARR_APPROVAL', countyUser(first.department_id, 'manager') as string, {
        disconnectionDecision: 'approve',
        approvalComment: '多次催缴未果，同意按程序停电',
      });
    }
    // One customer pays everything overdue at the counter: the collection ends at once.
    const running = await db('process_instances')
      .where({ definition_key: 'arrears-collection', status: 'running' })
      .whereNot('id', first?.instance_id ?? '00000000-0000-0000-0000-000000000000')
      .orderBy('business_key')
      .select<{ variables: { customerId: string }; department_id: string }[]>('variables', 'department_id');
    const waiting = running.find((r) => countyUser(r.department_id, 'collector'));
    if (!waiting) return;
    const collector = countyUser(waiting.department_id, 'collector') as string;
    const report = await ctx.ports.arrears.report(waiting.variables.customerId, today, await ctx.as(collector));
    if (Number(report.totalArrears) <= 0) return;
    await ctx.ports.payments.record(
      {
        customerId: waiting.variables.customerId,
        channel: 'counter',
        amount: report.totalArrears,
        paidAt: new Date(ctx.clock.now()).toISOString(),
        idempotencyKey: `demo-arrears-${waiting.variables.customerId}`,
      },
      await ctx.as(collector),
    );
    await ctx.executor.drain();
  },
};

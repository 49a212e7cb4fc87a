import { utilityToday } from '../../lib/clock.js';
import { countyUser } from './arrears-collection.js';
import type { DemoContributor } from './context.js';

/**
 * High-risk warnings in flight: a few commercial customers with arrears are marked as they would
 * be in the register (a steel works, a half-stopped cement plant, a grade-C customer), tonight's
 * screening is run now, and the orders stand at different steps: one waits for its account
 * manager, one for HQ's review, one escalated to the county manager.
 */
export const highRiskWarningDemo: DemoContributor = {
  name: 'high-risk-warning',
  definitionKey: 'high-risk-warning',
  async seed(ctx) {
    const db = ctx.db;
    const owing = await db('customers as c')
      .join('bills as b', 'b.customer_id', 'c.id')
      .whereIn('b.status', ['issued', 'partly_paid'])
      .whereIn('c.elec_type_code', ['100', '400'])
      .where((q) => {
        q.where('c.department_id', 'like', 'ZJ-HZ-XH%').orWhere('c.department_id', 'like', 'ZJ-HZ-YH%');
      })
      .groupBy('c.id')
      .orderBy('c.id')
      .limit(3)
      .pluck<string[]>('c.id');
    const marks = [
      { hue_trade_type_code: '101' },
      { hue_trade_type_code: '104', production_status: 'half-stopped' },
      { credit_grade: 'C', ess_policy: '02' },
    ];
    for (const [i, id] of owing.entries())
      await db('customers')
        .where({ id })
        .update(marks[i] ?? {});
    // Tonight's screening, run now (and claimed for today, so the 01:00 job does not repeat it).
    await ctx.ports.processes.dailyJobs.runOnce('risk-screening', utilityToday(ctx.clock));
    await ctx.executor.drain();
    const orders = await db('tasks')
      .where({ definition_key: 'high-risk-warning', element_id: 'RW_MEASURE', status: 'open' })
      .orderBy('business_key')
      .select<{ instance_id: string; department_id: string }[]>('instance_id', 'department_id');
    const workable = orders.filter((o) => countyUser(o.department_id, 'account'));
    const [toReview, toEscalate] = workable;
    for (const order of [toReview, toEscalate]) {
      if (!order) continue;
      await ctx.complete(order.instance_id, 'RW_MEASURE', countyUser(order.department_id, 'account') as string, {
        tactic: '9',
        measure: '列入重点监控，每周走访 Key monitoring, weekly visits',
        evidence: '走访记录 visit log',
      });
    }
    if (toEscalate) {
      await ctx.complete(toEscalate.instance_id, 'RW_REVIEW', 'hq.supervisor', {
        reviewDecision: 'escalate',
        hqComment: '措施不足，请落实预付费或费控 Not enough: prepayment or fee control',
      });
    }
  },
};

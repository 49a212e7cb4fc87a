import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { instance } from '../../support/workflow.js';
import { instancesOf, issueBill, notices, taskAt, completeTaskAt } from './marketing-fixtures.js';
import { newCustomer } from '../marketing/accounts.js';

/**
 * Issue 5 §4, arrears collection (欠费催收) end to end on a test clock: the daily overdue scan
 * starts one collection per customer, the SMS reminder goes out with the late fee accrued, a
 * payment that settles the arrears ends the collection midway (worked example C: 3.94 yuan), and
 * a customer who does not pay goes through approval, the 7-day and 30-minute notices, field
 * disconnection, and reconnection after payment — escalated to the team leader after 24 hours.
 */
describe.each(BACKENDS)('arrears collection: remind, disconnect, reconnect (%s)', (backend) => {
  let t: TestPlatform;
  let collector: ApiClient;
  let manager: ApiClient;
  let leader: ApiClient;
  let tech: ApiClient;
  const clock = new TestClock('2024-08-16T02:30:00+08:00');
  let household: { id: string; accountNo: string };
  let shop: { id: string; accountNo: string };
  let partial: { id: string; accountNo: string };
  let punctual: { id: string; accountNo: string };
  let writtenOff: { id: string; accountNo: string };

  const drain = () => t.platform.executor.drain();
  const collectionOf = async (c: { accountNo: string }) =>
    (await instancesOf(collector, 'arrears-collection', c.accountNo))[0]!;
  const pay = (c: { id: string }, amount: string, paidAt: string, key: string) =>
    collector.post('/api/v1/payments', { customerId: c.id, amount, channel: 'counter', paidAt, idempotencyKey: key });
  const complete = (client: ApiClient, instanceId: string, elementId: string, variables: Record<string, unknown>) =>
    completeTaskAt(t, client, instanceId, elementId, variables);

  beforeAll(async () => {
    // No background job polling: the test runs what is due (drain) after moving the clock.
    t = await startTestPlatform(backend, { clock, jobs: false });
    collector = await t.as('xh.collector');
    manager = await t.as('xh.manager');
    leader = await t.as('xh.leader');
    tech = await t.as('xh.meter');
    const clerk = await t.as('xh.clerk');
    household = await newCustomer(clerk, { elecTypeCode: '202', name: '张三', phone: '13900000001' });
    shop = await newCustomer(clerk, { elecTypeCode: '400', name: '西湖茶庄', phone: '13900000002' });
    partial = await newCustomer(clerk, { elecTypeCode: '202', name: '李四', phone: '13900000003' });
    punctual = await newCustomer(clerk, { elecTypeCode: '202', name: '王五', phone: '13900000004' });
    writtenOff = await newCustomer(clerk, { elecTypeCode: '202', name: '赵六', phone: '13900000005' });
    // Worked example C: a residential bill of 197.20 due 2024-08-15.
    await issueBill(t, household.id, '2024-07', '197.20', '2024-08-15');
    await issueBill(t, shop.id, '2024-07', '1000.00', '2024-08-15');
    await issueBill(t, partial.id, '2024-07', '300.00', '2024-08-15');
    await issueBill(t, punctual.id, '2024-07', '50.00', '2024-08-15');
    await issueBill(t, writtenOff.id, '2024-07', '20.00', '2024-08-15');
    expect((await pay(punctual, '50.00', '2024-08-14T10:00:00+08:00', 'punctual-1')).status).toBe(201);
  });
  afterAll(() => t?.close());

  it('the daily scan starts one collection per overdue customer, once, and sends the SMS reminder', async () => {
    const ran = await t.platform.services.processes.dailyJobs.tick();
    expect(ran).toContain('arrears-scan');
    expect(await t.platform.services.processes.dailyJobs.tick()).not.toContain('arrears-scan');
    await drain();
    for (const c of [household, shop, partial])
      expect((await instancesOf(collector, 'arrears-collection', c.accountNo)).length).toBe(1);
    expect(await instancesOf(collector, 'arrears-collection', punctual.accountNo)).toHaveLength(0);
    const [reminder] = await notices(collector, `customerId=${household.id}&template=arrears_reminder`);
    // 1 day × 197.20 × 1 ‰ = 0.20, charged as 1 yuan (DOMAIN.md §6)
    expect(reminder!.body).toBe(
      `【国网电力】尊敬的张三，您户号${household.accountNo}截至2024-08-16欠电费197.20元，违约金1.00元，请尽快缴纳，以免影响正常用电。`,
    );
    const vars = (await instance(collector, (await collectionOf(household)).id)).variables;
    expect(vars).toMatchObject({ accountNo: household.accountNo, arrears: '197.20', daysOverdue: 1 });
    // more than 30 days overdue: from the 31st day after the due date
    expect(vars.disconnectEligibleAt).toBe('2024-09-15T01:00:00.000Z');
  });

  it('a partial payment does not end the collection', async () => {
    clock.set('2024-08-20T10:00:00+08:00');
    expect((await pay(partial, '100.00', '2024-08-20T10:00:00+08:00', 'partial-1')).status).toBe(201);
    await drain();
    expect((await collectionOf(partial)).status).toBe('running');
  });

  it('the payment that settles the arrears ends the collection midway, with worked example C’s late fee', async () => {
    clock.set('2024-09-04T10:00:00+08:00');
    const before = await collectionOf(household);
    expect(before.status).toBe('running');
    const paid = await pay(household, '201.14', '2024-09-04T10:00:00+08:00', 'household-1');
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await eventually(async () => {
      await drain();
      return (await instance(collector, before.id)).status === 'completed';
    }, 10_000);
    const vars = (await instance(collector, before.id)).variables;
    expect(vars).toMatchObject({ lateFeeCharged: '3.94', settledOn: '2024-09-04' });
    const [settled] = await notices(collector, `customerId=${household.id}&template=arrears_settled`);
    expect(settled!.body).toContain('违约金3.94元');
    // no timer of the ended instance is left behind
    expect(await t.platform.db('jobs').where({ instance_id: before.id })).toHaveLength(0);
    // a replayed payment notification changes nothing
    expect((await pay(household, '201.14', '2024-09-04T10:00:00+08:00', 'household-1')).status).toBe(200);
  });

  it('arrears settled without a payment notice (a write-off): the collector confirms and the collection closes', async () => {
    // given the bill is written off (there is no API for it yet: the ledger's own status)
    const bill = (await collector.get(`/api/v1/customers/${writtenOff.id}/bills`)).body.items[0];
    await t.platform.db('bills').where({ id: bill.id }).update({ status: 'written_off' });
    // when the 30 days are up
    clock.set('2024-09-15T09:00:01+08:00');
    await drain();
    const collection = await collectionOf(writtenOff);
    expect(await taskAt(manager, collection.id, 'ARR_APPROVAL')).toBeUndefined();
    // then the collector confirms instead of the manager approving a disconnection
    await complete(collector, collection.id, 'ARR_PAID_MEANWHILE', { settledNote: '坏账核销 written off' });
    expect((await instance(collector, collection.id)).status).toBe('completed');
    expect(await notices(collector, `customerId=${writtenOff.id}&template=disconnection_notice`)).toHaveLength(0);
  });

  it('after more than 30 days overdue: the department manager approves, notices 7 days and 30 minutes ahead', async () => {
    clock.set('2024-09-15T09:00:01+08:00');
    await drain();
    const shopCollection = await collectionOf(shop);
    const approval = await eventually(() => taskAt(manager, shopCollection.id, 'ARR_APPROVAL'), 10_000, 'the approval');
    expect(approval).toBeTruthy();
    // 2 ‰ a day for a commercial customer, 31 days from 08-16 to 09-15
    expect((await instance(manager, shopCollection.id)).variables).toMatchObject({
      arrears: '1000.00',
      lateFee: '62.00',
      daysOverdue: 31,
    });
    // the collector cannot approve
    expect(await taskAt(collector, shopCollection.id, 'ARR_APPROVAL')).toBeUndefined();
    await complete(manager, shopCollection.id, 'ARR_APPROVAL', {
      disconnectionDecision: 'approve',
      approvalComment: '已催缴未果，同意停电',
    });
    const [notice] = await notices(collector, `customerId=${shop.id}&template=disconnection_notice`);
    expect(notice!.body).toContain('将于2024-09-22 09:00起依法中止供电');
    expect(await notices(collector, `customerId=${shop.id}&template=disconnection_final_notice`)).toHaveLength(0);
    clock.set('2024-09-22T08:30:00+08:00');
    await drain();
    const [final] = await notices(collector, `customerId=${shop.id}&template=disconnection_final_notice`);
    expect(final!.body).toContain('将于2024-09-22 09:00中止供电');
    expect(await taskAt(collector, shopCollection.id, 'ARR_DISCONNECT')).toBeUndefined();
  });

  it('disconnects on site, then reconnects after payment; a late reconnection escalates to the team leader', async () => {
    const shopCollection = await collectionOf(shop);
    clock.set('2024-09-22T09:00:00+08:00');
    const incidents = () => t.platform.db('incidents').select('element_id', 'message');
    await complete(collector, shopCollection.id, 'ARR_DISCONNECT', {
      disconnectReading: 12345,
      fieldNote: '已现场停电',
    });
    expect(await incidents()).toEqual([]);
    expect(await notices(collector, `customerId=${shop.id}&template=disconnected`)).toHaveLength(1);
    expect((await collector.get(`/api/v1/customers/${shop.id}`)).body.status).toBe('suspended');
    expect((await instance(collector, shopCollection.id)).status).toBe('running');
    // the customer pays the next day
    clock.set('2024-09-23T10:00:00+08:00');
    expect((await pay(shop, '1080.00', '2024-09-23T10:00:00+08:00', 'shop-1')).status).toBe(201);
    await drain();
    const reconnect = await eventually(() => taskAt(tech, shopCollection.id, 'ARR_RECONNECT'), 10_000, 'reconnect');
    expect(new Date(reconnect!.dueAt as string).toISOString()).toBe('2024-09-24T02:00:00.000Z');
    // 24 hours pass without reconnection: the team leader gets an escalation
    expect(await taskAt(leader, shopCollection.id, 'ARR_RECONNECT_ESCALATED')).toBeUndefined();
    clock.set('2024-09-24T10:00:01+08:00');
    await drain();
    await complete(leader, shopCollection.id, 'ARR_RECONNECT_ESCALATED', { escalationNote: '已督促当班人员立即复电' });
    await complete(tech, shopCollection.id, 'ARR_RECONNECT', { reconnectReading: 12345, fieldNote: '已复电' });
    expect((await instance(collector, shopCollection.id)).status).toBe('completed');
    expect((await collector.get(`/api/v1/customers/${shop.id}`)).body.status).toBe('active');
    const sent = (await notices(collector, `instanceId=${shopCollection.id}`)).map((n) => n.template);
    expect(sent.reverse()).toEqual([
      'arrears_reminder',
      'disconnection_notice',
      'disconnection_final_notice',
      'disconnected',
      'reconnected',
    ]);
  });

  it('refused disconnection ends the collection without notices; the next scan does not restart it', async () => {
    clock.set('2024-09-16T09:00:01+08:00');
    const partialCollection = await collectionOf(partial);
    await complete(manager, partialCollection.id, 'ARR_APPROVAL', {
      disconnectionDecision: 'refuse',
      approvalComment: '困难户，缓停',
    });
    expect((await instance(collector, partialCollection.id)).status).toBe('completed');
    expect(await notices(collector, `customerId=${partial.id}&template=disconnection_notice`)).toHaveLength(0);
    await t.platform.services.processes.scanOverdueNow('2024-09-17');
    expect(await instancesOf(collector, 'arrears-collection', partial.accountNo)).toHaveLength(1);
  });
});

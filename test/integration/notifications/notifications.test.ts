import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, fixture, instance, start } from '../../support/workflow.js';
import { newCustomer } from '../marketing/accounts.js';

describe.each(BACKENDS)('notifications: notifyCustomer and the outbox (%s)', (backend) => {
  let t: TestPlatform;
  let collector: ApiClient;
  let customer: { id: string; accountNo: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('designer'), fixture('notify.two-notices.bpmn'));
    collector = await t.as('xh.collector');
    customer = await newCustomer(await t.as('xh.clerk'), { name: '李四', phone: '13900001111' });
  });
  afterAll(() => t?.close());

  it('sends each service task its own template, rendered, and records who, where and which step', async () => {
    // given a process with two notify tasks for the customer
    const events: string[] = [];
    t.platform.bus.on('event', (e: { topic: string }) => events.push(e.topic));
    const started = await start(await t.as('xh.leader'), 'notifyTwice', {
      businessKey: customer.accountNo,
      departmentId: 'ZJ-HZ-XH',
      variables: { customerId: customer.id, arrears: '197.20', lateFee: '3.94', asOf: '2024-09-04' },
    });
    // when the service jobs have run
    await eventually(
      async () => (await instance(collector, started.id)).status === 'completed',
      10_000,
      'the instance to end',
    );
    // then the collector sees both notices of this instance, newest first
    const res = await collector.get(`/api/v1/notifications?instanceId=${started.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((n: { template: string }) => n.template)).toEqual(['reconnected', 'arrears_reminder']);
    const reminder = res.body.items[1];
    expect(reminder).toMatchObject({
      customerId: customer.id,
      accountNo: customer.accountNo,
      departmentId: 'ZJ-HZ-XH',
      elementId: 'remind',
      channel: 'sms',
      recipient: '13900001111',
      gateway: 'dev',
      status: 'sent',
    });
    expect(reminder.body).toBe(
      `【国网电力】尊敬的李四，您户号${customer.accountNo}截至2024-09-04欠电费197.20元，违约金3.94元，请尽快缴纳，以免影响正常用电。`,
    );
    expect(reminder.sentAt).toBeTruthy();
    expect(events.filter((e) => e === 'notification:sent').length).toBeGreaterThanOrEqual(2);
    // and filters by customer and template work
    const byTemplate = await collector.get(`/api/v1/notifications?customerId=${customer.id}&template=reconnected`);
    expect(byTemplate.body.items).toHaveLength(1);
  });

  it('sends once per idempotency key (a retried service task)', async () => {
    const origin = { idempotencyKey: `retry-${customer.id}`, by: 'system' };
    const input = { template: 'reconnected', customerId: customer.id };
    const first = await t.platform.services.notifications.send(input, origin);
    const again = await t.platform.services.notifications.send(input, origin);
    expect(again.id).toBe(first.id);
    const rows = await t.platform.db('notifications').where({ idempotency_key: origin.idempotencyKey });
    expect(rows).toHaveLength(1);
    expect(rows[0].attempts).toBe(1);
  });

  it('records a notice it cannot deliver (no phone number) as failed, with the reason', async () => {
    const silent = await newCustomer(await t.as('xh.clerk'), { phone: undefined });
    const row = await t.platform.services.notifications.send(
      { template: 'reconnected', customerId: silent.id },
      { idempotencyKey: `no-phone-${silent.id}`, by: 'system' },
    );
    expect(row).toMatchObject({ status: 'failed', error: 'no phone number to send to', recipient: '' });
  });

  it('refuses a template with a missing parameter: 400 naming it, nothing recorded', async () => {
    await expect(
      t.platform.services.notifications.send(
        { template: 'bill_issued', customerId: customer.id, params: { period: '2024-07' } },
        { idempotencyKey: `missing-${customer.id}`, by: 'system' },
      ),
    ).rejects.toMatchObject({ code: 'NOTIFICATION_PARAMS_MISSING', status: 400 });
    expect(await t.platform.db('notifications').where({ idempotency_key: `missing-${customer.id}` })).toHaveLength(0);
  });

  it('shows a department only its own notices; roles without notification:read get 403', async () => {
    const other = await t.as('jn.collector');
    const theirs = await other.get(`/api/v1/notifications?customerId=${customer.id}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toHaveLength(0);
    const hq = await t.as('hq.supervisor');
    expect((await hq.get(`/api/v1/notifications?customerId=${customer.id}`)).body.items.length).toBeGreaterThan(0);
    expect((await (await t.as('xh.surveyor')).get('/api/v1/notifications')).status).toBe(403);
    const bad = await collector.get('/api/v1/notifications?customerId=not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('lists the templates', async () => {
    const res = await collector.get('/api/v1/notifications/templates');
    expect(res.body.items.map((x: { code: string }) => x.code)).toContain('disconnection_notice');
  });
});

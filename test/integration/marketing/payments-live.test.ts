import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDateOf } from '../../../server/domain/calendar/index.js';
import { seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { TestClock } from '../../../server/lib/clock.js';
import type { RealtimeEvent } from '../../../server/realtime/contract.js';
import { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { TestSocket } from '../realtime/socket-client.js';
import { newCustomer } from './accounts.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';
const HALL = '/api/hall/v1';
// A demo hall login of Xihu and its simulated bank account with enough money (server/hall/demo-customers.ts).
const CHEN = { phone: '13900000004', accountNo: 'H3301000004', bankAccountId: 'SIM-6222-0004-01' };

/** `/api/v1/payments` with a query string. */
const list = (client: ApiClient, query: Record<string, string | number> = {}) =>
  client.get(
    `/api/v1/payments?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
  );

const received = (paymentId: string) => (e: RealtimeEvent) =>
  e.topic === 'payment:received' && e.payload.paymentId === paymentId;

describe.each(BACKENDS)('payments live in the back office (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T12:00:00+08:00`);
  let xhSocket: TestSocket;
  let yhSocket: TestSocket;
  let collector: ApiClient;
  let yhCollector: ApiClient;
  let key = 0;

  const pay = (client: ApiClient, customerId: string, amount: string, idempotencyKey = `live-${backend}-${++key}`) =>
    client.post('/api/v1/payments', {
      customerId,
      channel: 'counter',
      amount,
      paidAt: '2026-12-01T10:00:00+08:00',
      idempotencyKey,
    });

  async function signInToHall(phone: string): Promise<ApiClient> {
    clock.advance(61_000);
    expect((await t.anonymous().post(`${HALL}/sms-codes`, { purpose: 'sign-in', loginName: phone })).status).toBe(202);
    const row = await t.database
      .db('notifications')
      .where({ recipient: phone, template: 'hall_sms_code' })
      .orderBy('created_at', 'desc')
      .first<{ body: string }>('body');
    const code = /(\d{6})/.exec(row.body)![1];
    const client = new ApiClient(t.url);
    const res = await client.post(`${HALL}/session`, { loginName: phone, password: 'demo1234', code });
    expect(res.status).toBe(200);
    client.csrf = res.body.csrfToken;
    return client;
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
    collector = await t.as('xh.collector');
    yhCollector = await t.as('yh.collector');
    xhSocket = await TestSocket.as(t.url, 'xh.collector');
    yhSocket = await TestSocket.as(t.url, 'yh.collector');
    expect(await xhSocket.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
    expect(await yhSocket.subscribe(`department:${YH}`)).toMatchObject({ ok: true });
  }, 240_000);
  afterAll(async () => {
    xhSocket?.close();
    yhSocket?.close();
    await t?.close();
  });

  /** A Yuhang payment seen by the Yuhang socket: everything published before it has reached both sockets. */
  async function yuhangMarker(): Promise<string> {
    const c = await newCustomer(await t.as('yh.clerk'), { name: '余杭标记' });
    const res = await pay(yhCollector, c.id, '1.00');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await yhSocket.waitFor(received(res.body.id), 'the Yuhang marker payment');
    return res.body.id as string;
  }

  it('pushes a counter payment of a Xihu customer to Xihu, with the payment’s fields, and not to Yuhang', async () => {
    // given a Xihu customer
    const c = await newCustomer(await t.as('xh.clerk'), { name: '西湖柜台客户' });
    // when the collector records a counter payment
    const res = await pay(collector, c.id, '88.50');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // then the Xihu socket receives payment:received in the customer's department rooms
    const event = await xhSocket.waitFor(received(res.body.id), 'payment:received for the counter payment');
    expect(event.departmentId).toBe(XH);
    expect(event.rooms).toContain(`department:${XH}`);
    expect(event.payload).toEqual({
      paymentId: res.body.id,
      customerId: c.id,
      accountNo: c.accountNo,
      customerName: '西湖柜台客户',
      amount: '88.50',
      channel: 'counter',
      paidAt: new Date('2026-12-01T10:00:00+08:00').toISOString(),
    });
    // and a Yuhang socket, which sees a later Yuhang payment, never saw it
    const marker = await yuhangMarker();
    expect(yhSocket.events.filter((e) => e.topic === 'payment:received').map((e) => e.payload.paymentId)).toEqual([
      marker,
    ]);
    expect(xhSocket.events.some(received(marker))).toBe(false);
  });

  it('pushes an online hall payment (channel web) of a Xihu customer to Xihu', async () => {
    // given the demo hall customer of Xihu with unpaid bills, signed in to the hall
    const chen = await signInToHall(CHEN.phone);
    const chenId = (await t.database.db('customers').where({ account_no: CHEN.accountNo }).first<{ id: string }>('id'))
      .id;
    const bills = await t.database
      .db('bills')
      .where({ customer_id: chenId })
      .whereIn('status', ['issued', 'partly_paid'])
      .orderBy([{ column: 'period' }, { column: 'issued_at' }])
      .select<{ id: string }[]>('id');
    expect(bills.length).toBeGreaterThan(0);
    // when the customer pays them online
    const res = await chen.post(`${HALL}/accounts/${chenId}/payments`, {
      billIds: bills.map((b) => b.id),
      bankAccountId: CHEN.bankAccountId,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // then the back office hears of it, on the web channel
    const event = await xhSocket.waitFor(received(res.body.paymentId), 'payment:received for the hall payment');
    expect(event.payload).toMatchObject({
      customerId: chenId,
      accountNo: CHEN.accountNo,
      customerName: '陈刚',
      amount: res.body.amount,
      channel: 'web',
    });
    // and Yuhang does not
    await yuhangMarker();
    expect(yhSocket.events.some(received(res.body.paymentId))).toBe(false);
  });

  it('sends no second event for a replayed payment (same idempotency key)', async () => {
    // given a payment recorded and announced once
    const c = await newCustomer(await t.as('xh.clerk'));
    const first = await pay(collector, c.id, '20.00', `replay-${backend}`);
    expect(first.status).toBe(201);
    await xhSocket.waitFor(received(first.body.id));
    // when the same notification arrives again
    const again = await pay(collector, c.id, '20.00', `replay-${backend}`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // then, by the time a later Xihu payment has been pushed, the first was pushed exactly once
    const later = await pay(collector, c.id, '1.00');
    await xhSocket.waitFor(received(later.body.id));
    expect(xhSocket.events.filter(received(first.body.id))).toHaveLength(1);
    const rows = await t.database.db('outbox').where({ topic: 'payment:received' }).select('payload');
    const payloads = rows.map((r: { payload: unknown }) =>
      typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    ) as { paymentId: string }[];
    expect(payloads.filter((p) => p.paymentId === first.body.id)).toHaveLength(1);
  });

  it('writes no event when the payment is refused', async () => {
    const c = await newCustomer(await t.as('xh.clerk'));
    const before = await t.database.db('outbox').where({ topic: 'payment:received' }).count<{ n: string }[]>('* as n');
    const first = await pay(collector, c.id, '5.00', `refused-${backend}`);
    expect(first.status).toBe(201);
    // the key again with another amount is a 409
    expect((await pay(collector, c.id, '6.00', `refused-${backend}`)).status).toBe(409);
    const after = await t.database.db('outbox').where({ topic: 'payment:received' }).count<{ n: string }[]>('* as n');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
  });

  describe('GET /api/v1/payments', () => {
    let xhPayment: string;
    let yhPayment: string;

    beforeAll(async () => {
      const xhCustomer = await newCustomer(await t.as('xh.clerk'), { name: '西湖列表客户' });
      const yhCustomer = await newCustomer(await t.as('yh.clerk'), { name: '余杭列表客户' });
      xhPayment = (await pay(collector, xhCustomer.id, '12.34')).body.id;
      yhPayment = (await pay(yhCollector, yhCustomer.id, '43.21')).body.id;
    });

    const ids = (body: { items: { id: string }[] }) => body.items.map((p) => p.id);

    it('lists the payments of the counties one may read billing of, newest first, with name and account number', async () => {
      const xh = await list(collector, { limit: 200 });
      expect(xh.status).toBe(200);
      expect(ids(xh.body)).toContain(xhPayment);
      expect(ids(xh.body)).not.toContain(yhPayment);
      expect(xh.body.items.find((p: { id: string }) => p.id === xhPayment)).toMatchObject({
        customerName: '西湖列表客户',
        amount: '12.34',
        channel: 'counter',
        kind: 'payment',
      });
      const paidAt = xh.body.items.map((p: { paidAt: string }) => Date.parse(p.paidAt));
      expect(paidAt).toEqual([...paidAt].sort((a, b) => b - a));

      const yh = await list(yhCollector, { limit: 200 });
      expect(ids(yh.body)).toContain(yhPayment);
      expect(ids(yh.body)).not.toContain(xhPayment);

      const province = await t.as('zj.manager');
      const both = await list(province, { limit: 200 });
      expect(ids(both.body)).toEqual(expect.arrayContaining([xhPayment, yhPayment]));
    });

    it('filters by channel and by paid time (from inclusive, to exclusive)', async () => {
      const web = await list(collector, { channel: 'web', limit: 200 });
      expect(web.status).toBe(200);
      expect(web.body.items.length).toBeGreaterThan(0);
      expect(web.body.items.every((p: { channel: string }) => p.channel === 'web')).toBe(true);

      const at = '2026-12-01T02:00:00Z'; // the counter payments' paidAt
      const from = await list(collector, { from: at, channel: 'counter', limit: 200 });
      expect(ids(from.body)).toContain(xhPayment);
      const to = await list(collector, { to: at, channel: 'counter', limit: 200 });
      expect(ids(to.body)).not.toContain(xhPayment);
      const day = await list(collector, { from: '2026-12-01', to: '2026-12-02', limit: 200 });
      expect(ids(day.body)).toContain(xhPayment);
    });

    it('pages', async () => {
      const first = await list(collector, { limit: 1 });
      const second = await list(collector, { limit: 1, offset: 1 });
      expect(first.body).toMatchObject({ limit: 1, offset: 0, hasMore: true });
      expect(first.body.items).toHaveLength(1);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    });

    it.each([
      ['an unknown channel', { channel: 'cash' }],
      ['a from that is no date', { from: 'yesterday' }],
      ['a to that is no date', { to: '2026-13-40' }],
      ['from after to', { from: '2026-12-02', to: '2026-12-01' }],
      ['a limit of 0', { limit: 0 }],
      ['a negative offset', { offset: -1 }],
    ])('answers 400 for %s', async (_, query) => {
      const res = await list(collector, query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses staff without billing read, and anonymous callers', async () => {
      expect((await list(await t.as('xh.clerk'))).status).toBe(403);
      expect((await list(t.anonymous())).status).toBe(401);
    });

    it('is declared in the OpenAPI document with billing:read and its list schema', async () => {
      const doc = (await t.anonymous().get('/api/openapi.json')).body;
      const op = doc.paths['/api/v1/payments'].get;
      expect(op['x-permission']).toBe('billing:read');
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['from', 'to', 'channel', 'limit', 'offset']),
      );
      expect(op.responses['200'].content['application/json'].schema).toBeDefined();
    });
  });
});

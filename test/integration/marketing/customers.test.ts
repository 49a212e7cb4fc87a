import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, issueBill, newCustomer } from './accounts.js';

describe.each(BACKENDS)('customers: create, search, read, update (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let yhClerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    clerk = await t.as('xh.clerk');
    yhClerk = await t.as('yh.clerk');
  });
  afterAll(() => t?.close());

  it("creates a customer in the clerk's own department with SG186 codes and answers it", async () => {
    // given / when
    const no = accountNo();
    const res = await clerk.post('/api/v1/customers', {
      accountNo: no,
      name: '杭州西湖茶叶有限公司',
      address: '杭州市西湖区龙井路 1 号',
      phone: '0571-87000001',
      elecTypeCode: '400',
      voltageLevel: '10kV',
      capacityKva: '315',
      tariffCode: 'ZJ-GIC',
      pfStandard: '0.90',
    });
    // then
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      accountNo: no,
      departmentId: 'ZJ-HZ-XH',
      elecTypeCode: '400',
      capacityKva: '315.00',
      creditGrade: 'B',
      status: 'active',
    });
    expect((await clerk.get(`/api/v1/customers/${res.body.id}`)).body.name).toBe('杭州西湖茶叶有限公司');
  });

  it('refuses a taken account number with 409', async () => {
    const first = await newCustomer(clerk);
    const again = await clerk.post('/api/v1/customers', {
      accountNo: first.accountNo,
      name: 'x',
      elecTypeCode: '202',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ACCOUNT_NO_TAKEN');
  });

  it('answers invalid input with 400 and field details, and creates nothing', async () => {
    // given
    const no = accountNo();
    // when
    const bad = await clerk.post('/api/v1/customers', {
      accountNo: no,
      name: '',
      elecTypeCode: '999',
      capacityKva: '-1',
    });
    // then
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.elecTypeCode', 'body.capacityKva']));
    expect((await clerk.get(`/api/v1/customers?q=${no}`)).body.items).toEqual([]);
  });

  it('finds customers by account-number prefix, name, phone or address fragment', async () => {
    // given
    const tag = `${Date.now() % 100000}`;
    const a = await newCustomer(clerk, { name: `李四海${tag}`, phone: `1390000${tag}`, address: `文一路${tag}号` });
    // when / then
    for (const q of [a.accountNo.slice(0, 12), `四海${tag}`, `0000${tag}`, `一路${tag}`]) {
      const res = await clerk.get(`/api/v1/customers?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(
        res.body.items.map((c: { id: string }) => c.id),
        q,
      ).toContain(a.id);
    }
    expect((await clerk.get(`/api/v1/customers?q=${encodeURIComponent('%')}`)).body.items).toEqual([]);
  });

  it('pages search results in account-number order', async () => {
    // given
    const prefix = `P${Date.now() % 100000}`;
    for (let i = 0; i < 5; i++) await newCustomer(clerk, { accountNo: `${prefix}-${i}` });
    // when
    const page1 = await clerk.get(`/api/v1/customers?q=${prefix}&limit=2`);
    const page3 = await clerk.get(`/api/v1/customers?q=${prefix}&limit=2&offset=4`);
    // then
    expect(page1.body.items.map((c: { accountNo: string }) => c.accountNo)).toEqual([`${prefix}-0`, `${prefix}-1`]);
    expect(page1.body.hasMore).toBe(true);
    expect(page3.body.items.map((c: { accountNo: string }) => c.accountNo)).toEqual([`${prefix}-4`]);
    expect(page3.body.hasMore).toBe(false);
  });

  it("hides another county's customers: not in search, 404 by id, 404 on update", async () => {
    // given a Xihu customer
    const xh = await newCustomer(clerk, { name: '西湖专属客户' });
    // when Yuhang looks
    const search = await yhClerk.get(`/api/v1/customers?q=${xh.accountNo}`);
    const byId = await yhClerk.get(`/api/v1/customers/${xh.id}`);
    const patch = await yhClerk.patch(`/api/v1/customers/${xh.id}`, { name: '改名' });
    // then
    expect(search.body.items).toEqual([]);
    expect(byId.status).toBe(404);
    expect(patch.status).toBe(404);
    expect((await clerk.get(`/api/v1/customers/${xh.id}`)).body.name).toBe('西湖专属客户');
    // and the city account manager above both sees it
    expect((await (await t.as('hz.account')).get(`/api/v1/customers/${xh.id}`)).status).toBe(200);
  });

  it('refuses to create a customer in another county with 403', async () => {
    const res = await clerk.post('/api/v1/customers', {
      accountNo: accountNo(),
      name: '越权',
      elecTypeCode: '202',
      departmentId: 'ZJ-HZ-YH',
    });
    expect(res.status).toBe(403);
  });

  it('updates master data and records who changed what in the audit log', async () => {
    const c = await newCustomer(clerk);
    const res = await clerk.patch(`/api/v1/customers/${c.id}`, { phone: '13911112222', creditGrade: 'C' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ phone: '13911112222', creditGrade: 'C' });
    const audit = await t.platform.db('audit_log').where({ object_type: 'customer', object_id: c.id }).select('action');
    expect(audit.map((a) => a.action).sort()).toEqual(['customer.create', 'customer.update']);
  });

  it('lets an account manager read but not write customers', async () => {
    const manager = await t.as('xh.account');
    const c = await newCustomer(clerk);
    expect((await manager.get(`/api/v1/customers/${c.id}`)).status).toBe(200);
    expect((await manager.patch(`/api/v1/customers/${c.id}`, { name: 'x' })).status).toBe(403);
  });

  it('installs meters and records one reading per meter and period', async () => {
    // given
    const technician = await t.as('xh.meter');
    const c = await newCustomer(clerk);
    const meter = await technician.post(`/api/v1/customers/${c.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '2.0',
      deviceClass: 'V',
      touCapable: true,
      installDate: '2024-01-05',
    });
    expect(meter.status, JSON.stringify(meter.body)).toBe(201);
    expect(meter.body).toMatchObject({ installDate: '2024-01-05', multiplier: '1.00', registerDigits: 6 });
    // when
    const reading = {
      period: '2024-07',
      total: '1234.50',
      peak: '800.25',
      valley: '434.25',
      readAt: '2024-07-31T09:00:00+08:00',
    };
    const first = await technician.post(`/api/v1/meters/${meter.body.id}/readings`, reading);
    const second = await technician.post(`/api/v1/meters/${meter.body.id}/readings`, reading);
    // then
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ total: '1234.50', peak: '800.25', readingType: '01' });
    expect(second.status).toBe(409);
    const list = await technician.get(`/api/v1/meters/${meter.body.id}/readings`);
    expect(list.body.items).toHaveLength(1);
    expect((await technician.get(`/api/v1/customers/${c.id}/meters`)).body.items).toHaveLength(1);
    const bad = await technician.post(`/api/v1/meters/${meter.body.id}/readings`, { ...reading, period: '2024-13' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.period');
    expect((await (await t.as('yh.meter')).get(`/api/v1/meters/${meter.body.id}/readings`)).status).toBe(404);
  });
  it('closes an account only when its bills are settled; the customer stays readable', async () => {
    // given a customer with an unpaid bill
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-07', '10.00', '2024-08-15');
    // when / then
    const refused = await clerk.delete(`/api/v1/customers/${c.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CUSTOMER_HAS_ARREARS');
    await (
      await t.as('xh.collector')
    ).post('/api/v1/payments', {
      customerId: c.id,
      channel: 'counter',
      amount: '10.00',
      paidAt: '2024-08-10T10:00:00+08:00',
      idempotencyKey: `close-${accountNo()}`,
    });
    const closed = await clerk.delete(`/api/v1/customers/${c.id}`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect((await clerk.get(`/api/v1/customers/${c.id}`)).body.status).toBe('closed');
  });
});

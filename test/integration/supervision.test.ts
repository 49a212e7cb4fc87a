import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../server/lib/clock.js';
import type { ApiClient } from '../support/client.js';
import { BACKENDS } from '../support/database.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { newCustomer } from './marketing/accounts.js';
import { completeTaskAt, issueBill } from './processes/marketing-fixtures.js';

type Entry = { customerId: string; accountNo: string; provinceId: string; departmentId: string; level: string };

/**
 * HQ supervision of high-risk customers (DOMAIN.md §7) over HTTP: the versioned industry list,
 * the register and a customer's history, warning orders issued, answered, escalated and closed,
 * group customers and the daily dashboard — each read in the caller's department subtree.
 */
describe.each(BACKENDS)('HQ supervision of high-risk customers (%s)', (backend) => {
  let t: TestPlatform;
  let hq: ApiClient;
  let zj: ApiClient;
  let xhManager: ApiClient;
  let xhAccount: ApiClient;
  const clock = new TestClock('2024-09-02T09:30:00+08:00');
  const c: Record<string, { id: string; accountNo: string }> = {};
  const day = '2024-09-02';

  const drain = () => t.platform.executor.drain();
  const accountsOf = (body: { items: Entry[] }) => body.items.map((i) => i.accountNo).sort();

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    hq = await t.as('hq.supervisor');
    zj = await t.as('zj.manager');
    xhManager = await t.as('xh.manager');
    xhAccount = await t.as('xh.account');
    const xh = await t.as('xh.clerk');
    const yh = await t.as('yh.clerk');
    const jn = await t.as('jn.clerk');
    // Xihu: a steel works owing 1 200 000 (H2, H3: level A), with two years of consumption.
    c.steel = await newCustomer(xh, { elecTypeCode: '400', name: '西湖钢铁厂', hueTradeTypeCode: '101' });
    await issueBill(t, c.steel.id, '2024-07', '1200000.00', '2024-08-15');
    await issueBill(t, c.steel.id, '2024-06', '90000.00', '2024-07-15');
    await t.platform
      .db('bills')
      .where({ customer_id: c.steel.id, period: '2024-06' })
      .update({ paid_amount: '90000.00', status: 'settled' });
    await t.platform
      .db('bills')
      .where({ customer_id: c.steel.id, period: '2024-07' })
      .update({ consumption_kwh: '800000' });
    await t.platform
      .db('bills')
      .where({ customer_id: c.steel.id, period: '2024-06' })
      .update({ consumption_kwh: '750000' });
    // A group: the parent in Xihu, a subsidiary in Jiangning (Jiangsu), 600 000 each.
    c.parent = await newCustomer(xh, { elecTypeCode: '400', name: '钱塘集团', hueTradeTypeCode: '201' });
    c.child = await newCustomer(jn, {
      elecTypeCode: '400',
      name: '钱塘集团江宁分厂',
      hueTradeTypeCode: '201',
      groupParentId: c.parent.id,
    });
    await issueBill(t, c.parent.id, '2024-08', '600000.00', '2024-09-15');
    await issueBill(t, c.child.id, '2024-08', '600000.00', '2024-09-15');
    // Yuhang (another county of Hangzhou): a cement plant with arrears (H2: level C).
    c.cement = await newCustomer(yh, { elecTypeCode: '400', name: '余杭水泥厂', hueTradeTypeCode: '104' });
    await issueBill(t, c.cement.id, '2024-08', '5000.00', '2024-09-15');
    // Jiangning: a paper mill with grade C and arrears aged four months (H4, H5: level B).
    c.paper = await newCustomer(jn, {
      elecTypeCode: '400',
      name: '江宁纸业',
      hueTradeTypeCode: '201',
      creditGrade: 'C',
    });
    await issueBill(t, c.paper.id, '2024-05', '8000.00', '2024-06-15');
    // Not high-risk.
    c.fine = await newCustomer(xh, { elecTypeCode: '400', name: '西溪书店' });
    await issueBill(t, c.fine.id, '2024-08', '300.00', '2024-09-15');
    const screened = await hq.post('/api/v1/risk/screenings', { date: day });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    await drain();
  });
  afterAll(() => t?.close());

  it('the register: filters, paging, and each reader’s subtree only', async () => {
    const all = await hq.get('/api/v1/supervision/register');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.date).toBe(day);
    expect(accountsOf(all.body)).toEqual([c.steel, c.parent, c.cement, c.paper].map((x) => x!.accountNo).sort());
    const steel = all.body.items.find((i: Entry) => i.customerId === c.steel!.id);
    expect(steel).toMatchObject({ level: 'A', rules: ['H2', 'H3'], provinceId: 'ZJ', arrearsTotal: '1200000.00' });
    expect(steel.openWarningId).toBeTruthy();
    // filters
    expect(accountsOf((await hq.get('/api/v1/supervision/register?level=A')).body)).toEqual(
      [c.steel!.accountNo, c.parent!.accountNo].sort(),
    );
    expect(accountsOf((await hq.get('/api/v1/supervision/register?provinceId=JS')).body)).toEqual([c.paper!.accountNo]);
    expect(accountsOf((await hq.get('/api/v1/supervision/register?industry=104')).body)).toEqual([c.cement!.accountNo]);
    expect(accountsOf((await hq.get('/api/v1/supervision/register?minArrears=1000000')).body)).toEqual(
      [c.steel!.accountNo, c.parent!.accountNo].sort(),
    );
    const first = await hq.get('/api/v1/supervision/register?limit=1');
    expect(first.body).toMatchObject({ total: 4, hasMore: true, limit: 1 });
    const second = await hq.get('/api/v1/supervision/register?limit=1&offset=1');
    expect(second.body.items[0].accountNo).not.toBe(first.body.items[0].accountNo);
    // scope: the province sees Zhejiang, a county manager its county only, another province its own
    expect(accountsOf((await zj.get('/api/v1/supervision/register')).body)).toEqual(
      [c.steel, c.parent, c.cement].map((x) => x!.accountNo).sort(),
    );
    expect(accountsOf((await xhManager.get('/api/v1/supervision/register')).body)).toEqual(
      [c.steel!.accountNo, c.parent!.accountNo].sort(),
    );
    expect(accountsOf((await (await t.as('yh.manager')).get('/api/v1/supervision/register')).body)).toEqual([
      c.cement!.accountNo,
    ]);
    expect(accountsOf((await (await t.as('jn.account')).get('/api/v1/supervision/register')).body)).toEqual([
      c.paper!.accountNo,
    ]);
    // bad input: a clear 400; no right: 403
    for (const q of ['level=D', 'minArrears=lots', 'date=2024-02-30', 'provinceId=Z%20J', 'limit=0', 'colour=red']) {
      expect((await hq.get(`/api/v1/supervision/register?${q}`)).status, q).toBe(400);
    }
    expect((await (await t.as('xh.clerk')).get('/api/v1/supervision/register')).status).toBe(403);
  });

  it('a customer’s consumption, recovery, rules and orders; another county’s customer is not there', async () => {
    const res = await hq.get(`/api/v1/supervision/customers/${c.steel!.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      accountNo: c.steel!.accountNo,
      industry: '101',
      screening: { date: day, level: 'A', rules: ['H2', 'H3'], arrearsTotal: '1200000.00' },
    });
    expect(res.body.consumption).toEqual([
      { period: '2024-06', kwh: '750000.00' },
      { period: '2024-07', kwh: '800000.00' },
    ]);
    expect(res.body.recovery).toEqual([
      { period: '2024-06', billed: '90000.00', paid: '90000.00', dueDate: '2024-07-15', paidOn: null, late: false },
      { period: '2024-07', billed: '1200000.00', paid: '0.00', dueDate: '2024-08-15', paidOn: null, late: true },
    ]);
    expect(res.body.latePayments).toBe(1);
    expect(res.body.warnings).toHaveLength(1);
    expect(res.body.warnings[0]).toMatchObject({ level: 'A', status: 'open' });
    expect((await xhManager.get(`/api/v1/supervision/customers/${c.steel!.id}`)).status).toBe(200);
    expect((await xhManager.get(`/api/v1/supervision/customers/${c.cement!.id}`)).status).toBe(404);
    expect((await zj.get(`/api/v1/supervision/customers/${c.paper!.id}`)).status).toBe(404);
    expect((await hq.get('/api/v1/supervision/customers/not-an-id')).status).toBe(400);
  });

  it('warning orders: answered by the county, escalated and closed by HQ through the order’s tasks, issued again by HQ', async () => {
    const open = await hq.get('/api/v1/supervision/warnings?state=open');
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body.items.map((w: { accountNo: string }) => w.accountNo).sort()).toEqual(
      [c.steel, c.parent, c.cement, c.paper].map((x) => x!.accountNo).sort(),
    );
    expect((await hq.get('/api/v1/supervision/warnings?level=B')).body.items.map((w: Entry) => w.accountNo)).toEqual([
      c.paper!.accountNo,
    ]);
    expect(
      (await xhManager.get('/api/v1/supervision/warnings')).body.items.map((w: Entry) => w.accountNo).sort(),
    ).toEqual([c.steel!.accountNo, c.parent!.accountNo].sort());
    expect((await hq.get('/api/v1/supervision/warnings?state=late')).status).toBe(400);

    const steelId = open.body.items.find((w: Entry) => w.accountNo === c.steel!.accountNo).id as string;
    const detail = async (client: ApiClient = hq) => {
      const res = await client.get(`/api/v1/supervision/warnings/${steelId}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const opened = await detail(xhAccount);
    expect(opened.openTasks.map((x: { elementId: string }) => x.elementId)).toEqual(['RW_MEASURE']);
    expect((await (await t.as('yh.manager')).get(`/api/v1/supervision/warnings/${steelId}`)).status).toBe(404);
    const instanceId = opened.instanceId as string;
    // the county answers with the measure and evidence
    await completeTaskAt(t, xhAccount, instanceId, 'RW_MEASURE', {
      tactic: '3',
      measure: '签订预付电费协议',
      evidence: '协议 XH-2024-001',
    });
    await drain();
    const answered = await detail();
    expect(answered).toMatchObject({ status: 'reported', tactic: 3, measureCompliant: true });
    expect(answered.openTasks.map((x: { elementId: string }) => x.elementId)).toEqual(['RW_REVIEW']);
    expect(
      (await hq.get('/api/v1/supervision/warnings?state=answered')).body.items.map((w: Entry) => w.accountNo),
    ).toEqual([c.steel!.accountNo]);
    // HQ escalates (督办): the county's manager rectifies; then HQ closes
    await completeTaskAt(t, hq, instanceId, 'RW_REVIEW', { reviewDecision: 'escalate', hqComment: '请提供付款凭证' });
    await drain();
    const escalated = await detail();
    expect(escalated).toMatchObject({ status: 'escalated', escalations: 1 });
    expect(escalated.openTasks.map((x: { elementId: string }) => x.elementId)).toEqual(['RW_SUPERVISED']);
    // decided in the worklist, not on the order's page: still one entry of the order's history
    expect(escalated.escalationHistory).toMatchObject([
      { stage: 'review', reason: '请提供付款凭证', escalatedBy: 'hq.supervisor', notified: null },
    ]);
    await completeTaskAt(t, xhManager, instanceId, 'RW_SUPERVISED', {
      tactic: '3',
      measure: '已预付 30 万元',
      evidence: '银行回单',
    });
    await drain();
    await completeTaskAt(t, hq, instanceId, 'RW_REVIEW', { reviewDecision: 'close', hqComment: '关闭' });
    await drain();
    const closed = await detail();
    expect(closed.status).toBe('closed');
    expect(closed.openTasks).toEqual([]);
    const kinds = closed.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('opened');
    expect(kinds.at(-1)).toBe('closed');
    expect(kinds.filter((k: string) => k === 'task-completed')).toHaveLength(4);

    // HQ issues a new order for the register customer; not a second one beside it
    expect((await xhManager.post('/api/v1/supervision/warnings', { customerId: c.steel!.id })).status).toBe(403);
    const issued = await hq.post('/api/v1/supervision/warnings', { customerId: c.steel!.id });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({ accountNo: c.steel!.accountNo, level: 'A', status: 'open' });
    await drain();
    expect((await hq.get(`/api/v1/supervision/warnings/${issued.body.id}`)).body.openTasks[0].elementId).toBe(
      'RW_MEASURE',
    );
    const again = await hq.post('/api/v1/supervision/warnings', { customerId: c.steel!.id });
    expect(again.status).toBe(409);
    expect((await hq.post('/api/v1/supervision/warnings', { customerId: c.fine!.id })).status).toBe(404);
    expect((await hq.post('/api/v1/supervision/warnings', { customerId: 'x' })).status).toBe(400);
    const audit = await t.platform.db('audit_log').where({ action: 'risk-warning.issue', object_id: issued.body.id });
    expect(audit).toHaveLength(1);
  });

  it('HQ escalates (督办) an open, unanswered order: counted, kept in its history, audited, the answering staff notified', async () => {
    const open = await hq.get('/api/v1/supervision/warnings?state=open');
    const cement = open.body.items.find((w: Entry) => w.accountNo === c.cement!.accountNo);
    const url = `/api/v1/supervision/warnings/${cement.id}/escalations`;
    // only HQ; a reason is required
    expect((await zj.post(url, { reason: '请尽快反馈' })).status).toBe(403);
    expect((await hq.post(url, {})).status).toBe(400);
    expect((await hq.post(url, { reason: ' ' })).status).toBe(400);
    expect(
      (
        await hq.post('/api/v1/supervision/warnings/00000000-0000-4000-8000-000000000000/escalations', {
          reason: '请反馈',
        })
      ).status,
    ).toBe(404);

    // given an order still waiting for the county's measure, when HQ escalates it
    const first = await hq.post(url, { reason: '请三日内反馈处置措施' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // then it is escalated and counted, still at the county's measure, with its history
    expect(first.body).toMatchObject({ status: 'escalated', escalations: 1 });
    expect(first.body.openTasks.map((x: { elementId: string }) => x.elementId)).toEqual(['RW_MEASURE']);
    expect(first.body.escalationHistory).toEqual([
      expect.objectContaining({
        stage: 'answer',
        reason: '请三日内反馈处置措施',
        escalatedBy: 'hq.supervisor',
        notified: 3,
      }),
    ]);
    expect(first.body.timeline).toContainEqual(
      expect.objectContaining({ kind: 'escalated', what: '请三日内反馈处置措施', who: 'hq.supervisor' }),
    );
    // the county's, city's and province's account managers are notified; nobody of another county or province
    // the notice's key names its escalation and its recipient (users.id)
    const escalationNotices = async (where: Record<string, string>) => {
      const rows = (await t.platform
        .db('notifications')
        .where({ template: 'risk_warning_escalated', ...where })
        .select('idempotency_key', 'body')) as { idempotency_key: string; body: string }[];
      const users = new Map(
        ((await t.platform.db('users').select('id', 'username')) as { id: string; username: string }[]).map((u) => [
          u.id,
          u.username,
        ]),
      );
      return rows
        .map((r) => ({ username: users.get(r.idempotency_key.split(':')[2] ?? '') ?? '?', body: r.body }))
        .sort((a, b) => a.username.localeCompare(b.username) || a.body.localeCompare(b.body));
    };
    const notices = () => escalationNotices({ instance_id: cement.instanceId });
    expect((await notices()).map((n) => n.username)).toEqual(['hz.account', 'yh.account', 'zj.account']);
    expect((await notices())[0]!.body).toContain('请三日内反馈处置措施');
    expect(
      await t.platform.db('audit_log').where({ action: 'risk-warning.escalate', object_id: cement.id }),
    ).toHaveLength(1);
    // the county reads the same history; the order still counts as open
    const county = await (await t.as('yh.manager')).get(`/api/v1/supervision/warnings/${cement.id}`);
    expect(county.body.escalationHistory).toHaveLength(1);
    expect(
      (await hq.get('/api/v1/supervision/warnings?state=open')).body.items.map((w: Entry) => w.accountNo),
    ).toContain(c.cement!.accountNo);

    // pressed again: the count and the notices say the second time
    const second = await hq.post(url, { reason: '仍未反馈，再次督办' });
    expect(second.body).toMatchObject({ status: 'escalated', escalations: 2 });
    expect(second.body.escalationHistory.map((e: { reason: string }) => e.reason)).toEqual([
      '请三日内反馈处置措施',
      '仍未反馈，再次督办',
    ]);
    expect((await notices()).filter((n) => n.body.includes('第2次'))).toHaveLength(3);

    // answered: HQ's escalation is the review's decision, the department manager rectifies
    const yhAccount = await t.as('yh.account');
    await completeTaskAt(t, yhAccount, cement.instanceId, 'RW_MEASURE', {
      tactic: '9',
      measure: '列入重点监控',
      evidence: '监控台账',
    });
    const third = await hq.post(url, { reason: '措施不足，督办整改' });
    expect(third.status, JSON.stringify(third.body)).toBe(201);
    await drain();
    const rectifying = (await hq.get(`/api/v1/supervision/warnings/${cement.id}`)).body;
    expect(rectifying).toMatchObject({ status: 'escalated', escalations: 3 });
    expect(rectifying.openTasks.map((x: { elementId: string }) => x.elementId)).toEqual(['RW_SUPERVISED']);
    expect(
      rectifying.escalationHistory.map((e: { stage: string; notified: number | null }) => [e.stage, e.notified]),
    ).toEqual([
      ['answer', 3],
      ['answer', 3],
      ['review', null],
    ]);

    // a group's order: each province's answering staff
    const group = open.body.items.find((w: Entry) => w.accountNo === c.parent!.accountNo);
    const pressed = await hq.post(`/api/v1/supervision/warnings/${group.id}/escalations`, { reason: '两省均未反馈' });
    expect(pressed.status, JSON.stringify(pressed.body)).toBe(201);
    expect(pressed.body.escalationHistory).toEqual([expect.objectContaining({ stage: 'answer', notified: 2 })]);
    const groupNotices = (await escalationNotices({}))
      .filter((n) => n.body.includes('两省均未反馈'))
      .map((n) => n.username);
    expect(groupNotices).toEqual(['js.account', 'zj.account']);

    // a closed order is not escalated
    const closed = await t.platform
      .db('risk_warnings')
      .where({ customer_id: c.steel!.id, status: 'closed' })
      .first('id');
    const refused = await hq.post(`/api/v1/supervision/warnings/${closed.id}/escalations`, { reason: '已关闭' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WARNING_CLOSED');
  });

  it('the province filter comes from the department tree: a new province appears, an unknown one is a 400', async () => {
    const ids = (body: { items: { id: string }[] }) => body.items.map((p) => p.id);
    const all = await hq.get('/api/v1/supervision/provinces');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items).toEqual([
      { id: 'JS', name: expect.any(String), nameEn: expect.any(String) },
      { id: 'ZJ', name: expect.any(String), nameEn: expect.any(String) },
    ]);
    expect(ids((await zj.get('/api/v1/supervision/provinces')).body)).toEqual(['ZJ']);
    expect(ids((await xhManager.get('/api/v1/supervision/provinces')).body)).toEqual(['ZJ']);
    expect((await (await t.as('xh.clerk')).get('/api/v1/supervision/provinces')).status).toBe(403);

    for (const path of ['/api/v1/supervision/register', '/api/v1/supervision/warnings']) {
      const unknown = await hq.get(`${path}?provinceId=XX`);
      expect(unknown.status, path).toBe(400);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_PROVINCE', errors: [{ field: 'query.provinceId' }] });
      // a city is no province
      expect((await hq.get(`${path}?provinceId=ZJ-HZ`)).status, path).toBe(400);
    }

    // a province added to the tree is a filter at once, without a release
    await t.platform.db('departments').insert({
      id: 'AH',
      parent_id: 'HQ',
      name: '安徽省电力公司',
      name_en: 'Anhui',
      level: 'province',
      path: '/HQ/AH/',
    });
    expect(ids((await hq.get('/api/v1/supervision/provinces')).body)).toEqual(['AH', 'JS', 'ZJ']);
    const anhui = await hq.get('/api/v1/supervision/register?provinceId=AH');
    expect(anhui.status, JSON.stringify(anhui.body)).toBe(200);
    expect(anhui.body.items).toEqual([]);
    expect((await hq.get('/api/v1/supervision/warnings?provinceId=AH')).status).toBe(200);
  });

  it('groups: the tree with rolled-up arrears and kWh, members moved and removed, cycles refused', async () => {
    const list = await hq.get('/api/v1/supervision/groups');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ customerId: c.parent!.id, members: 2 })]);
    const tree = await hq.get(`/api/v1/supervision/groups/${c.child!.id}`);
    expect(tree.status).toBe(200);
    expect(tree.body.totals).toEqual({ members: 2, provinces: ['JS', 'ZJ'], arrears: '1200000.00', kwh12: '0.00' });
    expect(tree.body.root).toMatchObject({
      accountNo: c.parent!.accountNo,
      arrears: '600000.00',
      rolledArrears: '1200000.00',
    });
    // the steel works joins under the Jiangning subsidiary: three levels
    const moved = await hq.put(`/api/v1/supervision/groups/members/${c.steel!.accountNo}`, {
      parentAccountNo: c.child!.accountNo,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.totals).toMatchObject({ members: 3, arrears: '2400000.00', kwh12: '1550000.00' });
    expect(moved.body.root.children[0]).toMatchObject({ accountNo: c.child!.accountNo, rolledArrears: '1800000.00' });
    // the parent under its own grandchild, or under itself: a cycle, refused, nothing changed
    const cycle = await hq.put(`/api/v1/supervision/groups/members/${c.parent!.accountNo}`, {
      parentAccountNo: c.steel!.accountNo,
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.code).toBe('GROUP_CYCLE');
    const self = await hq.put(`/api/v1/supervision/groups/members/${c.parent!.accountNo}`, {
      parentAccountNo: c.parent!.accountNo,
    });
    expect(self.body.code).toBe('GROUP_CYCLE');
    expect((await t.platform.db('customers').where({ id: c.parent!.id }).first()).group_parent_id).toBeNull();
    expect(
      (await hq.put(`/api/v1/supervision/groups/members/${c.steel!.accountNo}`, { parentAccountNo: 'NOPE' })).status,
    ).toBe(400);
    expect((await hq.put('/api/v1/supervision/groups/members/NOPE', { parentAccountNo: null })).status).toBe(404);
    expect((await hq.put(`/api/v1/supervision/groups/members/${c.steel!.accountNo}`, {})).status).toBe(400);
    // taken out again
    const removed = await hq.put(`/api/v1/supervision/groups/members/${c.steel!.accountNo}`, { parentAccountNo: null });
    expect(removed.status).toBe(200);
    expect((await hq.get(`/api/v1/supervision/groups/${c.parent!.id}`)).body.totals.members).toBe(2);
    expect(await t.platform.db('audit_log').where({ action: 'risk-group.set-parent' })).toHaveLength(2);
    // HQ's work: provinces may not
    expect((await zj.get('/api/v1/supervision/groups')).status).toBe(403);
    expect(
      (await zj.put(`/api/v1/supervision/groups/members/${c.steel!.accountNo}`, { parentAccountNo: null })).status,
    ).toBe(403);
  });

  it('the dashboard: counts by province, industry and level, the trend and the 1 000 000-yuan list', async () => {
    const res = await hq.get(`/api/v1/supervision/dashboard?date=${day}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.date).toBe(day);
    expect(res.body.totals.highRisk).toBe(4);
    expect(res.body.byProvince.map((r: { key: string; highRisk: number }) => [r.key, r.highRisk])).toEqual([
      ['JS', 1],
      ['ZJ', 3],
    ]);
    expect(res.body.byLevel.map((r: { key: string; highRisk: number }) => [r.key, r.highRisk])).toEqual([
      ['A', 2],
      ['B', 1],
      ['C', 1],
    ]);
    expect(res.body.trend).toEqual([expect.objectContaining({ date: day, highRisk: 4 })]);
    expect(
      res.body.bigArrears.map((g: { industry: string; arrearsCurrentYear: string; customers: unknown[] }) => [
        g.industry,
        g.arrearsCurrentYear,
        g.customers.length,
      ]),
    ).toEqual([
      ['101', '1200000.00', 1],
      ['201', '1200000.00', 1],
    ]);
    const province = await zj.get(`/api/v1/supervision/dashboard?date=${day}`);
    expect(province.body.byProvince.map((r: { key: string }) => r.key)).toEqual(['ZJ']);
    expect(province.body.totals.highRisk).toBe(3);
    const county = await xhManager.get(`/api/v1/supervision/dashboard?date=${day}`);
    expect(
      county.body.bigArrears.flatMap((g: { customers: Entry[] }) => g.customers.map((x) => x.accountNo)).sort(),
    ).toEqual([c.steel!.accountNo, c.parent!.accountNo].sort());
    expect((await hq.get('/api/v1/supervision/dashboard?date=yesterday')).status).toBe(400);
    expect((await (await t.as('xh.clerk')).get('/api/v1/supervision/dashboard')).status).toBe(403);
  });

  it('the industry list: HQ drafts and publishes a version, provinces read the published one, the screening uses it', async () => {
    const before = await zj.get('/api/v1/supervision/industries');
    expect(before.status).toBe(200);
    expect(before.body.published).toMatchObject({ version: 1, status: 'published' });
    expect(before.body.published.industries).toHaveLength(14);
    expect(before.body.draft).toBeNull();
    const industries = before.body.published.industries.map((i: { code: string; differentialPrice: boolean }) =>
      i.code === '201' ? { ...i, differentialPrice: true, policyNotes: '02 产能过剩' } : i,
    );
    // provinces read only; bad drafts are refused and change nothing
    expect((await zj.put('/api/v1/supervision/industries/draft', { industries })).status).toBe(403);
    expect((await zj.post('/api/v1/supervision/industries/publish', {})).status).toBe(403);
    const dup = await hq.put('/api/v1/supervision/industries/draft', { industries: [...industries, industries[0]] });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('DUPLICATE_INDUSTRY');
    expect((await hq.put('/api/v1/supervision/industries/draft', { industries: [] })).status).toBe(400);
    expect(
      (await hq.put('/api/v1/supervision/industries/draft', { industries: [{ ...industries[0], code: '1O1' }] }))
        .status,
    ).toBe(400);
    expect((await hq.post('/api/v1/supervision/industries/publish', {})).status).toBe(409);
    expect((await hq.get('/api/v1/supervision/industries')).body.draft).toBeNull();
    // the draft is HQ's until published
    const draft = await hq.put('/api/v1/supervision/industries/draft', { industries, note: '造纸列入差别电价' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body).toMatchObject({ version: 2, status: 'draft' });
    expect((await zj.get('/api/v1/supervision/industries')).body.draft).toBeNull();
    expect((await hq.get('/api/v1/supervision/industries')).body.draft.version).toBe(2);
    const published = await hq.post('/api/v1/supervision/industries/publish', {});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ version: 2, status: 'published', publishedBy: 'hq.supervisor' });
    const after = await zj.get('/api/v1/supervision/industries');
    expect(after.body.published.version).toBe(2);
    expect(after.body.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    expect(
      await t.platform.db('audit_log').whereIn('action', ['risk-industries.draft', 'risk-industries.publish']),
    ).toHaveLength(2);
    // paper (201) is now a differential-price industry: the group's parent trips H2 too
    const next = '2024-09-03';
    expect((await hq.post('/api/v1/risk/screenings', { date: next })).status).toBe(200);
    const row = await t.platform.db('risk_screenings').where({ screen_date: next, customer_id: c.parent!.id }).first();
    expect(row.rules).toContain('H2');
  });
});

import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArrears, zero, type DepartmentFigures } from '../../server/reports/collection.report.js';
import type { ApiClient } from '../support/client.js';
import { BACKENDS } from '../support/database.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Row = Record<string, string | number | null>;

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';
const WORKLOAD_KEY = 'report-test-workload';

let sequence = 0;
function accountNo(): string {
  sequence += 1;
  return `RPT${String(Date.now() % 1000000).padStart(6, '0')}${String(sequence).padStart(3, '0')}`;
}

describe.each(BACKENDS)('report centre /api/v1/reports (%s)', (backend) => {
  let t: TestPlatform;
  let province: ApiClient;
  let xhManager: ApiClient;
  let yhManager: ApiClient;

  const db = () => t.platform.services.db;

  async function customer(departmentId: string, elecTypeCode: string, tariffCode: string | null) {
    const id = randomUUID();
    await db()('customers').insert({
      id,
      account_no: accountNo(),
      name: '报表测试客户',
      department_id: departmentId,
      elec_type_code: elecTypeCode,
      tariff_code: tariffCode,
    });
    return id;
  }

  async function bill(
    customerId: string,
    fields: { period: string; total: string; status: string; dueDate?: string | null; paid?: string } & Record<
      string,
      unknown
    >,
  ) {
    const { period, total, status, dueDate, paid, ...rest } = fields;
    await db()('bills').insert({
      id: randomUUID(),
      customer_id: customerId,
      period,
      total,
      status,
      due_date: dueDate ?? null,
      paid_amount: paid ?? '0',
      issued_by: 'report-test',
      ...rest,
    });
  }

  async function instance(fields: {
    departmentId: string;
    acceptClass?: string;
    variables?: Record<string, string>;
    status: string;
    startedAt: string;
    endedAt?: string;
    dueAt?: string;
    key?: string;
  }) {
    const definition = await db()('process_definitions')
      .where({ key: fields.key === 'meter-verification' ? 'meter-verification' : 'new-connection' })
      .orderBy('version', 'desc')
      .first<{ id: string; version: number }>('id', 'version');
    const id = randomUUID();
    await db()('process_instances').insert({
      id,
      definition_id: definition.id,
      definition_key: fields.key ?? 'new-connection',
      definition_version: definition.version,
      department_id: fields.departmentId,
      status: fields.status,
      variables: JSON.stringify(fields.variables ?? { acceptClass: fields.acceptClass }),
      started_by: 'report-test',
      started_at: fields.startedAt,
      ended_at: fields.endedAt ?? null,
      due_at: fields.dueAt ?? null,
    });
    return { id, definitionId: definition.id };
  }

  async function task(
    owner: { id: string; definitionId: string },
    fields: { departmentId: string; elementId: string; assignee: string | null; status?: string; dueAt?: string },
  ) {
    await db()('tasks').insert({
      id: randomUUID(),
      instance_id: owner.id,
      definition_id: owner.definitionId,
      definition_key: WORKLOAD_KEY,
      element_id: fields.elementId,
      execution_id: randomUUID(),
      name: fields.elementId === 'A01' ? '业务受理 Acceptance' : '现场勘查 Site survey',
      assignee: fields.assignee,
      status: fields.status ?? 'open',
      department_id: fields.departmentId,
      due_at: fields.dueAt ?? null,
      created_at: '2019-05-01T02:00:00Z',
    });
  }

  /** A file download as bytes (the test client reads bodies as text), through a session of its own. */
  async function download(username: string, path: string) {
    const login = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo1234' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await fetch(`${t.url}${path}`, { headers: { cookie } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  const get = async (client: ApiClient, path: string) => {
    const res = await client.get(path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { columns: { id: string; type: string }[]; rows: Row[]; totals: Row; parameters: Row };
  };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    province = await t.as('zj.manager');
    xhManager = await t.as('xh.manager');
    yhManager = await t.as('yh.manager');

    // new connections received in 2018 (Asia/Shanghai days)
    await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'completed',
      startedAt: '2018-03-01T02:00:00Z',
      endedAt: '2018-03-05T02:00:00Z',
      dueAt: '2018-03-10T02:00:00Z',
    });
    await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'completed',
      startedAt: '2018-03-01T02:00:00Z',
      endedAt: '2018-03-20T02:00:00Z',
      dueAt: '2018-03-10T02:00:00Z',
    });
    await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'running',
      startedAt: '2018-05-01T02:00:00Z',
      dueAt: '2099-01-01T00:00:00Z',
    });
    await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'running',
      startedAt: '2018-05-01T02:00:00Z',
      dueAt: '2018-06-01T00:00:00Z',
    });
    await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'cancelled',
      startedAt: '2018-07-01T02:00:00Z',
      endedAt: '2018-07-02T02:00:00Z',
      dueAt: '2018-07-10T00:00:00Z',
    });
    await instance({ departmentId: YH, acceptClass: '03', status: 'running', startedAt: '2018-12-31T15:59:59Z' });
    // 2018-01-01 00:00 in Shanghai is in the period, one second earlier is not
    await instance({
      departmentId: YH,
      acceptClass: '03',
      status: 'completed',
      startedAt: '2017-12-31T16:00:00Z',
      endedAt: '2018-02-01T00:00:00Z',
      dueAt: '2018-03-01T00:00:00Z',
    });
    await instance({
      departmentId: YH,
      acceptClass: '03',
      status: 'completed',
      startedAt: '2017-12-31T15:59:59Z',
      endedAt: '2018-02-01T00:00:00Z',
      dueAt: '2018-03-01T00:00:00Z',
    });
    await instance({ departmentId: YH, acceptClass: '03', status: 'running', startedAt: '2018-12-31T16:00:00Z' });

    // billing in 2020
    const c = await customer(XH, '202', 'ZJ-RES');
    const d = await customer(XH, '400', 'ZJ-GC');
    const e = await customer(YH, '202', 'ZJ-RES');
    const internal = await customer(XH, '000', 'ZJ-RES');
    const flags = (...rules: [number, string][]) =>
      JSON.stringify(rules.map(([rule, code]) => ({ rule, code, message: code })));
    await bill(c, {
      period: '2020-01',
      total: '53.80',
      status: 'issued',
      dueDate: '2020-02-15',
      consumption_kwh: '100.00',
    });
    await bill(c, {
      period: '2020-02',
      total: '30.00',
      status: 'held',
      consumption_kwh: '50.00',
      audit_flags: flags([3, 'MONTH_ON_MONTH_DEVIATION'], [13, 'FIRST_BILL']),
    });
    await bill(c, {
      period: '2020-01',
      total: '10.00',
      status: 'issued',
      dueDate: '2020-02-15',
      kind: 'adjustment',
      source_key: randomUUID(),
    });
    await bill(d, {
      period: '2020-01',
      total: '120.50',
      status: 'settled',
      paid: '120.50',
      dueDate: '2020-02-15',
      lines: JSON.stringify([
        { type: '01', label: '电度电费', quantity: '150.00', unitPrice: '0.70', amount: '105.00' },
        { type: '04', label: '基金', quantity: '150.00', unitPrice: '0.1033', amount: '15.50' },
      ]),
    });
    await bill(d, {
      period: '2020-02',
      total: '99.99',
      status: 'issued',
      dueDate: '2020-03-15',
      consumption_kwh: '120.25',
      audit_flags: flags([3, 'MONTH_ON_MONTH_DEVIATION']),
    });
    await bill(e, {
      period: '2020-02',
      total: '26.90',
      status: 'issued',
      dueDate: '2020-03-15',
      consumption_kwh: '50.00',
    });
    await bill(e, {
      period: '2020-03',
      total: '99.00',
      status: 'issued',
      dueDate: '2020-04-15',
      consumption_kwh: '90.00',
    });
    await bill(internal, {
      period: '2020-01',
      total: '1000.00',
      status: 'issued',
      dueDate: '2020-02-15',
      consumption_kwh: '999.00',
    });

    // collection: 2019-03..2019-04, arrears as of 2019-04-30
    const a = await customer(XH, '202', 'ZJ-RES');
    const b = await customer(YH, '400', 'ZJ-GC');
    await bill(a, { period: '2018-11', total: '50.00', status: 'issued', dueDate: '2018-12-15' });
    await bill(a, { period: '2019-03', total: '100.00', status: 'issued', dueDate: '2019-04-15' });
    await bill(a, { period: '2019-04', total: '80.00', status: 'settled', paid: '80.00', dueDate: '2019-05-15' });
    await bill(b, { period: '2019-04', total: '300.00', status: 'issued', dueDate: '2019-04-25' });

    // workload: open tasks of a process of their own
    const xhInstance = await instance({
      departmentId: XH,
      acceptClass: '01',
      status: 'running',
      startedAt: '2019-05-01T02:00:00Z',
      key: WORKLOAD_KEY,
    });
    const yhInstance = await instance({
      departmentId: YH,
      acceptClass: '01',
      status: 'running',
      startedAt: '2019-05-01T02:00:00Z',
      key: WORKLOAD_KEY,
    });
    await task(xhInstance, { departmentId: XH, elementId: 'A01', assignee: 'xh.clerk', dueAt: '2000-01-01T00:00:00Z' });
    await task(xhInstance, { departmentId: XH, elementId: 'A01', assignee: 'xh.clerk', dueAt: '2099-01-01T00:00:00Z' });
    await task(xhInstance, { departmentId: XH, elementId: 'A01', assignee: null });
    await task(xhInstance, {
      departmentId: XH,
      elementId: 'A01',
      assignee: 'xh.clerk',
      status: 'completed',
      dueAt: '2000-01-01T00:00:00Z',
    });
    await task(yhInstance, {
      departmentId: YH,
      elementId: 'A02',
      assignee: 'yh.surveyor',
      dueAt: '2000-01-01T00:00:00Z',
    });

    // meter tests started in 2016
    const mv = (departmentId: string, origin: string, status: string, extra: Record<string, string> = {}) =>
      instance({
        departmentId,
        key: 'meter-verification',
        variables: { origin, ...extra },
        status,
        startedAt: '2016-04-01T02:00:00Z',
        endedAt: status === 'completed' ? '2016-04-05T02:00:00Z' : undefined,
        dueAt: '2016-04-08T00:00:00Z',
      });
    await mv(XH, 'customer', 'completed', { testResult: 'fail' });
    await mv(XH, 'customer', 'completed', { testResult: 'pass' });
    await mv(XH, 'customer', 'running');
    await mv(XH, 'periodic', 'completed', { testResult: 'pass' });

    // high-risk daily statistics of June 2017
    await db()('risk_daily_stats').insert([
      {
        stat_date: '2017-05-31',
        province_id: 'ZJ',
        industry: '101',
        level: 'A',
        high_risk: 9,
        open_warnings: 9,
        overdue_warnings: 9,
        arrears_total: '9.00',
      },
      {
        stat_date: '2017-06-01',
        province_id: 'ZJ',
        industry: '101',
        level: 'A',
        high_risk: 3,
        open_warnings: 2,
        overdue_warnings: 1,
        arrears_total: '3500000.00',
      },
      {
        stat_date: '2017-06-01',
        province_id: 'JS',
        industry: '-',
        level: 'C',
        high_risk: 1,
        open_warnings: 1,
        overdue_warnings: 0,
        arrears_total: '0.00',
      },
      {
        stat_date: '2017-06-02',
        province_id: 'ZJ',
        industry: '104',
        level: 'B',
        high_risk: 2,
        open_warnings: 2,
        overdue_warnings: 2,
        arrears_total: '1200000.50',
      },
    ]);
  });
  afterAll(() => t?.close());

  it('lists the catalogue in the list envelope, names in zh and en, with each report’s parameters', async () => {
    const res = await province.get('/api/v1/reports');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = res.body.items.map((r: { id: string }) => r.id);
    // Reports of other folders (the grid's) are appended after these.
    expect(ids.slice(0, 8)).toEqual([
      'new-connections',
      'billing',
      'billing-holds',
      'collection',
      'arrears-detail',
      'workload',
      'meter-verification',
      'high-risk',
    ]);
    expect(res.body).toMatchObject({ total: ids.length, totalCapped: false, offset: 0, hasMore: false });
    const billing = res.body.items[1];
    expect(billing.name).toEqual({ zh: '电量电费统计', en: 'Energy and revenue billed' });
    expect(billing.parameters.map((p: { id: string }) => p.id)).toEqual(['from', 'to', 'departmentId']);
    expect(res.body.items[5].parameters.map((p: { id: string }) => p.id)).toEqual(['departmentId']);
    expect(res.body.items[4].parameters.map((p: { id: string }) => p.id)).toEqual(['to', 'departmentId', 'category']);
  });

  it('is declared in the OpenAPI document with report:read, JSON and the two file types', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const op = doc.paths['/api/v1/reports/{id}'].get;
    expect(op['x-permission']).toBe('report:read');
    expect(Object.keys(op.responses['200'].content).sort()).toEqual([
      'application/json',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
    expect(doc.paths['/api/v1/reports'].get['x-permission']).toBe('report:read');
  });

  it('refuses staff without report:read', async () => {
    const clerk = await t.as('xh.clerk');
    expect((await clerk.get('/api/v1/reports')).status).toBe(403);
    expect((await clerk.get('/api/v1/reports/workload')).status).toBe(403);
  });

  it('counts new connections received in the period by class and department, within and over their deadline', async () => {
    const report = await get(province, '/api/v1/reports/new-connections?from=2018-01-01&to=2018-12-31');
    expect(report.parameters).toEqual({ from: '2018-01-01', to: '2018-12-31' });
    expect(report.rows).toEqual([
      {
        customerClass: '01',
        customerClassName: '低压居民',
        departmentId: XH,
        department: '西湖区供电分公司',
        received: 5,
        completed: 2,
        inProgress: 2,
        withinDeadline: 2,
        overDeadline: 2,
        onTimeRate: '0.5000',
      },
      {
        customerClass: '03',
        customerClassName: '高压单电源',
        departmentId: YH,
        department: '余杭区供电分公司',
        received: 2,
        completed: 1,
        inProgress: 1,
        withinDeadline: 1,
        overDeadline: 0,
        onTimeRate: '1.0000',
      },
    ]);
    expect(report.totals).toMatchObject({
      received: 7,
      completed: 3,
      inProgress: 3,
      withinDeadline: 3,
      overDeadline: 2,
      onTimeRate: '0.6000',
    });
    const english = await get(province, '/api/v1/reports/new-connections?from=2018-01-01&to=2018-12-31&lang=en');
    expect(english.rows[0]).toMatchObject({ customerClassName: 'LV residential', department: 'Xihu County Office' });
  });

  it('sums kWh and revenue by category and tariff, held bills beside them, without internal customers or adjustments', async () => {
    const report = await get(province, '/api/v1/reports/billing?from=2020-01-01&to=2020-02-29');
    expect(report.rows).toEqual([
      {
        category: '202',
        categoryName: '居民生活（城镇）',
        tariff: 'ZJ-RES',
        bills: 2,
        kwh: '150.00',
        revenue: '80.70',
        heldBills: 1,
        heldAmount: '30.00',
      },
      {
        category: '400',
        categoryName: '一般工商业',
        tariff: 'ZJ-GC',
        bills: 2,
        kwh: '270.25',
        revenue: '220.49',
        heldBills: 0,
        heldAmount: '0.00',
      },
    ]);
    expect(report.totals).toEqual({
      category: null,
      categoryName: null,
      tariff: null,
      bills: 4,
      kwh: '420.25',
      revenue: '301.19',
      heldBills: 1,
      heldAmount: '30.00',
    });
  });

  it('counts the bills each audit rule held, and each bill once in the totals', async () => {
    const report = await get(province, '/api/v1/reports/billing-holds?from=2020-01-01&to=2020-02-29');
    expect(report.rows).toEqual([
      {
        rule: 3,
        code: 'MONTH_ON_MONTH_DEVIATION',
        ruleName: '环比电量异常',
        flaggedBills: 2,
        stillHeld: 1,
        amount: '129.99',
      },
      { rule: 13, code: 'FIRST_BILL', ruleName: '首次发行', flaggedBills: 1, stillHeld: 1, amount: '30.00' },
    ]);
    expect(report.totals).toMatchObject({ rule: null, flaggedBills: 2, stillHeld: 1, amount: '129.99' });
  });

  it('compares billed with collected and ages the arrears on the last day, with the late fees accrued', async () => {
    const report = await get(province, '/api/v1/reports/collection?from=2019-03-01&to=2019-04-30');
    // Xihu: billed 100.00 + 80.00, collected 80.00; arrears 100.00 (2019-03) and 50.00 (2018-11);
    // residential 1 ‰ a day: 15 days × 100.00 = 1.50, and 136 days (16 Dec – 30 Apr) × 50.00 = 6.80.
    // Yuhang: 300.00 billed and unpaid in the current month; 2 ‰ a day × 5 days = 3.00.
    expect(report.rows).toEqual([
      {
        departmentId: XH,
        department: '西湖区供电分公司',
        billed: '180.00',
        collected: '80.00',
        recoveryRate: '0.4444',
        arrearsCurrentMonth: '0.00',
        arrearsEarlierThisYear: '100.00',
        arrearsPriorYears: '50.00',
        arrearsTotal: '150.00',
        lateFees: '8.30',
      },
      {
        departmentId: YH,
        department: '余杭区供电分公司',
        billed: '300.00',
        collected: '0.00',
        recoveryRate: '0.0000',
        arrearsCurrentMonth: '300.00',
        arrearsEarlierThisYear: '0.00',
        arrearsPriorYears: '0.00',
        arrearsTotal: '300.00',
        lateFees: '3.00',
      },
    ]);
    expect(report.totals).toMatchObject({
      billed: '480.00',
      collected: '80.00',
      recoveryRate: '0.1667',
      arrearsTotal: '450.00',
      lateFees: '11.30',
    });
  });

  it('reads the arrears in rounds of customers and adds up the same, whatever the round size', async () => {
    const totals = async (perRound: number) => {
      const figures = new Map<string, DepartmentFigures>();
      const of = (id: string) => figures.get(id) ?? figures.set(id, zero()).get(id)!;
      await addArrears(db(), { all: false, departmentIds: [XH, YH] }, '2019-04-30', of, perRound);
      return [...figures.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, f]) => [
          id,
          f.earlierThisYear.plus(f.priorYears).plus(f.currentMonth).toFixed(2),
          f.lateFees.toFixed(2),
        ]);
    };
    const expected = [
      [XH, '150.00', '8.30'],
      [YH, '300.00', '3.00'],
    ];
    expect(await totals(1)).toEqual(expected);
    expect(await totals(500)).toEqual(expected);
  });

  it('lists every customer in arrears on the day, one row each, with the collection report’s late fees', async () => {
    const report = await get(province, '/api/v1/reports/arrears-detail?to=2019-04-30');
    expect(report.parameters).toEqual({ to: '2019-04-30' });
    expect(report.rows.map(({ accountNo: _a, customer: _c, ...rest }) => rest)).toEqual([
      {
        category: '202',
        departmentId: XH,
        department: '西湖区供电分公司',
        bills: 2,
        oldestPeriod: '2018-11',
        oldestDueDate: '2018-12-15',
        daysOverdue: 136,
        arrears: '150.00',
        lateFees: '8.30',
        amountDue: '158.30',
      },
      {
        category: '400',
        departmentId: YH,
        department: '余杭区供电分公司',
        bills: 1,
        oldestPeriod: '2019-04',
        oldestDueDate: '2019-04-25',
        daysOverdue: 5,
        arrears: '300.00',
        lateFees: '3.00',
        amountDue: '303.00',
      },
    ]);
    expect(report.totals).toMatchObject({ bills: 3, arrears: '450.00', lateFees: '11.30', amountDue: '461.30' });
    expect((report as unknown as { truncated: boolean }).truncated).toBe(false);
    const residential = await get(province, '/api/v1/reports/arrears-detail?to=2019-04-30&category=202');
    expect(residential.rows.map((r) => r.departmentId)).toEqual([XH]);
    expect(residential.totals).toMatchObject({ arrears: '150.00' });
    const county = await get(yhManager, '/api/v1/reports/arrears-detail?to=2019-04-30');
    expect(county.rows.map((r) => r.departmentId)).toEqual([YH]);
    expect((await province.get('/api/v1/reports/arrears-detail?to=2019-04-30&category=999')).status).toBe(400);
    expect((await province.get('/api/v1/reports/arrears-detail?from=2019-04-01')).status).toBe(400);
    expect((await province.get('/api/v1/reports/collection?category=202')).status).toBe(400);
  });

  it('lists the arrears detail for headquarters, whose scope is every department, as the province sees its part', async () => {
    const hq = await t.as('hq.supervisor');
    const all = await get(hq, '/api/v1/reports/arrears-detail?to=2019-04-30');
    const zj = await get(province, '/api/v1/reports/arrears-detail?to=2019-04-30');
    expect(zj.rows.length).toBeGreaterThan(0);
    expect(all.rows.filter((r) => r.departmentId === XH || r.departmentId === YH)).toEqual(zj.rows);
  });

  it('streams the arrears detail as an .xlsx with typed cells, dates as dates, and the totals last', async () => {
    const res = await download('zj.manager', '/api/v1/reports/arrears-detail?to=2019-04-30&format=xlsx&lang=en');
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Customers in arrears');
    expect(sheet.getRow(1).getCell(8).value).toBe('Oldest due date');
    const row = sheet.getRow(2);
    expect(row.getCell(8).value).toEqual(new Date('2018-12-15T00:00:00Z'));
    expect(row.getCell(8).numFmt).toBe('yyyy-mm-dd');
    expect([row.getCell(6).value, row.getCell(9).value, row.getCell(10).value, row.getCell(11).value]).toEqual([
      2, 136, 150, 8.3,
    ]);
    expect(row.getCell(10).numFmt).toBe('0.00');
    const totals = sheet.getRow(4);
    expect([
      totals.getCell(1).value,
      totals.getCell(6).value,
      totals.getCell(9).value,
      totals.getCell(12).value,
    ]).toEqual(['Total', 3, null, 461.3]);
    const csv = await download('zj.manager', '/api/v1/reports/arrears-detail?to=2019-04-30&format=csv');
    const lines = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('合计,,,,,3,,,,450.00,11.30,461.30');
  });

  it('counts open and overdue tasks by process, step and person', async () => {
    const report = await get(province, '/api/v1/reports/workload');
    expect(report.parameters).toEqual({});
    const mine = report.rows.filter((r) => r.process === WORKLOAD_KEY);
    expect(mine).toEqual([
      expect.objectContaining({
        step: 'A01',
        assignee: 'xh.clerk',
        openTasks: 2,
        overdueTasks: 1,
        oldestCreated: '2019-05-01',
      }),
      expect.objectContaining({ step: 'A01', assignee: '', person: '未分配', openTasks: 1, overdueTasks: 0 }),
      expect.objectContaining({ step: 'A02', assignee: 'yh.surveyor', openTasks: 1, overdueTasks: 1 }),
    ]);
    expect(mine[0]!.person).not.toBe('xh.clerk');
    const sum = (key: string) => report.rows.reduce((n, r) => n + Number(r[key]), 0);
    expect(report.totals).toMatchObject({
      openTasks: sum('openTasks'),
      overdueTasks: sum('overdueTasks'),
      oldestCreated: null,
    });
  });

  it('counts meter tests by origin and department, against their deadline, passed and failed', async () => {
    const report = await get(xhManager, '/api/v1/reports/meter-verification?from=2016-01-01&to=2016-12-31');
    expect(report.rows).toEqual([
      expect.objectContaining({
        origin: 'customer',
        originName: '客户申请校验',
        departmentId: XH,
        received: 3,
        completed: 2,
        inProgress: 1,
        withinDeadline: 2,
        overDeadline: 1,
        onTimeRate: '0.6667',
        passed: 1,
        failed: 1,
      }),
      expect.objectContaining({
        origin: 'periodic',
        originName: '周期检验',
        departmentId: XH,
        received: 1,
        completed: 1,
        inProgress: 0,
        withinDeadline: 1,
        overDeadline: 0,
        passed: 1,
        failed: 0,
      }),
    ]);
    expect(report.totals).toMatchObject({
      received: 4,
      withinDeadline: 3,
      overDeadline: 1,
      onTimeRate: '0.7500',
      passed: 2,
      failed: 1,
    });
    expect((await get(yhManager, '/api/v1/reports/meter-verification?from=2016-01-01&to=2016-12-31')).rows).toEqual([]);
  });

  it('lists the daily high-risk counts of the provinces in scope by industry and level', async () => {
    const hq = await get(await t.as('hq.supervisor'), '/api/v1/reports/high-risk?from=2017-06-01&to=2017-06-30');
    expect(hq.rows).toEqual([
      {
        date: '2017-06-01',
        provinceId: 'JS',
        province: '江苏省电力公司',
        industry: '-',
        industryName: '',
        level: 'C',
        highRisk: 1,
        openWarnings: 1,
        overdueWarnings: 0,
        arrears: '0.00',
      },
      {
        date: '2017-06-01',
        provinceId: 'ZJ',
        province: '浙江省电力公司',
        industry: '101',
        industryName: '钢铁',
        level: 'A',
        highRisk: 3,
        openWarnings: 2,
        overdueWarnings: 1,
        arrears: '3500000.00',
      },
      {
        date: '2017-06-02',
        provinceId: 'ZJ',
        province: '浙江省电力公司',
        industry: '104',
        industryName: '水泥',
        level: 'B',
        highRisk: 2,
        openWarnings: 2,
        overdueWarnings: 2,
        arrears: '1200000.50',
      },
    ]);
    expect(hq.totals).toMatchObject({
      date: null,
      highRisk: 6,
      openWarnings: 5,
      overdueWarnings: 3,
      arrears: '4700000.50',
    });
    const zj = await get(province, '/api/v1/reports/high-risk?from=2017-06-01&to=2017-06-30');
    expect(zj.rows.map((r) => r.provinceId)).toEqual(['ZJ', 'ZJ']);
    expect((await get(xhManager, '/api/v1/reports/high-risk?from=2017-06-01&to=2017-06-30')).rows).toEqual([]);
  });

  describe('department scope', () => {
    it('shows a county manager their county only, and another county’s never', async () => {
      const xh = await get(xhManager, '/api/v1/reports/new-connections?from=2018-01-01&to=2018-12-31');
      expect(xh.rows.map((r) => r.departmentId)).toEqual([XH]);
      expect(xh.totals).toMatchObject({ received: 5 });
      const yh = await get(yhManager, '/api/v1/reports/billing?from=2020-01-01&to=2020-02-29');
      expect(yh.rows).toEqual([
        expect.objectContaining({ category: '202', bills: 1, kwh: '50.00', revenue: '26.90', heldBills: 0 }),
      ]);
      const workload = await get(xhManager, '/api/v1/reports/workload');
      expect(workload.rows.filter((r) => r.process === WORKLOAD_KEY).map((r) => r.step)).toEqual(['A01', 'A01']);
      const collection = await get(yhManager, '/api/v1/reports/collection?from=2019-03-01&to=2019-04-30');
      expect(collection.rows.map((r) => r.departmentId)).toEqual([YH]);
    });

    it('answers 403 for a department outside the caller’s scope, as dashboards do, and 404 for an unknown one', async () => {
      const res = await xhManager.get(`/api/v1/reports/billing?from=2020-01-01&to=2020-02-29&departmentId=${YH}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect((await xhManager.get('/api/v1/reports/workload?departmentId=ZJ')).status).toBe(403);
      expect((await province.get('/api/v1/reports/workload?departmentId=NOPE')).status).toBe(404);
    });

    it('narrows a wider scope to the department asked for', async () => {
      const report = await get(province, `/api/v1/reports/collection?from=2019-03-01&to=2019-04-30&departmentId=${YH}`);
      expect(report.rows.map((r) => r.departmentId)).toEqual([YH]);
      expect(report.totals).toMatchObject({ billed: '300.00', lateFees: '3.00' });
    });
    it('shows a county manager no row of another county in any report of the catalogue', async () => {
      const catalogue = (await xhManager.get('/api/v1/reports')).body.items as {
        id: string;
        parameters: { id: string }[];
      }[];
      expect(catalogue.length).toBeGreaterThanOrEqual(8);
      for (const report of catalogue) {
        const ids = report.parameters.map((p) => p.id);
        const query = ids.includes('from')
          ? '?from=2015-01-01&to=2021-12-31'
          : ids.includes('to')
            ? '?to=2021-12-31'
            : '';
        const answer = await get(xhManager, `/api/v1/reports/${report.id}${query}`);
        const cells = answer.rows.flatMap((r) => Object.values(r));
        expect(cells, report.id).not.toContain(YH);
        expect(cells, report.id).not.toContain('余杭区供电分公司');
        // the province's view of the same report does hold Yuhang's rows where it has any
        const wide = await get(province, `/api/v1/reports/${report.id}${query}`);
        if (['collection', 'arrears-detail', 'new-connections'].includes(report.id))
          expect(
            wide.rows.flatMap((r) => Object.values(r)),
            report.id,
          ).toContain(YH);
      }
    });
  });

  describe('parameters', () => {
    it.each([
      ['a date that is no calendar day', '/api/v1/reports/billing?from=2020-02-30', 'query.from'],
      ['a date in another shape', '/api/v1/reports/billing?to=20200101', 'query.to'],
      ['from after to', '/api/v1/reports/billing?from=2020-03-01&to=2020-02-01', 'query.from'],
      ['an unknown parameter', '/api/v1/reports/billing?month=2020-01', 'query'],
      ['a period on a report of what is open now', '/api/v1/reports/workload?from=2020-01-01', 'query.from'],
      ['an unknown format', '/api/v1/reports/billing?format=pdf', 'query.format'],
    ])('refuses %s with 400 and the field', async (_what, path, field) => {
      const res = await province.get(path);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((d: { field: string }) => d.field)).toContainEqual(
        field === 'query' ? expect.stringMatching(/^query/) : field,
      );
    });

    it('answers 404 for an unknown report', async () => {
      const res = await province.get('/api/v1/reports/no-such-report');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });
  });

  describe('files', () => {
    it('downloads an .xlsx with a Chinese sheet name, a frozen header, typed cells and number formats', async () => {
      const res = await download('zj.manager', '/api/v1/reports/billing?from=2020-01-01&to=2020-02-29&format=xlsx');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      expect(res.headers.get('content-disposition')).toContain('filename="billing_2020-01-01_2020-02-29.xlsx"');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).toBe('电量电费统计');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).values).toEqual([
        undefined,
        '用电类别代码',
        '用电类别',
        '电价',
        '发行笔数',
        '电量（千瓦时）',
        '电费（元）',
        '暂挂笔数',
        '暂挂电费（元）',
      ]);
      const row = sheet.getRow(2);
      expect([
        row.getCell(1).value,
        row.getCell(3).value,
        row.getCell(4).value,
        row.getCell(5).value,
        row.getCell(6).value,
      ]).toEqual(['202', 'ZJ-RES', 2, 150, 80.7]);
      expect(row.getCell(4).numFmt).toBe('0');
      expect(row.getCell(5).numFmt).toBe('0.00');
      expect(row.getCell(6).numFmt).toBe('0.00');
      const totals = sheet.getRow(4);
      expect([totals.getCell(1).value, totals.getCell(4).value, totals.getCell(6).value]).toEqual(['合计', 4, 301.19]);
      expect(sheet.rowCount).toBe(4);
    });

    it('writes percentages and dates with their formats', async () => {
      const res = await download(
        'zj.manager',
        '/api/v1/reports/collection?from=2019-03-01&to=2019-04-30&format=xlsx&lang=en',
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).toBe('Collection and arrears');
      expect(sheet.getRow(2).getCell(5).value).toBe(0.4444);
      expect(sheet.getRow(2).getCell(5).numFmt).toBe('0.00%');
      const workload = await download('xh.manager', `/api/v1/reports/workload?departmentId=${XH}&format=xlsx`);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(workload.bytes as unknown as ArrayBuffer);
      const ws = book.worksheets[0]!;
      expect(ws.name).toBe('待办工作量统计');
      const mine = ws.getRows(2, ws.rowCount - 1)!.find((r) => r.getCell(1).value === WORKLOAD_KEY)!;
      expect(mine.getCell(9).value).toEqual(new Date('2019-05-01T00:00:00Z'));
      expect(mine.getCell(9).numFmt).toBe('yyyy-mm-dd');
    });

    it('downloads a UTF-8 CSV with a byte-order mark that parses back to the rows', async () => {
      const res = await download(
        'xh.manager',
        '/api/v1/reports/new-connections?from=2018-01-01&to=2018-12-31&format=csv',
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toContain('filename="new-connections_2018-01-01_2018-12-31.csv"');
      expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = res.bytes
        .toString('utf8')
        .slice(1)
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split(','));
      expect(lines).toEqual([
        ['业扩类别代码', '业扩类别', '单位代码', '单位', '受理数', '完成数', '在办数', '按期数', '超期数', '按期率'],
        ['01', '低压居民', XH, '西湖区供电分公司', '5', '2', '2', '2', '2', '0.5000'],
        ['合计', '', '', '', '5', '2', '2', '2', '2', '0.5000'],
      ]);
    });

    it('refuses a file of a department outside the scope like the JSON', async () => {
      const res = await download('xh.manager', `/api/v1/reports/billing?departmentId=${YH}&format=csv`);
      expect(res.status).toBe(403);
    });
  });
});

import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../server/lib/clock.js';
import type { ApiClient } from '../support/client.js';
import { BACKENDS } from '../support/database.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

interface Schedule {
  id: string;
  reportId: string;
  nextRunOn: string;
  lastError: string | null;
  files: { id: string; filename: string; size: number; parameters: Record<string, string> }[];
}

/**
 * Scheduled reports on a test clock: a schedule is kept per user, the daily job runs what is due
 * as the owner (the owner's scope read at run time), keeps the .xlsx in the database, and only the
 * owner lists, downloads and deletes.
 */
describe.each(BACKENDS)('report schedules /api/v1/reports/schedules (%s)', (backend) => {
  const clock = new TestClock('2019-04-15T10:00:00+08:00');
  let t: TestPlatform;
  let xhManager: ApiClient;
  let yhManager: ApiClient;
  const db = () => t.platform.services.db;

  async function customer(departmentId: string, elecTypeCode: string) {
    const id = randomUUID();
    await db()('customers').insert({
      id,
      account_no: `SCH${randomUUID().slice(0, 8)}`,
      name: '定时报表客户',
      department_id: departmentId,
      elec_type_code: elecTypeCode,
    });
    return id;
  }

  async function bill(customerId: string, period: string, total: string, dueDate: string) {
    await db()('bills').insert({
      id: randomUUID(),
      customer_id: customerId,
      period,
      total,
      status: 'issued',
      due_date: dueDate,
      issued_by: 'schedule-test',
    });
  }

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

  const schedules = async (client: ApiClient) => {
    const res = await client.get('/api/v1/reports/schedules');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Schedule[];
  };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    xhManager = await t.as('xh.manager');
    yhManager = await t.as('yh.manager');
    // arrears as of 2019-04-30: a residential customer in Xihu, a commercial one in Yuhang
    const a = await customer(XH, '202');
    await bill(a, '2019-03', '100.00', '2019-04-15');
    const b = await customer(YH, '400');
    await bill(b, '2019-04', '300.00', '2019-04-25');
  });
  afterAll(() => t?.close());

  it('creates a schedule, runs it on its day with the daily job and keeps the .xlsx for its owner', async () => {
    // given a monthly arrears detail and a daily collection report of Xihu
    const created = await xhManager.post('/api/v1/reports/schedules', {
      reportId: 'arrears-detail',
      frequency: 'monthly',
      language: 'zh',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      reportId: 'arrears-detail',
      reportName: { zh: '欠费客户明细', en: 'Customers in arrears' },
      frequency: 'monthly',
      nextRunOn: '2019-05-01',
      lastRunAt: null,
      files: [],
    });
    const daily = await xhManager.post('/api/v1/reports/schedules', {
      reportId: 'collection',
      parameters: { departmentId: XH },
      frequency: 'daily',
      language: 'en',
    });
    expect(daily.status, JSON.stringify(daily.body)).toBe(201);
    expect(daily.body.nextRunOn).toBe('2019-04-16');
    const audit = await db()('audit_log')
      .where({ action: 'report-schedule.create', object_id: created.body.id })
      .select('actor_name');
    expect(audit).toHaveLength(1);

    // nothing is due before its day
    clock.set('2019-04-30T07:00:00+08:00');
    expect(await t.platform.services.reports.schedules.runDue('2019-04-15')).toEqual({ ran: 0, failed: 0 });

    // when the daily job runs on 1 May after 06:00
    clock.set('2019-05-01T06:30:00+08:00');
    expect(await t.platform.services.processes.dailyJobs.tick()).toContain('report-schedules');
    expect(await t.platform.services.processes.dailyJobs.tick()).not.toContain('report-schedules');

    // then the monthly one reported April, as of its last day
    const mine = await schedules(xhManager);
    const monthly = mine.find((s) => s.id === created.body.id)!;
    expect(monthly).toMatchObject({ nextRunOn: '2019-06-01', lastError: null });
    expect(monthly.files).toHaveLength(1);
    expect(monthly.files[0]).toMatchObject({
      filename: 'arrears-detail_2019-04-30.xlsx',
      parameters: { to: '2019-04-30' },
    });
    const collection = mine.find((s) => s.id === daily.body.id)!;
    expect(collection.nextRunOn).toBe('2019-05-02');
    expect(collection.files[0]!.parameters).toEqual({ departmentId: XH, from: '2019-04-30', to: '2019-04-30' });

    // and the file opens with exceljs: Chinese sheet name, typed cells, Xihu only (the owner's scope)
    const file = await download('xh.manager', `/api/v1/reports/files/${monthly.files[0]!.id}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('spreadsheetml');
    expect(file.headers.get('content-disposition')).toContain('arrears-detail_2019-04-30.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('欠费客户明细');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(1).value).toBe('户号');
    const row = sheet.getRow(2);
    expect(row.getCell(4).value).toBe(XH);
    expect(row.getCell(6).value).toBe(1);
    expect(row.getCell(8).value).toEqual(new Date('2019-04-15T00:00:00Z'));
    expect(row.getCell(8).numFmt).toBe('yyyy-mm-dd');
    expect(row.getCell(9).value).toBe(15);
    expect(row.getCell(10).value).toBe(100);
    expect(row.getCell(10).numFmt).toBe('0.00');
    // 15 days × 100.00 × 1 ‰ = 1.50
    expect(row.getCell(11).value).toBe(1.5);
    expect(sheet.getRow(3).getCell(1).value).toBe('合计');
    expect(sheet.rowCount).toBe(3);
  });

  it('lets only the owner see, download and delete a schedule and its files', async () => {
    const [first] = await schedules(xhManager);
    expect(await schedules(yhManager)).toEqual([]);
    expect((await download('yh.manager', `/api/v1/reports/files/${first!.files[0]!.id}`)).status).toBe(404);
    expect((await yhManager.delete(`/api/v1/reports/schedules/${first!.id}`)).status).toBe(404);
    expect(await schedules(xhManager)).toHaveLength(2);
    expect((await (await t.as('xh.clerk')).get('/api/v1/reports/schedules')).status).toBe(403);
  });

  it('runs a schedule with its owner’s scope as it is at run time, never wider', async () => {
    // given a team leader's schedule of Xihu
    const leader = await t.as('xh.leader');
    const created = await leader.post('/api/v1/reports/schedules', {
      reportId: 'workload',
      parameters: { departmentId: XH },
      frequency: 'daily',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // when the leader is moved to Yuhang before it runs
    const admin = await t.as('admin');
    const user = await db()('users').where({ username: 'xh.leader' }).first<{ id: string }>('id');
    expect(
      (await admin.post(`/api/v1/admin/users/${user.id}/roles`, { role: 'team_leader', departmentId: YH })).status,
    ).toBeLessThan(300);
    const removed = await admin.delete(`/api/v1/admin/users/${user.id}/roles`, {
      role: 'team_leader',
      departmentId: XH,
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await t.platform.services.reports.schedules.runDue('2019-05-02')).toMatchObject({ failed: 1 });
    // then the run made no file and says why
    const [schedule] = await schedules(leader);
    expect(schedule!.files).toEqual([]);
    expect(schedule!.lastError).toMatch(/ZJ-HZ-XH/);
    expect(schedule!.nextRunOn).toBe('2019-05-03');
  });

  it('keeps the newest 30 files of a schedule', async () => {
    const created = await yhManager.post('/api/v1/reports/schedules', { reportId: 'workload', frequency: 'daily' });
    expect(created.status).toBe(201);
    const service = t.platform.services.reports.schedules;
    for (let day = 1; day <= 31; day += 1) {
      clock.set(`2019-07-${String(day).padStart(2, '0')}T07:00:00+08:00`);
      await service.runDue(`2019-07-${String(day).padStart(2, '0')}`);
    }
    const [schedule] = (await schedules(yhManager)).filter((s) => s.id === created.body.id);
    expect(schedule!.files).toHaveLength(30);
    expect(schedule!.files[0]!.filename).toBe('workload_2019-07-31.xlsx');
    expect(schedule!.files[29]!.filename).toBe('workload_2019-07-02.xlsx');
    expect((await yhManager.delete(`/api/v1/reports/schedules/${created.body.id}`)).status).toBe(204);
    expect(await db()('report_files').where({ schedule_id: created.body.id })).toEqual([]);
    expect(
      await db()('audit_log').where({ action: 'report-schedule.delete', object_id: created.body.id }),
    ).toHaveLength(1);
    // 31 runs, each writing a workbook: slow on a loaded machine, not a figure under test
  }, 240_000);

  it('refuses bad input with a 400 that names the field, a department out of scope with 403, and changes nothing', async () => {
    const before = await schedules(yhManager);
    const cases: [unknown, number, string | null][] = [
      [{ reportId: 'no-such', frequency: 'daily' }, 400, 'body.reportId'],
      [{ reportId: 'workload', frequency: 'weekly' }, 400, 'body.frequency'],
      [{ reportId: 'workload', frequency: 'daily', language: 'fr' }, 400, 'body.language'],
      [{ reportId: 'workload', frequency: 'daily', nextRunOn: '2019-01-01' }, 400, null],
      [{ reportId: 'collection', frequency: 'daily', parameters: { category: '202' } }, 400, 'query.category'],
      [{ reportId: 'arrears-detail', frequency: 'daily', parameters: { category: '999' } }, 400, 'query.category'],
      [{ reportId: 'collection', frequency: 'daily', parameters: { departmentId: XH } }, 403, null],
      [{ reportId: 'collection', frequency: 'daily', parameters: { departmentId: 'NOPE' } }, 404, null],
    ];
    for (const [body, status, field] of cases) {
      const res = await yhManager.post('/api/v1/reports/schedules', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await yhManager.delete('/api/v1/reports/schedules/not-a-uuid')).status).toBe(400);
    expect(await schedules(yhManager)).toEqual(before);
  });

  it('keeps at most 20 schedules a user', async () => {
    const jn = await t.as('jn.manager');
    for (let i = 0; i < 20; i += 1) {
      const res = await jn.post('/api/v1/reports/schedules', { reportId: 'workload', frequency: 'monthly' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const refused = await jn.post('/api/v1/reports/schedules', { reportId: 'workload', frequency: 'monthly' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SCHEDULE_LIMIT');
    expect(await schedules(jn)).toHaveLength(20);
  });
});

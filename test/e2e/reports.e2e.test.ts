import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

/**
 * The report centre in Chromium at a laptop's 1280 px: a province manager picks the collection
 * report, runs it for a period, reads the totals row and the chart, downloads the .xlsx and
 * schedules it monthly; in English the arrears detail lists the customers in arrears.
 */
describe('report centre in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  async function customer(departmentId: string, elecTypeCode: string, name: string) {
    const id = randomUUID();
    await t.platform.services.db('customers').insert({
      id,
      account_no: `E2E${randomUUID().slice(0, 8)}`,
      name,
      department_id: departmentId,
      elec_type_code: elecTypeCode,
    });
    return id;
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres', { jobs: false }), launchBrowser()]);
    const db = t.platform.services.db;
    const a = await customer(XH, '202', '西湖住户');
    const b = await customer(YH, '400', '余杭商铺');
    await db('bills').insert([
      {
        id: randomUUID(),
        customer_id: a,
        period: '2019-03',
        total: '100.00',
        status: 'issued',
        due_date: '2019-04-15',
        issued_by: 'e2e',
      },
      {
        id: randomUUID(),
        customer_id: a,
        period: '2019-04',
        total: '80.00',
        status: 'settled',
        paid_amount: '80.00',
        due_date: '2019-05-15',
        issued_by: 'e2e',
      },
      {
        id: randomUUID(),
        customer_id: b,
        period: '2019-04',
        total: '300.00',
        status: 'issued',
        due_date: '2019-04-25',
        issued_by: 'e2e',
      },
    ]);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('runs the collection report with its totals and chart, downloads the .xlsx and schedules it (zh)', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'zj.manager');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '报表中心' }).click();
    await page.getByRole('heading', { name: '报表中心', level: 1 }).waitFor();
    await page.locator('button[data-report="collection"]').click();
    await page.getByRole('heading', { name: '电费回收统计' }).waitFor();
    await page.locator('input[name="from"]').fill('2019-03-01');
    await page.locator('input[name="to"]').fill('2019-04-30');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    const totals = page.getByTestId('report-totals');
    await totals.waitFor();
    // billed 480.00, collected 80.00, 16.67 %, arrears 400.00; late fees 1.50 (15 days × 100 × 1 ‰) + 3.00
    await expect.poll(() => totals.innerText()).toMatch(/合计\s+480\.00\s+80\.00\s+16\.67%/);
    expect(await totals.innerText()).toContain('4.50');
    const rows = page.locator('table.reports-table tbody tr');
    expect(await rows.count()).toBe(2);
    await page.getByTestId('report-chart').locator('canvas').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载 Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('collection_2019-03-01_2019-04-30.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('电费回收统计');
    expect(sheet.getRow(4).getCell(1).value).toBe('合计');
    expect(sheet.getRow(4).getCell(3).value).toBe(480);

    await page.locator('select[name="frequency"]').selectOption('monthly');
    await page.getByRole('button', { name: '保存定时任务' }).click();
    const schedules = page.getByRole('region', { name: '我的定时报表' });
    await schedules.getByRole('cell', { name: '电费回收统计' }).waitFor();
    expect(await schedules.getByRole('cell', { name: '每月（上个月）' }).count()).toBe(1);
    await screenshot(page, 'reports-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lists the customers in arrears of the county only for a county manager, in English', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'xh.manager', { locale: 'en' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/#/reports');
    await page.getByRole('heading', { name: 'Report centre', level: 1 }).waitFor();
    await page.locator('button[data-report="arrears-detail"]').click();
    await page.getByRole('heading', { name: 'Customers in arrears' }).waitFor();
    await page.locator('input[name="to"]').fill('2019-04-30');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const totals = page.getByTestId('report-totals');
    await totals.waitFor();
    const body = page.locator('table.reports-table tbody');
    await expect.poll(() => body.innerText()).toContain('西湖住户');
    expect(await body.innerText()).not.toContain('余杭商铺');
    expect(await totals.innerText()).toMatch(/^Total/);
    expect(await totals.innerText()).toContain('101.50');
    await screenshot(page, 'reports-en');
    expect(pageErrors(page)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitForTask, work } from '../support/processes.js';
import { start } from '../support/workflow.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

const XH = 'ZJ-HZ-XH';

/**
 * The grid view in Chromium: the Xihu network on the left, an area's boxes and customers on the
 * right, a customer found and its place shown, a customer moved to another area, and the month's
 * line loss ranking with the bad area first.
 */
describe('grid view, in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const customers: Record<string, string> = {};
  const db = () => t.platform.services.db;

  async function customer(key: string, name: string, box: string, kwh: string, capacityKva: string | null = null) {
    const id = randomUUID();
    customers[key] = id;
    await db()('customers').insert({
      id,
      account_no: `E2EGRID${key}`,
      name,
      department_id: XH,
      elec_type_code: capacityKva ? '400' : '202',
      capacity_kva: capacityKva,
      phone: '13900001111',
      address: '杭州市西湖区文三路 100 号',
    });
    await db()('meters').insert({
      id: randomUUID(),
      asset_no: `E2EGM${key}`,
      customer_id: id,
      accuracy_class: '2.0',
      device_class: 'V',
      meter_box_id: box,
    });
    await db()('bills').insert({
      id: randomUUID(),
      customer_id: id,
      period: '2026-10',
      total: '100.00',
      status: 'issued',
      due_date: '2026-11-20',
      issued_by: 'grid-e2e',
      consumption_kwh: kwh,
    });
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres', { jobs: false }), launchBrowser()]);
    await db()('substations').insert({
      id: 'E2E-SS1',
      name: '110kV 文三变',
      name_en: '110 kV Wensan',
      department_id: XH,
    });
    await db()('feeders').insert({
      id: 'E2E-F1',
      substation_id: 'E2E-SS1',
      name: '10kV 文三1号线',
      name_en: '10 kV Wensan line 1',
      department_id: XH,
    });
    await db()('transformer_areas').insert([
      {
        id: 'E2E-TA1',
        feeder_id: 'E2E-F1',
        name: '文三1号台区',
        name_en: 'Wensan area 1',
        rated_kva: 200,
        department_id: XH,
        summary_meter_no: 'ZB-E2E-1',
      },
      {
        id: 'E2E-TA2',
        feeder_id: 'E2E-F1',
        name: '文三2号台区',
        name_en: 'Wensan area 2',
        rated_kva: 100,
        department_id: XH,
        summary_meter_no: 'ZB-E2E-2',
      },
    ]);
    await db()('meter_boxes').insert([
      { id: 'E2E-TA1-B1', area_id: 'E2E-TA1', name: '1号表箱', location: '文三路 100 号 1 幢' },
      { id: 'E2E-TA2-B1', area_id: 'E2E-TA2', name: '1号表箱', location: '文三路 120 号 2 幢' },
    ]);
    await customer('A', '王小明', 'E2E-TA1-B1', '300.00');
    await customer('B', '李华', 'E2E-TA1-B1', '250.00');
    await customer('C', '文三便利店', 'E2E-TA1-B1', '400.00', '20');
    await customer('D', '张伟', 'E2E-TA2-B1', '500.00');
    // 2026-10: area 1 supplied 1 000 kWh against 950 billed (5.00 %), area 2 600 against 500 (16.67 %).
    await db()('area_supply').insert([
      { area_id: 'E2E-TA1', period: '2026-10', kwh: '1000.00', recorded_by: 'grid-e2e' },
      { area_id: 'E2E-TA2', period: '2026-10', kwh: '600.00', recorded_by: 'grid-e2e' },
    ]);
  }, 240_000);

  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('finds a customer, shows its place, moves it and ranks line loss (zh)', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'xh.manager');
    await page.getByRole('navigation').getByRole('link', { name: '电网拓扑' }).click();
    await page.getByRole('heading', { name: '电网拓扑', level: 1 }).waitFor();
    await page.getByRole('button', { name: /文三1号台区/ }).waitFor();

    // when the customer 李华 is searched and picked
    await page.getByLabel('查找客户').fill('李华');
    await page.getByRole('search').getByRole('button', { name: '查找' }).click();
    await page.getByRole('button', { name: 'E2EGRIDB 李华' }).click();

    // then the path to the substation is shown and highlighted, and the area opens on the right
    const place = page.locator('.grid-place');
    await place.waitFor();
    const path = await place.innerText();
    for (const part of ['110kV 文三变', '10kV 文三1号线', '文三1号台区', '1号表箱']) expect(path).toContain(part);
    expect(await page.locator('.grid-node.on-path').count()).toBe(3);
    const panel = page.getByRole('article', { name: '文三1号台区' });
    await panel.waitFor();
    expect(await panel.locator('tr.grid-found-row').innerText()).toContain('李华');
    // 200 − (8 + 8 + 20) = 164
    expect(await panel.locator('.grid-spare-value').getAttribute('data-spare')).toBe('164.00');
    await screenshot(page, 'grid-place-zh');

    // when 李华 is moved to area 2
    await panel.locator('tr', { hasText: '李华' }).getByRole('button', { name: '迁移' }).click();
    const dialog = page.getByRole('dialog', { name: '迁移客户 李华' });
    await dialog.getByLabel('目标台区（剩余容量）').selectOption('E2E-TA2');
    await expect.poll(() => dialog.getByLabel('目标表箱').inputValue()).toBe('E2E-TA2-B1');
    await dialog.getByLabel('迁移原因').fill('表箱改造');
    await screenshot(page, 'grid-move-zh');
    await dialog.getByRole('button', { name: '迁移' }).click();

    // then area 2 is shown with 李华 in it, and the move is in the audit log
    const area2 = page.getByRole('article', { name: '文三2号台区' });
    await area2.waitFor();
    await area2.locator('tr', { hasText: '李华' }).waitFor();
    expect(await area2.locator('.grid-spare-value').getAttribute('data-spare')).toBe('84.00');
    expect(await page.locator('p.grid-ok').innerText()).toContain('已将 李华 迁移到 文三2号台区');
    await expect.poll(() => page.locator('.grid-place').innerText()).toContain('文三2号台区');
    const audit = await db()('audit_log').where({ action: 'grid.meter.moved' });
    expect(audit).toHaveLength(1);

    // and the ranking of 2026-10, a month before the move, is what it was: 李华's 250 kWh of
    // October stay in area 1, (1 000 − 950) / 1 000 = 5.00 %; area 2 (600 − 500) / 600 = 16.67 % first
    await page.getByRole('tab', { name: '线损排名' }).click();
    await page.getByLabel('月份').fill('2026-10');
    const rows = page.locator('.grid-ranking-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain('文三2号台区');
    expect(await rows.nth(0).innerText()).toContain('16.67%');
    expect(await rows.nth(1).innerText()).toContain('文三1号台区');
    expect(await rows.nth(1).innerText()).toContain('5.00%');
    expect(await rows.nth(0).innerText()).toContain('西湖区供电分公司');
    await screenshot(page, 'grid-ranking-zh');

    // and an outage notice for the feeder reaches its four customers
    await page.getByRole('tab', { name: '网络拓扑' }).click();
    await page.locator('.grid-feeder').getByRole('button', { name: '停电通知' }).click();
    const outage = page.getByRole('dialog', { name: '计划停电通知：10kV 文三1号线' });
    await outage.getByLabel('停电开始').fill('2026-12-20T08:30');
    await outage.getByLabel('停电结束').fill('2026-12-20T16:00');
    await outage.getByLabel('停电原因').fill('线路检修');
    await outage.getByRole('button', { name: '发送通知' }).click();
    await outage.getByRole('status').waitFor();
    expect(await outage.getByRole('status').innerText()).toContain('已通知 4 户中的 4 户');
    await screenshot(page, 'grid-outage-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows the network, an area and the ranking in English', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'xh.manager', { locale: 'en' });
    await page.getByRole('navigation').getByRole('link', { name: 'Grid view' }).click();
    await page.getByRole('heading', { name: 'Grid view', level: 1 }).waitFor();
    await page.getByRole('button', { name: /Wensan area 1/ }).click();
    const panel = page.getByRole('article', { name: 'Wensan area 1' });
    await panel.waitFor();
    expect(await panel.innerText()).toContain('Spare');
    expect(await panel.innerText()).toContain('Meter boxes and customers');
    expect(await panel.innerText()).toContain('10 kV Wensan line 1');
    await screenshot(page, 'grid-area-en');
    await page.getByRole('tab', { name: 'Line loss ranking' }).click();
    await page.getByLabel('Month').fill('2026-10');
    await expect.poll(() => page.locator('.grid-ranking-table tbody tr').count()).toBe(2);
    expect(await page.locator('.grid-ranking-table').innerText()).toContain('Loss rate');
    expect(await page.locator('.grid-ranking-table').innerText()).toContain('Xihu County Office');
    await screenshot(page, 'grid-ranking-en');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lets the surveyor pick the transformer area of a new connection by its spare capacity', async () => {
    // given a new connection in Xihu past its acceptance
    const started = await start(await t.as('xh.clerk'), 'new-connection', {
      departmentId: XH,
      businessKey: 'GRID-E2E-SURVEY',
      variables: {
        customerName: '文三路新装用户',
        phone: '13900003333',
        address: '杭州市西湖区文三路 130 号',
        elecTypeCode: '202',
        capacityKva: 8,
        acceptClass: '03',
      },
    });
    await work(t, 'xh.clerk', started.id, 'A01', { acceptClass: '03' });
    const surveyor = await t.as('xh.surveyor');
    const task = await waitForTask(surveyor, started.id, 'A02');
    if (task.assignee !== 'xh.surveyor')
      expect((await surveyor.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);

    // when the surveyor opens the survey
    const page = await newUserPage(chrome.browser, t.url, 'xh.surveyor');
    await page.goto(`${t.url}/#/tasks/${task.id}`);
    const field = page.getByLabel(/接入台区/);
    await field.waitFor();
    await field.click();

    // then both Xihu areas are offered with their spare capacity
    const options = page.locator('.fjs-dropdownlist-item');
    await expect.poll(() => options.count()).toBe(2);
    expect(await options.allInnerTexts()).toEqual([
      expect.stringMatching(/^文三1号台区 · 剩余 spare \d+\.00 \/ 200 kVA$/),
      expect.stringMatching(/^文三2号台区 · 剩余 spare \d+\.00 \/ 100 kVA$/),
    ]);
    await screenshot(page, 'grid-survey-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('is not in the navigation of staff without grid read', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'xh.collector');
    await page.getByRole('navigation').getByRole('link').first().waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: '电网拓扑' }).count()).toBe(0);
  });
});

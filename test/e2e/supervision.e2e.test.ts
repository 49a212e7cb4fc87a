import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../server/lib/actor.js';
import { newCustomer } from '../integration/marketing/accounts.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  launchBrowser,
  LIVE_TIMEOUT,
  newUserPage,
  pageErrors,
  screenshot,
  type TestBrowser,
} from './support/browser.js';

/**
 * HQ supervision of high-risk customers in Chromium (DOMAIN.md §7): HQ publishes the industry
 * list, filters the register (provinces from the department tree) and opens a customer's history,
 * escalates an open order before it is answered and again at its review, closes it after the
 * county's answers, issues a new one, reads a group's tree and the daily statistics; the county's
 * account manager answers with the measure on the same screen.
 */
describe('HQ supervision screens in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const c: Record<string, { id: string; accountNo: string }> = {};

  const bill = (customerId: string, period: string, total: string, dueDate: string) =>
    t.platform.services.bills.issue({ customerId, period, total, dueDate, lines: [] }, SYSTEM_ACTOR);
  const drain = () => t.platform.executor.drain();

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    const xh = await t.as('xh.clerk');
    const jn = await t.as('jn.clerk');
    c.steel = await newCustomer(xh, { elecTypeCode: '400', name: '西湖特钢厂', hueTradeTypeCode: '101' });
    await bill(c.steel.id, '2026-05', '1250000.00', '2026-06-15');
    await bill(c.steel.id, '2026-04', '98000.00', '2026-05-15');
    await t.platform
      .db('bills')
      .where({ customer_id: c.steel.id, period: '2026-04' })
      .update({ paid_amount: '98000.00', status: 'settled', consumption_kwh: '810000' });
    await t.platform
      .db('bills')
      .where({ customer_id: c.steel.id, period: '2026-05' })
      .update({ consumption_kwh: '790000' });
    c.parent = await newCustomer(xh, { elecTypeCode: '400', name: '之江集团', hueTradeTypeCode: '201' });
    c.child = await newCustomer(jn, {
      elecTypeCode: '400',
      name: '之江集团南京分公司',
      hueTradeTypeCode: '201',
      groupParentId: c.parent.id,
    });
    await bill(c.parent.id, '2026-05', '700000.00', '2026-06-15');
    await bill(c.child.id, '2026-05', '500000.00', '2026-06-15');
    c.paper = await newCustomer(jn, {
      elecTypeCode: '400',
      name: '秦淮纸业',
      hueTradeTypeCode: '201',
      creditGrade: 'C',
    });
    await bill(c.paper.id, '2026-03', '8000.00', '2026-04-15');
    const screened = await (await t.as('hq.supervisor')).post('/api/v1/risk/screenings', {});
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    await drain();
    // A province added to the department tree: the province filter offers it without a release.
    await t.platform.db('departments').insert({
      id: 'AH',
      parent_id: 'HQ',
      name: '安徽省电力公司',
      name_en: 'Anhui Electric Power',
      level: 'province',
      path: '/HQ/AH/',
    });
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const open = async (page: Page, hash: string, heading: string | RegExp) => {
    await page.goto(`/#${hash}`);
    await page.getByRole('heading', { name: heading }).first().waitFor();
  };

  it('HQ: publishes the industry list, filters the register and reads a customer’s history (zh)', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'hq.supervisor');
    await page.getByRole('navigation').getByRole('link', { name: '高风险监管' }).click();
    await page.getByRole('heading', { name: '高风险用户名单' }).waitFor();
    await page.locator(`tr[data-account="${c.steel!.accountNo}"]`).waitFor();

    // the industry list: edit the draft (paper becomes a differential-price industry), save, publish
    await page.getByRole('link', { name: '行业目录' }).click();
    await page.getByRole('heading', { name: '高耗能行业目录' }).waitFor();
    // the heading shows before the list has loaded: wait for the version line rather than count at once
    await expect.poll(() => page.getByText('已发布：第 1 版').count()).toBe(1);
    await page.getByRole('button', { name: '编辑草稿' }).click();
    const paper = page.locator('tr[data-code="201"]');
    await paper.getByRole('checkbox').check();
    await paper.getByLabel('政策类别说明').fill('02 产能过剩');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('草稿：第 2 版').waitFor();
    await page.getByRole('button', { name: '发布' }).click();
    await page.getByText('已发布：第 2 版').waitFor();
    expect(await page.locator('tr[data-code="201"]').textContent()).toContain('02 产能过剩');
    await screenshot(page, 'supervision-industries-zh');

    // the register: the provinces of the tree (the new one too), none in Anhui yet
    await page.getByRole('link', { name: '高风险名单' }).click();
    await page.getByRole('heading', { name: '高风险用户名单' }).waitFor();
    const province = page.getByRole('form', { name: '高风险用户名单' }).getByLabel('省公司');
    await expect
      .poll(() => province.locator('option').allTextContents())
      .toEqual(['全部', '安徽省电力公司', '江苏', '浙江']);
    await province.selectOption('AH');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('没有符合条件的记录。').waitFor();
    await province.selectOption('');
    // level A only, then the steel works' history
    await page.getByLabel('级别').selectOption('A');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator(`tr[data-account="${c.paper!.accountNo}"]`).waitFor({ state: 'detached' });
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await screenshot(page, 'supervision-register-zh');
    await page.getByRole('link', { name: '西湖特钢厂' }).click();
    await page.getByRole('heading', { name: /客户监管档案/ }).waitFor();
    const screening = page.getByTestId('screening');
    await expect.poll(() => screening.textContent()).toContain('H3 欠费合计 ≥ 100 万元');
    await expect.poll(() => page.locator('svg.sv-bars rect').count()).toBe(2);
    const recovery = page.getByRole('table', { name: '电费回收（应收与实收）' });
    await expect.poll(() => recovery.locator('tr.sv-late').count()).toBe(1);
    expect(await recovery.textContent()).toContain('¥1,250,000.00');
    await screenshot(page, 'supervision-customer-zh');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('the county answers, HQ escalates, the manager rectifies, HQ closes and issues again (zh)', async () => {
    const hq = await newUserPage(chrome.browser, t.url, 'hq.supervisor');
    await open(hq, '/supervision/warnings', '预警工单');
    await hq.getByRole('link', { name: c.steel!.accountNo }).click();
    await hq.getByRole('heading', { name: '预警工单 · 西湖特钢厂' }).waitFor();
    const warningUrl = hq.url();

    // HQ presses the order before any answer (督办): counted, in its history, the county notified
    const escalate = hq.getByRole('form', { name: '总部督办' });
    await escalate.getByLabel('督办理由').fill('十日内未见措施，请立即处置');
    await escalate.getByRole('button', { name: '督办' }).click();
    await hq.getByTestId('warning-facts').getByText('督办 1 次').waitFor();
    const history = hq.getByTestId('escalations');
    await expect.poll(() => history.textContent()).toContain('十日内未见措施，请立即处置');
    expect(await history.textContent()).toContain('待反馈时督办');
    expect(await history.textContent()).toContain('通知 3 人');
    expect(await hq.locator('.sv-timeline li.sv-ev-escalated').count()).toBe(1);
    await screenshot(hq, 'supervision-warning-escalated-zh');

    // the county's account manager answers on the same screen, with an evidence file
    const county = await newUserPage(chrome.browser, t.url, 'xh.account');
    await county.goto(warningUrl);
    const answer = county.getByRole('form', { name: '反馈处置措施' });
    await answer.waitFor();
    await answer.getByLabel('措施类别').selectOption('9');
    await answer.getByLabel('措施说明').fill('列入重点监控，每日跟踪用电');
    await answer.getByLabel('佐证说明').fill('监控台账 2026-12');
    await answer.locator('input[type="file"]').setInputFiles({
      name: '监控台账.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('monitoring log'),
    });
    await answer.getByText('监控台账.txt').waitFor();
    await screenshot(county, 'supervision-answer-zh');
    await answer.getByRole('button', { name: '提交反馈' }).click();
    await county.getByRole('form', { name: '反馈处置措施' }).waitFor({ state: 'detached' });

    // HQ sees the answer (not the level's measure) and escalates (督办)
    await drain();
    await hq.reload();
    const review = hq.getByRole('form', { name: '总部审核' });
    await review.waitFor();
    expect(await hq.getByTestId('warning-facts').textContent()).toContain('不符合级别要求');
    await review.getByLabel('审核意见').fill('A 级须预付费或费控');
    await review.getByRole('button', { name: '督办' }).click();
    await review.waitFor({ state: 'detached' });
    // (the escalation's service task runs as a job after the review is completed)
    await drain();
    await hq.reload();
    await hq.getByText('督办 2 次').waitFor();
    await expect.poll(() => hq.getByTestId('escalations').locator('li').count()).toBe(2);
    expect(await hq.getByTestId('escalations').textContent()).toContain('审核时督办');

    // the county manager rectifies on the same screen
    const manager = await newUserPage(chrome.browser, t.url, 'xh.manager');
    await manager.goto(warningUrl);
    const rectify = manager.getByRole('form', { name: '反馈处置措施' });
    await rectify.waitFor();
    await rectify.getByLabel('措施类别').selectOption('3');
    await rectify.getByLabel('措施说明').fill('已签订预付电费协议');
    await rectify.getByLabel('佐证说明').fill('协议 XH-2026-12');
    await rectify.getByRole('button', { name: '提交反馈' }).click();
    await manager.getByRole('form', { name: '反馈处置措施' }).waitFor({ state: 'detached' });

    // HQ closes it
    await drain();
    await hq.reload();
    await hq.getByRole('form', { name: '总部审核' }).waitFor();
    expect(await hq.getByTestId('warning-facts').textContent()).toContain('符合级别要求');
    await screenshot(hq, 'supervision-warning-review-zh');
    await hq.getByRole('button', { name: '关闭工单' }).click();
    await hq.getByRole('form', { name: '总部审核' }).waitFor({ state: 'detached' });
    await drain();
    await hq.reload();
    await hq.getByTestId('warning-facts').getByText('已关闭').waitFor();
    expect(await hq.locator('.sv-timeline li').last().textContent()).toContain('工单关闭');
    await screenshot(hq, 'supervision-warning-closed-zh');

    // and issues a new order from the customer's file
    await hq.getByRole('link', { name: c.steel!.accountNo }).click();
    await hq.getByRole('heading', { name: /客户监管档案/ }).waitFor();
    await hq.getByRole('button', { name: '下发预警' }).click();
    await hq.getByRole('button', { name: '下发预警' }).waitFor({ state: 'detached' });
    const rows = await t.platform.db('risk_warnings').where({ customer_id: c.steel!.id }).orderBy('opened_at');
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['closed', 'open']);
    for (const p of [hq, county, manager]) {
      expect(pageErrors(p)).toEqual([]);
      await p.context().close();
    }
  });

  it('HQ: a group’s tree with its totals, and the daily statistics (zh and en)', async () => {
    for (const locale of ['zh', 'en'] as const) {
      const page = await newUserPage(chrome.browser, t.url, 'hq.supervisor', { locale });
      const zh = locale === 'zh';
      await open(page, '/supervision/groups', zh ? '集团客户' : 'Group customers');
      const totals = page.getByTestId('group-totals');
      await totals.waitFor({ timeout: LIVE_TIMEOUT });
      expect(await totals.textContent()).toContain('¥1,200,000.00');
      expect(await totals.textContent()).toContain(zh ? '2 户' : '2 accounts');
      expect(await page.locator(`li[data-account="${c.child!.accountNo}"]`).textContent()).toContain('¥500,000.00');
      await screenshot(page, `supervision-groups-${locale}`);

      await open(page, '/supervision/dashboard', zh ? '高风险每日统计' : 'High-risk daily statistics');
      await page.getByTestId('kpis').waitFor();
      const byProvince = page.getByRole('table', { name: zh ? '按省公司' : 'By province' });
      await expect.poll(() => byProvince.locator('tbody tr').count()).toBe(2);
      await expect.poll(() => page.locator('.sv-big').count()).toBe(2);
      await screenshot(page, `supervision-dashboard-${locale}`);

      await open(page, '/supervision', zh ? '高风险用户名单' : 'High-risk register');
      await page.locator(`tr[data-account="${c.steel!.accountNo}"]`).waitFor();
      await screenshot(page, `supervision-register-${locale}`);
      await open(page, '/supervision/warnings', zh ? '预警工单' : 'Warning orders');
      await page.locator('tbody tr').first().waitFor();
      await screenshot(page, `supervision-warnings-${locale}`);
      if (!zh) {
        const province = page.getByRole('form', { name: 'Warning orders' }).getByLabel('Province');
        await expect
          .poll(() => province.locator('option').allTextContents())
          .toEqual(['All', 'Anhui Electric Power', 'Jiangsu', 'Zhejiang']);
        await page.locator(`tr[data-warning-id] a`, { hasText: c.steel!.accountNo }).first().click();
        await page.getByRole('heading', { name: /Warning order · / }).waitFor();
        // the steel works' new order, open: HQ escalates it in English
        const escalate = page.getByRole('form', { name: 'HQ escalation (督办)' });
        await escalate.getByLabel('Reason').fill('No measure reported yet: act today');
        await escalate.getByRole('button', { name: 'Escalate (督办)' }).click();
        await page.getByTestId('warning-facts').getByText('Escalated 1×').waitFor();
        await expect
          .poll(() => page.getByTestId('escalations').textContent())
          .toContain('while waiting for the answer');
        await screenshot(page, 'supervision-warning-en');
        await open(page, '/supervision/industries', 'High-energy industry list');
        await screenshot(page, 'supervision-industries-en');
      }
      expect(pageErrors(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('a province reads its own province only; the industry list is read-only for it (en)', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'zj.manager', { locale: 'en' });
    await page.getByRole('navigation').getByRole('link', { name: 'High-risk supervision' }).click();
    await page.getByRole('heading', { name: 'High-risk register' }).waitFor();
    await page.locator(`tr[data-account="${c.steel!.accountNo}"]`).waitFor();
    expect(await page.locator(`tr[data-account="${c.paper!.accountNo}"]`).count()).toBe(0);
    const province = page.getByRole('form', { name: 'High-risk register' }).getByLabel('Province');
    await expect.poll(() => province.locator('option').allTextContents()).toEqual(['All', 'Zhejiang']);
    expect(await page.getByRole('link', { name: 'Group customers' }).count()).toBe(0);
    await open(page, '/supervision/industries', 'High-energy industry list');
    await page.getByText('Provinces read the published version only.').waitFor();
    expect(await page.getByRole('button', { name: 'Edit draft' }).count()).toBe(0);
    await screenshot(page, 'supervision-province-en');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

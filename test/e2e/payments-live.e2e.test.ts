import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../integration/marketing/accounts.js';
import type { ApiClient } from '../support/client.js';
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
 * The back office's payments page: payments listed newest first across the user's counties, and
 * a payment made while the page is open put on top without a reload (`payment:received`).
 */
describe('payments received, live, in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let xhCollector: ApiClient;
  let yhCollector: ApiClient;
  let key = 0;

  const pay = async (client: ApiClient, customerId: string, amount: string, channel: string, paidAt: string) => {
    const res = await client.post('/api/v1/payments', {
      customerId,
      channel,
      amount,
      paidAt,
      idempotencyKey: `e2e-live-${++key}-${Date.now()}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  /** Marks the document: a full reload would lose the mark. */
  const markDocument = (page: Page) => page.evaluate(() => ((globalThis as unknown as { pmMark: number }).pmMark = 1));
  const stillMarked = (page: Page) => page.evaluate(() => (globalThis as unknown as { pmMark?: number }).pmMark === 1);

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    xhCollector = await t.as('xh.collector');
    yhCollector = await t.as('yh.collector');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('shows the county’s payments newest first and puts a new one on top as it is made (zh)', async () => {
    // given a Xihu customer who paid at the counter earlier, and a Yuhang customer
    const xh = await newCustomer(await t.as('xh.clerk'), { name: '西湖缴费客户' });
    const yh = await newCustomer(await t.as('yh.clerk'), { name: '余杭缴费客户' });
    const earlier = await pay(xhCollector, xh.id, '197.20', 'counter', '2026-11-20T09:30:00+08:00');

    // and the Xihu collector with the payments page open through the navigation
    const page = await newUserPage(chrome.browser, t.url, 'xh.collector');
    await page.getByRole('navigation').getByRole('link', { name: '收费记录' }).click();
    await page.getByRole('heading', { name: '收费记录' }).waitFor();
    const rows = page.locator('tbody tr');
    const first = page.locator(`tbody tr[data-payment-id="${earlier}"]`);
    await first.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await first.textContent()).toContain('营业厅柜台');
    expect(await first.textContent()).toContain('¥197.20');
    const before = await rows.count();
    await markDocument(page);

    // when a Yuhang payment, then a Xihu online payment of 1,234.50 are posted through the API
    await pay(yhCollector, yh.id, '55.00', 'counter', new Date().toISOString());
    const online = await pay(xhCollector, xh.id, '1234.50', 'web', new Date().toISOString());

    // then the Xihu payment is on top, without a reload, translated and as money; Yuhang's is not there
    const top = page.locator(`tbody tr[data-payment-id="${online}"]`);
    await top.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await rows.count()).toBe(before + 1);
    expect(await rows.first().getAttribute('data-payment-id')).toBe(online);
    const text = await top.textContent();
    expect(text).toContain('网上营业厅');
    expect(text).toContain('¥1,234.50');
    expect(text).toContain('西湖缴费客户');
    expect(text).toContain(xh.accountNo);
    expect(await top.locator('.payment-new').textContent()).toBe('新');
    expect(await first.locator('.payment-new').count()).toBe(0);
    expect(await page.getByText('余杭缴费客户').count()).toBe(0);
    expect(await stillMarked(page)).toBe(true);
    await screenshot(page, 'payments-live-zh');

    // and the channel filter narrows the list to the counter payment
    await page.getByLabel('缴费渠道').selectOption('counter');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator(`tbody tr[data-payment-id="${online}"]`).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    expect(await first.count()).toBe(1);
    for (const row of await rows.all()) expect(await row.textContent()).toContain('营业厅柜台');
    expect(pageErrors(page)).toEqual([]);
  });

  it('does the same in English', async () => {
    // given a leader of Xihu (billing read) with the page open in English
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await page.getByRole('navigation').getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('heading', { name: 'Payments' }).waitFor();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: LIVE_TIMEOUT }).toBeGreaterThan(0);
    const before = await rows.count();
    await markDocument(page);

    // when a customer pays at the counter
    const c = await newCustomer(await t.as('xh.clerk'), { name: 'Li Lei' });
    const id = await pay(xhCollector, c.id, '88', 'counter', new Date().toISOString());

    // then it is on top without a reload
    const top = page.locator(`tbody tr[data-payment-id="${id}"]`);
    await top.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await rows.count()).toBe(before + 1);
    expect(await rows.first().getAttribute('data-payment-id')).toBe(id);
    const text = await top.textContent();
    expect(text).toContain('Counter');
    expect(text).toContain('¥88.00');
    expect(text).toContain('Payment');
    expect(await page.getByText('Online hall').count()).toBeGreaterThan(0);
    expect(await stillMarked(page)).toBe(true);
    await screenshot(page, 'payments-live-en');
    expect(pageErrors(page)).toEqual([]);
  });

  it('is not in the navigation of staff without billing read', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    await page.getByRole('navigation').getByRole('link').first().waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: '收费记录' }).count()).toBe(0);
  });
});

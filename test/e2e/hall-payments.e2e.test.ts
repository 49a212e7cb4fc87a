import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, screenshot, type TestBrowser } from './support/browser.js';
import { hallPhonePage, PHONE, signInToHall } from './support/hall.js';

/**
 * Paying online in the customer hall (/hall/#/pay) at a phone's size: the unpaid bills oldest
 * first, the bank simulator's account picker, a refusal for the balance in the reader's language,
 * and a payment that ends on its receipt.
 */
// 陈刚, the demo household with arrears, and its simulated bank accounts (server/payments/bank-simulator.ts)
const CHEN = { phone: '13900000004', rich: 'SIM-6222-0004-01', poor: 'SIM-6222-0004-02' };

describe('paying online in the customer hall in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const db = () => t.database.db;
  const phonePage = (browser: Browser, locale: 'zh' | 'en') => hallPhonePage(browser, t.url, locale);

  async function expectNoOverflow(page: Page) {
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await seedDemoHallCustomers(db());
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('refuses a payment the bank account cannot cover, in English, and records nothing', async () => {
    // given 陈刚 signed in, on the Pay page in English
    const page = await phonePage(chrome.browser, 'en');
    await signInToHall(page, db, CHEN.phone, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Pay' }).click();
    await page.getByRole('heading', { name: 'Pay online' }).waitFor();
    const payments = Number((await db()('payments').count<{ n: string }[]>('* as n'))[0]!.n);

    // when paying from the account holding 1.00
    await page.getByLabel('Pay from bank account').selectOption(CHEN.poor);
    await page.getByRole('button', { name: /^Pay / }).click();

    // then the refusal is shown in English, and no payment was recorded
    await page.getByRole('alert').filter({ hasText: 'balance is too low' }).waitFor();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-pay-refused-en');
    expect(Number((await db()('payments').count<{ n: string }[]>('* as n'))[0]!.n)).toBe(payments);
    await page.context().close();
  });

  it('pays the unpaid bills oldest first and shows the receipt, in Chinese', async () => {
    // given 陈刚 signed in, on the Pay page: every unpaid bill chosen
    const page = await phonePage(chrome.browser, 'zh');
    await signInToHall(page, db, CHEN.phone, 'zh');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '缴费' }).click();
    await page.getByRole('heading', { name: '在线缴费' }).waitFor();
    const boxes = page.getByRole('checkbox');
    await boxes.first().waitFor();
    expect(await boxes.count()).toBeGreaterThanOrEqual(2);
    // unticking the oldest bill unticks the newer ones (oldest first), ticking it back ticks only it
    await boxes.first().uncheck();
    expect(await boxes.nth(1).isChecked()).toBe(false);
    await boxes.last().check();
    expect(await boxes.first().isChecked()).toBe(true);
    const total = (await page.getByTestId('pay-total').textContent())!;
    const chosen = await boxes.count();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-pay-zh');

    // when paying from the account with enough
    await page.getByLabel('付款银行账户').selectOption(CHEN.rich);
    await page.getByRole('button', { name: /^确认支付/ }).click();

    // then the receipt shows the amount, the bills settled and the reference
    await page.getByRole('heading', { name: '缴费凭证' }).waitFor();
    expect(await page.getByTestId('receipt-amount').textContent()).toBe(total);
    expect(await page.locator('.hall-receipt-bills li').count()).toBe(chosen);
    await expectNoOverflow(page);
    await screenshot(page, 'hall-pay-receipt-zh');
    await page.context().close();
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, pageErrors, screenshot, type TestBrowser } from './support/browser.js';
import { hallPhonePage, PHONE, signInToHall, smsOutbox } from './support/hall.js';

/**
 * The hall's profile and message centre in Chromium at a phone's size: the phone changed with the
 * code read from the development gateway's outbox (zh), e-bill and a subscription switched (en),
 * and a notice opened from the message centre, its unread badge gone after reading (zh and en).
 */

describe('the hall profile and message centre in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const db = () => t.database.db;
  const { codesSentTo, codeSentTo } = smsOutbox(db);
  const phonePage = (browser: Browser, locale: 'zh' | 'en') => hallPhonePage(browser, t.url, locale);

  /** No horizontal scrolling at a phone's width, nor at the narrowest phone the hall serves (375 px). */
  async function expectNoOverflow(page: Page) {
    for (const width of [PHONE.width, 375]) {
      await page.setViewportSize({ width, height: PHONE.height });
      const wide = await page.evaluate(
        `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > ${width} + 0.5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`,
      );
      expect(wide, `wider than ${width} px`).toEqual([]);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize(PHONE);
  }

  /** A notice the back office sent about an account, through the platform's notification service. */
  async function notice(accountNo: string, key: string) {
    const customer = await db()('customers').where({ account_no: accountNo }).first<{ id: string }>('id');
    return t.platform.services.notifications.send(
      {
        template: 'arrears_reminder',
        customerId: customer.id,
        params: { asOf: '2026-11-30', arrears: '120.50', lateFee: '1.20' },
      },
      { idempotencyKey: key, by: 'system' },
    );
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await seedDemoHallCustomers(db());
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('changes the contact phone with the code sent to the new phone (zh)', async () => {
    // given a signed-in customer on the profile page
    const page = await phonePage(chrome.browser, 'zh');
    await signInToHall(page, db, '13900000001', 'zh');
    await page.getByRole('link', { name: '我的' }).click();
    await page.getByRole('heading', { name: '我的资料' }).waitFor();
    await expect.poll(() => page.getByTestId('profile-phone').textContent()).toBe('139****0001');

    // when the new phone gets its code and the code is entered
    await page.getByRole('button', { name: '更换手机号' }).click();
    await page.getByLabel('新手机号').fill('13700000001');
    const asked = await codesSentTo('13700000001');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByRole('button', { name: /秒后可重发/ }).waitFor();
    const code = await codeSentTo('13700000001', asked);
    // a wrong code first: refused, and the phone stays
    await page.getByLabel('短信验证码').fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: '确认更换' }).click();
    await page.getByRole('alert').filter({ hasText: '验证码错误' }).waitFor();
    expect(await db()('customer_logins').where({ phone: '13900000001' }).first('id')).toBeDefined();
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '确认更换' }).click();

    // then the profile shows the new phone, masked, and the login has it
    await page.getByRole('status').filter({ hasText: '联系电话已更换为 137****0001' }).waitFor();
    await expect.poll(() => page.getByTestId('profile-phone').textContent()).toBe('137****0001');
    expect(await db()('customer_logins').where({ phone: '13700000001' }).first('id')).toBeDefined();
    expect(await db()('customer_logins').where({ phone: '13900000001' }).first('id')).toBeUndefined();
    await page.getByRole('switch', { name: '账单出账通知' }).waitFor();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-profile-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('switches e-bill and a subscription, which stay after a reload (en)', async () => {
    const page = await phonePage(chrome.browser, 'en');
    await signInToHall(page, db, '13900000002', 'en');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'My profile' }).waitFor();

    // when e-bill is turned on and the planned-outage notice off
    const eBill = page.getByRole('switch', { name: 'E-bill instead of a paper bill' });
    const outage = page.getByRole('switch', { name: 'Planned outage' });
    expect(await eBill.getAttribute('aria-checked')).toBe('false');
    expect(await outage.getAttribute('aria-checked')).toBe('true');
    await eBill.click();
    await page.getByRole('status').filter({ hasText: 'E-bill: on' }).waitFor();
    await outage.click();
    await page.getByRole('status').filter({ hasText: 'Planned outage: off' }).waitFor();
    // and an invalid e-mail is refused in the field, a valid one saved and shown masked
    await page.getByLabel('E-mail').fill('not-an-email');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'valid e-mail' }).waitFor();
    expect(await page.getByLabel('E-mail').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('E-mail').fill('li.na@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Current: l***@example.com').waitFor();

    // then the server has them, and the page shows them after a reload
    const login = await db()('customer_logins').where({ phone: '13900000002' }).first<{ id: string }>('id');
    const row = await db()('customer_profiles')
      .where({ login_id: login.id })
      .first<{ e_bill: boolean; notify_outage: boolean; email: string }>('e_bill', 'notify_outage', 'email');
    expect(row).toEqual({ e_bill: true, notify_outage: false, email: 'li.na@example.com' });
    await page.reload();
    await expect.poll(() => eBill.getAttribute('aria-checked')).toBe('true');
    expect(await outage.getAttribute('aria-checked')).toBe('false');
    await expectNoOverflow(page);
    await screenshot(page, 'hall-profile-en');
    expect(pageErrors(page)).toEqual([]);
  });

  it.each(['zh', 'en'] as const)(
    'opens a notice from the message centre; the unread badge goes (%s)',
    async (locale) => {
      // given two notices about the customer's account, one of them unread after the other is read
      const phone = locale === 'zh' ? '13900000004' : '13900000006';
      const accountNo = locale === 'zh' ? 'H3301000004' : 'H3301000006';
      await notice(accountNo, `e2e-profile:${locale}:1`);
      const newest = await notice(accountNo, `e2e-profile:${locale}:2`);
      const page = await phonePage(chrome.browser, locale);
      await signInToHall(page, db, phone, locale);
      const nav = page.getByRole('navigation', { name: locale === 'zh' ? '主导航' : 'Main navigation' });
      const unread = locale === 'zh' ? '消息，2 条未读' : 'Inbox, 2 unread';
      await nav.getByRole('link', { name: unread }).click();

      // when the message centre lists them, newest first, and one is opened
      await page.getByRole('heading', { name: locale === 'zh' ? '消息中心' : 'Inbox' }).waitFor();
      await page.getByText(locale === 'zh' ? '共 2 条，2 条未读' : '2 in the inbox, 2 unread').waitFor();
      await expectNoOverflow(page);
      await screenshot(page, `hall-messages-${locale}`);
      const items = page.getByRole('list', { name: locale === 'zh' ? '消息中心' : 'Inbox' }).getByRole('link');
      await expect.poll(() => items.count()).toBe(2);
      expect(await items.first().getAttribute('href')).toBe(`#/messages/${newest.id}`);
      await items.first().click();

      // then the notice reads in full, and the badge counts one unread
      await page.getByRole('heading', { name: locale === 'zh' ? '欠费提醒' : 'Arrears reminder' }).waitFor();
      await page.getByText(locale === 'zh' ? /欠电费120.50元/ : /owes 120.50 yuan/).waitFor();
      await nav.getByRole('link', { name: locale === 'zh' ? '消息，1 条未读' : 'Inbox, 1 unread' }).waitFor();
      expect(await db()('customer_notice_reads').where({ notification_id: newest.id })).toHaveLength(1);
      await expectNoOverflow(page);
      expect(pageErrors(page)).toEqual([]);
    },
  );
});

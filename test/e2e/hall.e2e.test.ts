import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, pageErrors, screenshot, type TestBrowser } from './support/browser.js';
import { hallPhonePage, PHONE, signInToHall, smsOutbox } from './support/hall.js';

/**
 * The customer hall (/hall/) in Chromium at a phone's size: registration and sign-in with SMS codes
 * read from the development gateway's outbox, a household's home, bills and a bill's lines, usage,
 * the language switch, and a hall that never calls the staff API.
 */
const HALL = '/api/hall/v1';

describe('the customer hall in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const db = () => t.database.db;
  const { codesSentTo, codeSentTo } = smsOutbox(db);

  /** A minute passes for the phone's codes, as far as the one-a-minute limit is concerned. */
  async function aMinuteLater(phone: string) {
    await db()('sms_codes')
      .where({ recipient_key: phone })
      .update({ created_at: db().raw(`created_at - interval '61 seconds'`) });
  }

  /** A phone-sized page of its own (own cookies and storage); every request it makes is kept. */
  async function phonePage(browser: Browser, locale: 'zh' | 'en' = 'zh') {
    const page = await hallPhonePage(browser, t.url, locale);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    return { page, requests };
  }

  /** The hall API's own answer, asked from the signed-in page (its cookie). */
  async function hallGet<T>(page: Page, path: string): Promise<T> {
    return page.evaluate(async (url) => (await fetch(url)).json() as Promise<T>, `${HALL}${path}`);
  }

  /** No horizontal scrolling at a phone's width. */
  async function expectNoOverflow(page: Page) {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await seedDemoHallCustomers(db());
    // An account nobody has registered yet.
    await db()('customers').insert({
      id: '7d1c1a39-5d5e-4a5b-9c55-2f0f7c7f0e2e',
      account_no: 'T9900000077',
      name: '周晓燕',
      phone: '13800000077',
      department_id: 'ZJ-HZ-XH',
      elec_type_code: '202',
    });
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('registers with a code from the outbox, refuses a second code within the minute, then signs in by account number', async () => {
    // given the registration page
    const { page, requests } = await phonePage(chrome.browser);
    await page.goto('/hall/');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await screenshot(page, 'hall-sign-in-zh');
    await page.getByRole('link', { name: '没有账号？注册' }).click();
    await page.getByRole('heading', { name: '注册' }).waitFor();

    // when the account is proven with the code sent to the phone on file
    await page.getByLabel('户号').fill('T9900000077');
    await page.getByLabel('户名').fill('周晓燕');
    await page.getByLabel('预留手机号').fill('13800000077');
    const asked = await codesSentTo('13800000077');
    await page.getByRole('button', { name: '获取验证码' }).click();
    const code = await codeSentTo('13800000077', asked);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByLabel('设置密码').fill('hall2026pw');
    await page.getByRole('button', { name: '注册', exact: true }).click();

    // then the sign-in page says so, with the masked phone
    await page.getByText('注册成功，请用 138****0077 或户号登录。').waitFor();

    // and a second code within the minute is refused with the server's wait, the button counting it down
    await page.getByLabel('手机号或户号').fill('T9900000077');
    await page.getByLabel('密码').fill('hall2026pw');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /每分钟只能获取一次验证码，请 \d+ 秒后再试。/ })
      .waitFor();
    expect(await page.getByRole('button', { name: /\d+ 秒后可重发/ }).isDisabled()).toBe(true);

    // when a minute has passed and the account number signs in with password and a new code
    await aMinuteLater('13800000077');
    await page.reload();
    await page.getByLabel('手机号或户号').fill('T9900000077');
    await page.getByLabel('密码').fill('hall2026pw');
    const again = await codesSentTo('13800000077');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByLabel('短信验证码').fill(await codeSentTo('13800000077', again));
    await page.getByRole('button', { name: '登录', exact: true }).click();

    // then the account's home opens, its data masked as the server sends it
    await page.getByRole('heading', { name: '首页' }).waitFor();
    await page.getByText('周晓燕').first().waitFor();
    const me = await hallGet<{ phone: string }>(page, '/me');
    expect(me.phone).toBe('138****0077');
    await expectNoOverflow(page);

    // and the hall never called the staff API; a customer session does not open it
    expect(requests.filter((p) => p.startsWith('/api/v1'))).toEqual([]);
    expect(requests.some((p) => p.startsWith(HALL))).toBe(true);
    const staff = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(staff).toBe(401);

    // and signing out returns to the sign-in page
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it("shows a household's balance, last bill, estimate and tiers; its bills with their lines; and its usage chart", async () => {
    // given 王小明, a TOU household part-way through its tiers, signed in on a phone
    const { page, requests } = await phonePage(chrome.browser);
    await signInToHall(page, db, '13900000001', 'zh');
    const me = await hallGet<{ accounts: { id: string }[] }>(page, '/me');
    const accountId = me.accounts[0]?.id as string;
    type Home = {
      netBalance: string;
      lastBill: { total: string } | null;
      estimate: { amount: string } | null;
      tiers: { usedKwh: string; currentTier: number } | null;
    };
    const home = await hallGet<Home>(page, `/accounts/${accountId}/home`);

    // then home shows the server's figures
    await page.getByRole('heading', { name: '首页' }).waitFor();
    const figures = page.getByRole('main');
    await figures.getByRole('heading', { name: '最近账单' }).waitFor();
    const yuan = (s: string) => `¥${Number(s.replace(/^-/, '')).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    expect(await page.getByTestId('net-balance').textContent()).toBe(yuan(home.netBalance));
    expect(home.lastBill).not.toBeNull();
    expect(await figures.textContent()).toContain(yuan(home.lastBill?.total ?? '0'));
    expect(home.estimate).not.toBeNull();
    expect(await page.getByTestId('estimate-amount').textContent()).toBe(yuan(home.estimate?.amount ?? '0'));
    expect(home.tiers).not.toBeNull();
    await page.getByRole('meter').waitFor();
    expect(await page.getByTestId('tier-used').textContent()).toContain(
      Number(home.tiers?.usedKwh).toLocaleString('en-US', { maximumFractionDigits: 2 }),
    );
    await page.getByText(`当前第 ${home.tiers?.currentTier} 档`).waitFor();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-home-zh');

    // when the bills tab opens
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '账单' }).click();
    await page.getByRole('heading', { name: '账单' }).waitFor();
    const list = await hallGet<{ items: { id: string; period: string }[] }>(page, `/accounts/${accountId}/bills`);
    const items = page.getByRole('list', { name: '账单' }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(list.items.length);
    await expectNoOverflow(page);
    await screenshot(page, 'hall-bills-zh');

    // then the newest bill's detail shows exactly the server's lines
    await items.first().getByRole('link').click();
    const first = list.items[0] as { id: string };
    const bill = await hallGet<{ lines: { amount: string }[]; total: string }>(
      page,
      `/accounts/${accountId}/bills/${first.id}`,
    );
    await page.getByRole('heading', { name: /电费账单$/ }).waitFor();
    const rows = page.locator('table.hall-lines tbody tr');
    await expect.poll(() => rows.count()).toBe(bill.lines.length);
    expect(bill.lines.length).toBeGreaterThan(0);
    for (const [i, line] of bill.lines.entries())
      expect(await rows.nth(i).locator('td').textContent()).toBe(line.amount);
    expect(await page.getByTestId('bill-total').textContent()).toBe(yuan(bill.total));
    // and no label is left in the billing run's English
    expect(await page.locator('table.hall-lines tbody').textContent()).not.toMatch(/Energy|charge|fund|tier/i);
    await page.getByRole('button', { name: '打印账单' }).waitFor();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-bill-zh');
    // and the printed bill is the bill alone: no navigation, no buttons, the utility's name on top
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: '主导航' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印账单' }).isVisible()).toBe(false);
    await page.getByText('国网电力 · 网上营业厅').waitFor();
    await screenshot(page, 'hall-bill-print-zh');
    await page.emulateMedia({ media: 'screen' });

    // when the usage tab opens, 12 then 24 months
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用电' }).click();
    await page.getByRole('heading', { name: '用电' }).waitFor();
    const usage12 = await hallGet<{ months: unknown[] }>(page, `/accounts/${accountId}/usage?months=12`);
    const bars = page.locator('figure.hall-chart svg g[data-period]');
    await expect.poll(() => bars.count()).toBe(usage12.months.length);
    expect(usage12.months.length).toBeGreaterThan(0);
    // a TOU meter's bars are stacked peak / flat / valley
    expect(await page.locator('figure.hall-chart rect.bar.peak').count()).toBe(usage12.months.length);
    await page.getByRole('heading', { name: '峰谷分布' }).waitFor();
    await expectNoOverflow(page);
    await screenshot(page, 'hall-usage-zh');
    const usage24 = await hallGet<{ months: unknown[] }>(page, `/accounts/${accountId}/usage?months=24`);
    await page.getByRole('button', { name: '近 24 个月' }).click();
    await expect.poll(() => page.getByRole('button', { name: '近 24 个月' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => bars.count()).toBe(usage24.months.length);

    expect(requests.filter((p) => p.startsWith('/api/v1'))).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
  });

  it('switches to English and back, remembering the choice across a reload', async () => {
    // given a signed-in customer in Chinese
    const { page } = await phonePage(chrome.browser);
    await signInToHall(page, db, '13900000001', 'zh');
    await page.getByRole('heading', { name: '首页' }).waitFor();

    // when English is chosen and the page reloads
    await page.getByRole('button', { name: '切换语言' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.reload();

    // then the hall is still in English, every screen of it
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await page.getByRole('heading', { name: 'Latest bill' }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en');
    await screenshot(page, 'hall-home-en');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Bills' }).click();
    await page.getByRole('heading', { name: 'Bills' }).waitFor();
    await page.getByRole('list', { name: 'Bills' }).getByRole('listitem').first().waitFor();
    await screenshot(page, 'hall-bills-en');
    await page.getByRole('list', { name: 'Bills' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: /^Bill for / }).waitFor();
    await page.locator('table.hall-lines tbody tr').first().waitFor();
    await screenshot(page, 'hall-bill-en');
    await nav.getByRole('link', { name: 'Usage' }).click();
    await page.locator('figure.hall-chart svg g[data-period]').first().waitFor();
    await screenshot(page, 'hall-usage-en');
    // no Chinese is left on an English screen (the account's own name and address aside)
    const text = (await page.getByRole('main').innerText()).replace(/王小明|[^\n]*市[^\n]*/g, '');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    await expectNoOverflow(page);

    // when the customer switches back
    await page.getByRole('button', { name: 'Switch language' }).click();
    await page.getByRole('heading', { name: '用电' }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('zh-CN');

    // and the signed-out sign-in page follows the remembered choice
    await page.getByRole('button', { name: '切换语言' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'hall-sign-in-en');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a household in arrears its late fee accruing today and the overdue bills', async () => {
    // given 陈刚, whose last two bills are unpaid
    const { page } = await phonePage(chrome.browser);
    await signInToHall(page, db, '13900000004', 'zh');
    const me = await hallGet<{ accounts: { id: string }[] }>(page, '/me');
    const home = await hallGet<{ lateFeeToday: string; alerts: { code: string }[] }>(
      page,
      `/accounts/${me.accounts[0]?.id}/home`,
    );

    // then home shows what is owed, the late fee of today and an alert per overdue bill
    await page.getByRole('heading', { name: '应缴金额' }).waitFor();
    expect(Number(home.lateFeeToday)).toBeGreaterThan(0);
    expect(await page.getByTestId('late-fee').textContent()).toContain(`今日违约金 ¥${home.lateFeeToday}`);
    const alerts = page
      .getByRole('list')
      .filter({ has: page.locator('.hall-alert') })
      .getByRole('listitem');
    await expect.poll(() => alerts.count()).toBe(home.alerts.length);
    expect(await alerts.first().textContent()).toMatch(/电费已逾期 \d+ 天/);
    await expectNoOverflow(page);
    await screenshot(page, 'hall-home-arrears-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('lets a login holding two accounts switch between them', async () => {
    // given 李华, whose login holds the home and the shop
    const { page } = await phonePage(chrome.browser);
    await signInToHall(page, db, '13900000002', 'zh');
    const switcher = page.getByLabel('切换用电户');
    await switcher.waitFor();
    expect(await switcher.locator('option').count()).toBe(2);
    await page.getByText('居民用户').waitFor();

    // when the shop is chosen
    await switcher.selectOption({ label: '李华 · H3301000003' });

    // then its home is shown, estimated by working days
    await page.getByText('非居民用户').waitFor();
    await page.getByText(/工作日日均/).waitFor();
    expect(await page.getByRole('meter').count()).toBe(0);
    await expectNoOverflow(page);
    expect(pageErrors(page)).toEqual([]);
  });

  it('resets a forgotten password with a code to the login phone, in English; the old password no longer signs in', async () => {
    // given the sign-in page in English, and the reset form reached from it
    const phone = '13900000005';
    const { page } = await phonePage(chrome.browser, 'en');
    await aMinuteLater(phone);
    await page.goto('/hall/');
    await page.getByRole('link', { name: 'Forgot password' }).click();
    await page.getByRole('heading', { name: 'Reset password' }).waitFor();

    // when a code is sent to the login phone and a new password set with it
    await page.getByLabel('Phone or account number').fill(phone);
    const asked = await codesSentTo(phone);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('SMS code').fill(await codeSentTo(phone, asked));
    await page.getByLabel('New password').fill('reset2026pw');
    await expectNoOverflow(page);
    await screenshot(page, 'hall-reset-en');
    await page.getByRole('button', { name: 'Reset password' }).click();

    // then the sign-in page says so
    await page.getByText('Password reset').first().waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // and the old password is refused while the new one signs in (each with a fresh code)
    const attempt = async (password: string) => {
      await aMinuteLater(phone);
      await page.getByLabel('Phone or account number').fill(phone);
      await page.getByLabel('Password', { exact: true }).fill(password);
      const before = await codesSentTo(phone);
      await page.getByRole('button', { name: /Send code|Resend/ }).click();
      await page.getByLabel('SMS code').fill(await codeSentTo(phone, before));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    await attempt('demo1234');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.reload();
    await attempt('reset2026pw');
    await page.getByRole('navigation').waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});

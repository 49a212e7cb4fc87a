import type { Knex } from 'knex';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { failOnPageErrors, STEP_TIMEOUT } from './browser.js';

/** The customer hall is tested at a phone's size. */
export const PHONE = { width: 390, height: 844 };

/**
 * The SMS codes the development gateway "sent" to a phone: rows of the notifications outbox.
 * Read by counting, not by time: on a quiet machine an earlier code can be written within any
 * slack before the click that asked for the next.
 */
export function smsOutbox(db: () => Knex) {
  const sent = (phone: string) => db()('notifications').where({ recipient: phone, template: 'hall_sms_code' });
  return {
    /** How many codes were sent to the phone so far. */
    async codesSentTo(phone: string): Promise<number> {
      const rows = await sent(phone).count<{ n: string }[]>('* as n');
      return Number(rows[0]?.n);
    },
    /** The code of the first notice to the phone beyond the `before` already sent. */
    async codeSentTo(phone: string, before: number): Promise<string> {
      let code: string | undefined;
      await expect
        .poll(
          async () => {
            const rows = await sent(phone).orderBy('created_at', 'asc').select<{ body: string }[]>('body');
            code = rows.length > before ? /(\d{6})/.exec(rows[before]?.body ?? '')?.[1] : undefined;
            return code;
          },
          { timeout: STEP_TIMEOUT },
        )
        .toBeTruthy();
      return code as string;
    },
  };
}

/** The sign-in form's words in each language. */
const SIGN_IN = {
  zh: {
    loginName: '手机号或户号',
    password: '密码',
    send: '获取验证码',
    wait: /秒后可重发/,
    code: '短信验证码',
    submit: '登录',
    nav: '主导航',
  },
  en: {
    loginName: 'Phone or account number',
    password: 'Password',
    send: 'Send code',
    wait: /Resend in/,
    code: 'SMS code',
    submit: 'Sign in',
    nav: 'Main navigation',
  },
};

/**
 * Signs a customer in through the hall's form in `locale`: password and the code the outbox holds
 * for the phone. The phone's earlier codes are aged a minute first, so the one-a-minute limit
 * does not refuse this one.
 */
export async function signInToHall(
  page: Page,
  db: () => Knex,
  phone: string,
  locale: 'zh' | 'en',
  { loginName = phone, password = 'demo1234' }: { loginName?: string; password?: string } = {},
): Promise<void> {
  const words = SIGN_IN[locale];
  const { codesSentTo, codeSentTo } = smsOutbox(db);
  await db()('sms_codes')
    .where({ recipient_key: phone })
    .update({ created_at: db().raw(`created_at - interval '61 seconds'`) });
  await page.goto('/hall/');
  await page.getByLabel(words.loginName).fill(loginName);
  await page.getByLabel(words.password, { exact: true }).fill(password);
  const asked = await codesSentTo(phone);
  await page.getByRole('button', { name: words.send }).click();
  await page.getByRole('button', { name: words.wait }).waitFor();
  await page.getByLabel(words.code).fill(await codeSentTo(phone, asked));
  await page.getByRole('button', { name: words.submit, exact: true }).click();
  await page.getByRole('navigation', { name: words.nav }).waitFor();
}

/** A phone-sized page with cookies and storage of its own, in `locale` until the hall's switch says otherwise. */
export async function hallPhonePage(browser: Browser, baseURL: string, locale: 'zh' | 'en'): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: locale === 'en' ? 'en-US' : 'zh-CN',
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript({
    content: `if (!localStorage.getItem('pm.locale')) localStorage.setItem('pm.locale', ${JSON.stringify(locale)});`,
  });
  const page = await context.newPage();
  failOnPageErrors(page);
  return page;
}

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  STEP_TIMEOUT,
  type Locale,
  type TestBrowser,
} from './support/browser.js';

const WORDS = {
  zh: {
    manage: (n: string) => `管理用户 ${n}`,
    name: '姓名',
    department: '部门',
    save: '保存',
    deactivate: '停用账号',
    inactive: '停用',
    newPassword: '新密码',
    resetPassword: '重置密码',
    revoke: (n: string) => `吊销令牌 ${n}`,
    loginUser: '用户名',
    loginPassword: '密码',
    login: '登录',
    nav: '主导航',
  },
  en: {
    manage: (n: string) => `Manage user ${n}`,
    name: 'Name',
    department: 'Department',
    save: 'Save',
    deactivate: 'Deactivate',
    inactive: 'Inactive',
    newPassword: 'New password',
    resetPassword: 'Reset password',
    revoke: (n: string) => `Revoke the token ${n}`,
    loginUser: 'User name',
    loginPassword: 'Password',
    login: 'Log in',
    nav: 'Main navigation',
  },
} as const;

/** Tries the login page; answers whether the shell's navigation appeared (signed in) or an alert did. */
async function tryLogin(browser: Browser, url: string, locale: Locale, username: string, password: string) {
  const w = WORDS[locale];
  const context = await browser.newContext({ baseURL: url, locale: locale === 'en' ? 'en-US' : 'zh-CN' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.addInitScript({ content: `localStorage.setItem('pm.locale', ${JSON.stringify(locale)});` });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel(w.loginUser).fill(username);
  await page.getByLabel(w.loginPassword).fill(password);
  await page.getByRole('button', { name: w.login, exact: true }).click();
  const nav = page.getByRole('navigation', { name: w.nav });
  const alert = page.getByRole('alert');
  await Promise.race([nav.waitFor(), alert.waitFor()]);
  const signedIn = (await nav.count()) > 0;
  const said = signedIn ? '' : ((await alert.textContent()) ?? '');
  await context.close();
  return { signedIn, said };
}

describe.each(['zh', 'en'] as Locale[])('user accounts in the administration (%s)', (locale) => {
  const w = WORDS[locale];
  let t: TestPlatform;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    page = await newUserPage(chrome.browser, t.url, 'admin', { locale });
    await page.goto('/#/admin');
    await page.getByTestId('admin-users').waitFor();
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const openUser = async (username: string, displayName: string) => {
    // a dialog a failed case left open would cover the list
    if ((await page.getByRole('dialog').count()) > 0) await page.keyboard.press('Escape');
    await page.goto('/#/admin');
    const row = page.getByTestId('admin-users').getByRole('row').filter({ hasText: username });
    await row.getByRole('button', { name: w.manage(displayName) }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(username.replace(/\./g, '\\.')) });
    await dialog.waitFor();
    return dialog;
  };

  it('edits a user’s name and department', async () => {
    const dialog = await openUser('xh.meter', '西湖计量员');
    const name = locale === 'zh' ? '西湖计量员（调岗）' : 'Xihu meter tech (moved)';
    await dialog.getByLabel(w.name, { exact: true }).fill(name);
    await dialog.getByLabel(w.department, { exact: true }).selectOption({ value: 'ZJ-HZ-YH' });
    await dialog.getByRole('button', { name: w.save, exact: true }).click();
    await expect
      .poll(async () => t.platform.db('users').where({ username: 'xh.meter' }).first('display_name', 'department_id'))
      .toEqual({ display_name: name, department_id: 'ZJ-HZ-YH' });
    await screenshot(page, `admin-user-edit-${locale}`);
    // the list shows the new name after the dialog closes
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.getByTestId('admin-users').getByRole('row').filter({ hasText: 'xh.meter' }).textContent())
      .toContain(name);
    expect(pageErrors(page)).toEqual([]);
  });

  it('deactivates a user, who then cannot sign in', async () => {
    expect((await tryLogin(chrome.browser, t.url, locale, 'xh.collector', 'demo1234')).signedIn).toBe(true);
    const dialog = await openUser('xh.collector', '西湖催费员');
    await dialog.getByRole('button', { name: w.deactivate }).click();
    await expect.poll(() => dialog.getByTestId('user-status').textContent()).toBe(w.inactive);
    await screenshot(page, `admin-user-deactivated-${locale}`);
    const after = await tryLogin(chrome.browser, t.url, locale, 'xh.collector', 'demo1234');
    expect(after.signedIn).toBe(false);
    expect(after.said).not.toBe('');
    await page.keyboard.press('Escape');
  });

  it('resets a user’s password: the new one signs in, the old one no longer does', async () => {
    const dialog = await openUser('xh.auditor', '西湖电费审核员');
    await dialog.getByLabel(w.newPassword).fill('Fresh-2026-pass');
    await dialog.getByRole('button', { name: w.resetPassword }).click();
    await expect
      .poll(async () => (await tryLogin(chrome.browser, t.url, locale, 'xh.auditor', 'Fresh-2026-pass')).signedIn)
      .toBe(true);
    expect((await tryLogin(chrome.browser, t.url, locale, 'xh.auditor', 'demo1234')).signedIn).toBe(false);
    await page.keyboard.press('Escape');
  });

  it('shows a user’s API token, which authenticates with Authorization: Bearer until it is revoked there', async () => {
    // Made through POST /auth/tokens as the owner (their own menu does the same, see api-tokens.e2e);
    // what is tried here is the administrator's view of it and the revocation from there.
    const owner = await t.anonymous().login('xh.account');
    const created = await owner.post('/api/v1/auth/tokens', { name: `cli-${locale}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = created.body.token as string;
    expect(typeof secret).toBe('string');
    const listed = await owner.get('/api/v1/auth/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const bearer = () =>
      fetch(`${t.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
    expect(await bearer()).toBe(200);

    const dialog = await openUser('xh.account', '西湖客户经理');
    const revoke = dialog.getByRole('button', { name: w.revoke(`cli-${locale}`) });
    await revoke.waitFor();
    await screenshot(page, `admin-user-token-${locale}`);
    await revoke.click();
    await expect.poll(bearer).toBe(401);
    expect(pageErrors(page)).toEqual([]);
  });
});

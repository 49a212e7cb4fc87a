import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  type Locale,
  type TestBrowser,
} from './support/browser.js';

const WORDS = {
  zh: {
    menu: /^用户菜单：/,
    myTokens: '我的 API 令牌',
    name: '名称',
    expires: '到期日',
    create: '创建令牌',
    once: '关闭后将不再显示',
    copy: '复制',
    revoke: (n: string) => `吊销令牌 ${n}`,
  },
  en: {
    menu: /^User menu: /,
    myTokens: 'My API tokens',
    name: 'Name',
    expires: 'Expires on',
    create: 'Create token',
    once: 'it will not be shown again',
    copy: 'Copy',
    revoke: (n: string) => `Revoke the token ${n}`,
  },
} as const;

describe.each(['zh', 'en'] as Locale[])('my API tokens from the user menu (%s)', (locale) => {
  const w = WORDS[locale];
  let t: TestPlatform;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    page = await newUserPage(chrome.browser, t.url, 'xh.account', { locale });
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('creates a token shown once, which authenticates with Bearer until it is revoked in the browser', async () => {
    await page.getByRole('button', { name: w.menu }).click();
    await page.getByRole('button', { name: w.myTokens, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: w.myTokens });
    await dialog.waitFor();
    const label = `cli-${locale}`;
    await dialog.getByLabel(w.name, { exact: true }).fill(label);
    await dialog.getByLabel(w.expires, { exact: true }).fill('2099-12-31');
    await dialog.getByRole('button', { name: w.create, exact: true }).click();

    const secretBox = dialog.getByTestId('token-secret');
    await secretBox.waitFor();
    const secret = ((await secretBox.textContent()) ?? '').trim();
    expect(secret).toMatch(/^pmt_[0-9a-f]{8}_/);
    expect(await dialog.textContent()).toContain(w.once);
    await dialog.getByRole('button', { name: w.copy, exact: true }).waitFor();
    const revoke = dialog.getByRole('button', { name: w.revoke(label) });
    await revoke.waitFor();
    // the list never carries the secret
    expect(await dialog.getByTestId('my-tokens').textContent()).not.toContain(secret);
    await screenshot(page, `my-api-token-${locale}`);

    const bearer = () =>
      fetch(`${t.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
    expect(await bearer()).toBe(200);
    const stored = await t.platform.db('api_tokens').where({ name: label }).first('expires_at');
    expect(new Date(stored.expires_at as string).getUTCFullYear()).toBeGreaterThanOrEqual(2099);

    await revoke.click();
    await expect.poll(bearer).toBe(401);
    // revoked: listed without a revoke button, and the secret is gone from the page
    await expect.poll(() => revoke.count()).toBe(0);
    expect(await dialog.textContent()).not.toContain(secret);
    expect(pageErrors(page)).toEqual([]);
  });
});

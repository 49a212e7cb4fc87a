import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

describe('the app shell in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('serves the app at / with a strict Content-Security-Policy and long-cached hashed assets', async () => {
    const root = await t.anonymous().get('/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(root.body as string)?.[1];
    expect(asset).toBeDefined();
    const js = await t.anonymous().get(asset as string);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // a deep link gets the app; a missing asset and an unknown API path stay 404s
    expect((await t.anonymous().get('/worklist')).body).toContain('<div id="app">');
    expect((await t.anonymous().get('/assets/missing-123.js')).status).toBe(404);
    const api = await t.anonymous().get('/api/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('problem+json');
    expect((await t.anonymous().get('/assets/..%2f..%2fpackage.json')).status).toBe(404);
  });

  it('logs a clerk in (Chinese by default), switches to English and logs out', async () => {
    // given a clerk of the Xihu county office, logged in through the login page
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk');

    // then the shell shows Chinese navigation, the user's name and department
    const nav = page.getByRole('navigation', { name: '主导航' });
    await expect(nav.getByRole('link', { name: '待办任务' }).isVisible()).resolves.toBe(true);
    expect(await nav.getByRole('link', { name: '流程设计' }).count()).toBe(0);
    const userButton = page.getByRole('button', { name: /^用户菜单/ });
    expect(await userButton.textContent()).toMatch(/西湖/);
    expect(page.url()).toContain('#/worklist');

    // when they switch to English
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');

    // then every shell string is English, and the choice survives a reload
    await nav
      .page()
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Worklist' })
      .waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Worklist' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    // when they log out from the user menu
    await page.getByRole('button', { name: /^User menu/ }).click();
    await page.getByRole('button', { name: 'Log out' }).click();

    // then the login page says so, and the session is gone on the server
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await page.getByText('You have logged out.').waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(me).toBe(401);
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a wrong password as an error on the login page', async () => {
    const context = await chrome.browser.newContext({ baseURL: t.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('用户名').fill('xh.clerk');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('用户名或密码错误');
    await screenshot(page, 'login-error-zh');
    await context.close();
  });

  // The administrator has every page in the navigation; in English their names no longer fit a
  // laptop's width. The header must not spill over the window: the title gives way, the
  // navigation scrolls, and the language and user menu stay whole at the right.
  it('keeps the whole header inside a narrow window for the administrator in English', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'en' });
    for (const width of [1440, 1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto('/#/reports');
      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: 'Report centre' }).waitFor();
      const header = await page.locator('header.topbar').evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
      }));
      expect(header.scrollWidth, `header at ${width} px`).toBeLessThanOrEqual(header.clientWidth);
      for (const control of [
        page.getByRole('button', { name: /^User menu/ }),
        page.getByRole('combobox', { name: 'Language', exact: true }),
      ]) {
        const box = (await control.boundingBox())!;
        expect(box.x, `left edge at ${width} px`).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, `right edge at ${width} px`).toBeLessThanOrEqual(width);
        expect(box.y + box.height).toBeLessThanOrEqual(48);
      }
      // The page shown keeps its link in view, one line high.
      const active = (await nav.locator('a[aria-current="page"]').boundingBox())!;
      const navBox = (await nav.boundingBox())!;
      // (scroll offsets are whole pixels, the links' widths are not)
      expect(active.x).toBeGreaterThanOrEqual(navBox.x - 1.5);
      expect(active.x + active.width).toBeLessThanOrEqual(navBox.x + navBox.width + 1.5);
      expect(active.height).toBeLessThanOrEqual(48);
    }
    await screenshot(page, 'header-admin-en-1024');
    // Every page is still reachable from the navigation.
    await page.getByRole('link', { name: 'Worklist' }).click();
    await page.waitForURL(/#\/worklist/);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

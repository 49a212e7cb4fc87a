import { copyFile, mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

/** Screens at the size staff use, kept where the reviewer looks at them. */
async function shot(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 768 });
  const file = await screenshot(page, name);
  await mkdir('/tmp/shots/h9', { recursive: true });
  await copyFile(file, `/tmp/shots/h9/${name}.png`);
}

const nextYear = new Date().getFullYear() + 1;

async function versionsOf(t: TestPlatform, code: string): Promise<string[]> {
  const res = await (await t.as('admin')).get(`/api/v1/tariffs/${code}`);
  return (res.body as { versions: { effectiveFrom: string }[] }).versions.map((v) => v.effectiveFrom);
}

describe('the tariff screen in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('lets an administrator add a residential version with a new tier price from a future date (zh)', async () => {
    // given the administrator on the tariff section, in Chinese
    const page = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'zh' });
    await page.goto('/#/admin');
    await page.getByRole('navigation', { name: '管理项目' }).getByRole('link', { name: '电价', exact: true }).click();
    const residential = page.getByRole('article', { name: '浙江居民生活用电（年阶梯，不满 1 千伏）' });
    await residential
      .getByRole('button', { name: '查看 浙江居民生活用电（年阶梯，不满 1 千伏） 2024-01-01 版' })
      .click();
    await expect.poll(() => residential.getByTestId('tariff-tiers').textContent()).toContain('0.588');
    const placeholder = page.getByRole('article', { name: '一般工商业用电（单一制，不满 1 千伏）' });
    expect(await placeholder.textContent()).toContain('示例数据');
    expect(await residential.textContent()).not.toContain('示例数据');
    await shot(page, 'tariffs-view-zh');

    // when they copy the version in effect, raise the tier 2 flat price and date it next year
    await residential
      .getByRole('button', { name: '以 浙江居民生活用电（年阶梯，不满 1 千伏） 2024-01-01 版 为底稿新增版本' })
      .click();
    await residential.getByLabel('生效日期').fill(`${nextYear}-01-01`);
    await residential.getByLabel('不分时电价（第二档）').fill('0.600');
    await shot(page, 'tariffs-form-zh');
    await residential.getByRole('button', { name: '保存版本' }).click();

    // then the new version is listed as scheduled, the earlier one closed the day before
    const added = residential.getByTestId(`tariff-version-ZJ-RES-${nextYear}-01-01`);
    await expect.poll(() => added.textContent()).toContain('待生效');
    expect(await residential.getByTestId('tariff-version-ZJ-RES-2024-01-01').textContent()).toContain(
      `${nextYear - 1}-12-31`,
    );
    await expect.poll(() => residential.getByTestId('tariff-tiers').textContent()).toContain('0.600');
    expect(await versionsOf(t, 'ZJ-RES')).toEqual(['2024-01-01', `${nextYear}-01-01`]);
    // and the audit log says who added which version
    const audit = await (await t.as('admin')).get('/api/v1/admin/audit-log?action=tariff.update&objectId=ZJ-RES');
    const me = (await (await t.as('admin')).get('/api/v1/auth/me')).body;
    expect(audit.body.items[0]).toMatchObject({ actorId: me.id, details: { added: [`${nextYear}-01-01`] } });
    await shot(page, 'tariffs-added-zh');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('refuses a negative price, then a tier threshold below the one before, each at its field, and saves nothing (en)', async () => {
    // given the administrator in English and the versions as they are
    const before = await versionsOf(t, 'ZJ-RES');
    const page = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'en' });
    await page.goto('/#/admin?section=tariffs');
    const residential = page.getByRole('article', { name: 'Zhejiang residential, annual tiers, below 1 kV' });
    await residential
      .getByRole('button', {
        name: 'New version from Zhejiang residential, annual tiers, below 1 kV, version of 2024-01-01',
      })
      .click();

    // when a price is negative
    await residential.getByLabel('Effective from').fill(`${nextYear + 1}-01-01`);
    await residential.getByLabel('TOU valley price, Tier 3').fill('-0.1');
    await residential.getByRole('button', { name: 'Save version' }).click();

    // then the refusal is shown at that field, in English
    const valley = residential.getByLabel('TOU valley price, Tier 3');
    await expect.poll(() => valley.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#tariff-field-prices-touValley-tier3-error').textContent()).toBe('must not be negative');

    // and when the price is corrected but tier 2's upper bound is set below tier 1's
    await valley.fill('0.588');
    await residential.getByLabel('Tier 2 upper bound').fill('1000');
    await residential.getByRole('button', { name: 'Save version' }).click();

    // then that refusal is shown at the threshold, and the price is no longer marked
    const t2 = residential.getByLabel('Tier 2 upper bound');
    await expect.poll(() => t2.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#tariff-field-thresholdsKwh-t2-error').textContent()).toBe(
      'must be greater than the tier 1 upper bound',
    );
    expect(await valley.getAttribute('aria-invalid')).toBeNull();
    expect(await residential.getByRole('alert').textContent()).toContain('Not saved');
    expect(await versionsOf(t, 'ZJ-RES')).toEqual(before);
    const placeholder = page.getByRole('article', { name: 'Agricultural production, single-part' });
    expect(await placeholder.textContent()).toContain('Placeholder');
    await shot(page, 'tariffs-refused-en');

    // and a two-part tariff reads with its basic charge in its units
    const industry = page.getByRole('article', { name: 'Large industry, 1–10 kV (below 35 kV)' });
    await industry
      .getByRole('button', { name: 'View Large industry, 1–10 kV (below 35 kV), version of 2024-01-01' })
      .click();
    await expect.poll(() => industry.getByTestId('tariff-version').textContent()).toContain('26 yuan/kVA·month');
    expect(await industry.getByTestId('tariff-energy').textContent()).toContain('1.03153');
    await shot(page, 'tariffs-two-part-en');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('hides the section from an administrator of users who may not write billing configuration', async () => {
    // given a user administrator: admin:manage, but no billing:write
    const admin = await t.as('admin');
    expect((await admin.post('/api/v1/admin/roles', { code: 'user_admin', name: '用户管理员' })).status).toBe(201);
    expect(
      (await admin.post('/api/v1/admin/policies', { role: 'user_admin', object: 'admin', action: 'manage' })).status,
    ).toBe(201);
    const created = await admin.post('/api/v1/admin/users', {
      username: 'hq.useradmin',
      displayName: '用户管理员',
      departmentId: 'ZJ-HZ-XH',
      password: 'demo1234',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const assigned = await admin.post(`/api/v1/admin/users/${created.body.id}/roles`, {
      role: 'user_admin',
      departmentId: 'ZJ-HZ-XH',
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);

    // when they open the administration page, even at the tariff section's address
    const page = await newUserPage(chrome.browser, t.url, 'hq.useradmin', { locale: 'en' });
    await page.goto('/#/admin?section=tariffs');
    const sections = page.getByRole('navigation', { name: 'Administration sections' });
    await sections.getByRole('link', { name: 'Users', exact: true }).waitFor();

    // then there is no tariff section, and the API refuses them a tariff change
    expect(await sections.getByRole('link', { name: 'Tariffs', exact: true }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Tariffs' }).count()).toBe(0);
    const own = await t.as('hq.useradmin');
    const current = (await admin.get('/api/v1/tariffs/ZJ-RES')).body;
    expect((await own.request('PUT', '/api/v1/tariffs/ZJ-RES', current)).status).toBe(403);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

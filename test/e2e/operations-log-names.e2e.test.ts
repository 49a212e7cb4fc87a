import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, start } from '../support/workflow.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  STEP_TIMEOUT,
  type TestBrowser,
} from './support/browser.js';
import { lineProcess } from './support/operations-fixtures.js';

const FLOW = lineProcess('logFlow', '用电变更', [
  { id: 'accept', name: '受理' },
  { id: 'check', name: '审核' },
]);

describe('operations console: names in the operation log, reset returns to the first page', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let clerk: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await deploy(await t.as('designer'), FLOW);
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const begin = (businessKey: string) =>
    start(clerk, 'logFlow', { departmentId: 'ZJ-HZ-XH', businessKey }) as Promise<{ id: string }>;

  it.each(['zh', 'en'] as const)(
    'shows who acted in the operation log by name, the user name as its tooltip (%s)',
    async (locale) => {
      const { id } = await begin(`LOG-N-${locale}`);
      const res = await admin.post(`/api/v1/process-instances/${id}/suspend`, { reason: `held ${locale}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const log = await admin.get(`/api/v1/process-instances/${id}/operations`);
      const entry = (log.body.items as { actor: string; actorName: string | null }[]).find((o) => o.actor === 'admin');
      const { display_name: name } = await t.platform.db('users').where({ username: 'admin' }).first('display_name');
      expect(entry?.actorName).toBe(name);
      expect(name).not.toBe('admin');

      const page = await newUserPage(chrome.browser, t.url, 'admin', { locale });
      await page.goto(`/#/operations/instances/${id}`);
      const actor = page
        .getByTestId('ops-log-actor')
        .filter({ hasText: name as string })
        .first();
      await actor.waitFor({ timeout: STEP_TIMEOUT });
      expect(await actor.getAttribute('title')).toBe('admin');
      const texts = await page.getByTestId('ops-log-actor').allTextContents();
      expect(texts).not.toContain('admin');
      await screenshot(page, `operations-log-names-${locale}`);
      expect(pageErrors(page)).toEqual([]);
      await page.context().close();
    },
  );

  it.each(['en', 'zh'] as const)('returns the pager to the first page on reset (%s)', async (locale) => {
    const prefix = `LOG-R-${locale}-`;
    for (let i = 1; i <= 23; i++) await begin(`${prefix}${String(i).padStart(2, '0')}`);
    const words = locale === 'en' ? { next: 'Next', reset: 'Reset' } : { next: '下一页', reset: '重置' };
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale });
    await page.goto('/#/operations');
    await page.locator('#ops-f-businessKey').fill(prefix);
    await page.locator('form.ops-filters button[type=submit]').click();
    const pager = page.locator('.pager span').first();
    // "1–20 of 23" / "第 1–20 条，共 23 条" as [first, last, total]
    const range = async () => ((await pager.textContent()) ?? '').match(/(\d+)–(\d+)\D+(\d+)/)?.slice(1) ?? [];
    await expect.poll(range, { timeout: STEP_TIMEOUT }).toEqual(['1', '20', '23']);
    await page.getByRole('button', { name: words.next, exact: true }).click();
    await expect.poll(range, { timeout: STEP_TIMEOUT }).toEqual(['21', '23', '23']);
    await page.getByRole('button', { name: words.reset, exact: true }).click();
    // no filter any more: every instance the leader sees, from the first row
    await expect
      .poll(
        async () => {
          const [first, , total] = await range();
          return first === '1' && Number(total) > 23;
        },
        { timeout: STEP_TIMEOUT },
      )
      .toBe(true);
    expect((await range())[0]).toBe('1');
    expect(await page.locator('#ops-f-businessKey').inputValue()).toBe('');
    await screenshot(page, `operations-reset-first-page-${locale}`);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

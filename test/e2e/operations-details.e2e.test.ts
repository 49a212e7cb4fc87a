import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, start } from '../support/workflow.js';
import {
  LIVE_TIMEOUT,
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  STEP_TIMEOUT,
  type TestBrowser,
} from './support/browser.js';
import { lineProcess } from './support/operations-fixtures.js';

/**
 * The operations pages beyond their first cut: comments on an instance pushed live, departments
 * and processes by name, the column chooser, a bulk variable as a batch with results per case,
 * and an edited migration mapping — each in Chinese and English.
 */
const FLOW = lineProcess('opsMore', '业扩报装', [
  { id: 'accept', name: '受理' },
  { id: 'check', name: '审核' },
]);
const MIG_V1 = lineProcess('opsMap', '映射演示', [
  { id: 'accept', name: '受理' },
  { id: 'archive', name: '归档' },
]);
const MIG_V2 = lineProcess('opsMap', '映射演示', [
  { id: 'accept', name: '受理' },
  { id: 'approve', name: '审批' },
]);

async function shot(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 768 });
  await screenshot(page, `operations-details-${name}`);
}

describe('the operations pages in Chromium: comments, names, columns, bulk variables, mapping', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let clerk: ApiClient;
  let admin: ApiClient;
  let mapV1: { id: string };

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    const designer = await t.as('designer');
    await deploy(designer, FLOW);
    mapV1 = await deploy(designer, MIG_V1);
    await deploy(designer, MIG_V2);
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const begin = (businessKey: string) => start(clerk, 'opsMore', { departmentId: 'ZJ-HZ-XH', businessKey });
  const search = async (page: Page, label: string, value: string) => {
    await page.getByRole('textbox', { name: label, exact: true }).fill(value);
    await page.locator('form.ops-filters button[type=submit]').click();
  };
  const row = (page: Page, businessKey: string) =>
    page.getByRole('row').filter({ has: page.getByRole('link', { name: businessKey, exact: true }) });

  it('a comment added on one instance page appears live on a second (zh adds, en watches, then en adds)', async () => {
    const { id } = await begin('OPS-CMT-1');
    const zh = await newUserPage(chrome.browser, t.url, 'xh.leader');
    const en = await newUserPage(chrome.browser, t.url, 'xh.manager', { locale: 'en' });
    await zh.goto(`/#/operations/instances/${id}`);
    await en.goto(`/#/operations/instances/${id}`);
    await zh.getByText('暂无备注').waitFor();
    await en.getByText('No comments yet').waitFor();

    // when the leader comments in Chinese
    await zh.getByLabel('新备注').fill('  客户来电催办，请加急  ');
    await zh.getByRole('button', { name: '添加备注' }).click();
    await zh.getByTestId('instance-comments').getByText('客户来电催办，请加急').waitFor();

    // then the manager's English page shows it without a reload, as a comment on the instance
    const watched = en.getByTestId('instance-comments');
    await watched.getByText('客户来电催办，请加急').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await watched.textContent()).toContain('西湖班组长');
    expect(await watched.textContent()).toContain('on the instance');

    // and the manager's answer reaches the leader's page the same way
    await en.getByLabel('New comment').fill('Called the customer back');
    await en.getByRole('button', { name: 'Add comment' }).click();
    await zh.getByTestId('instance-comments').getByText('Called the customer back').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await zh.getByTestId('instance-comments').textContent()).toContain('实例备注');
    const audit = await t.platform
      .db('audit_log')
      .where({ action: 'instance.comment', object_id: id })
      .select('details');
    expect(audit.map((a) => (a.details as { text: string }).text).sort()).toEqual([
      'Called the customer back',
      '客户来电催办，请加急',
    ]);

    // a clerk, who may read but not comment, gets no form
    const clerkPage = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    await clerkPage.goto(`/#/operations/instances/${id}`);
    await clerkPage.getByTestId('instance-comments').getByText('Called the customer back').waitFor();
    expect(await clerkPage.getByLabel('新备注').count()).toBe(0);
    await shot(zh, 'comments-zh');
    await shot(en, 'comments-en');
    expect(pageErrors(zh)).toEqual([]);
    expect(pageErrors(en)).toEqual([]);
  });

  it('names departments and processes, never their codes, in the list, its filter and the instance page (zh, en)', async () => {
    const { id } = await begin('OPS-NAME-1');
    for (const [locale, department, label, filterLabel] of [
      ['zh', '西湖区供电分公司', '业务单号', '单位'],
      ['en', 'Xihu County Office', 'Business key', 'Department'],
    ] as const) {
      const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale });
      await page.goto('/#/operations');
      // the department filter offers names; choosing one filters by its id
      const filter = page.getByRole('combobox', { name: filterLabel, exact: true });
      await expect
        .poll(() => filter.locator('option').allTextContents(), { timeout: STEP_TIMEOUT })
        .toContain(department);
      expect((await filter.locator('option').allTextContents()).join()).not.toContain('ZJ-HZ-XH');
      await filter.selectOption({ label: department });
      await search(page, label, 'OPS-NAME-1');
      await row(page, 'OPS-NAME-1').waitFor();
      // the process is named once the definitions have arrived (they load beside the list)
      await expect
        .poll(() => row(page, 'OPS-NAME-1').textContent(), { timeout: STEP_TIMEOUT })
        .toContain('业扩报装 v1');
      const text = await row(page, 'OPS-NAME-1').textContent();
      expect(text).toContain(department);
      expect(text).not.toContain('ZJ-HZ-XH');
      expect(text).not.toContain('opsMore');
      await shot(page, `names-list-${locale}`);
      await page.goto(`/#/operations/instances/${id}`);
      await expect
        .poll(() => page.getByTestId('instance-department').textContent(), { timeout: STEP_TIMEOUT })
        .toBe(department);
      expect(pageErrors(page)).toEqual([]);
    }
  });

  it('remembers the chosen columns across a reload (zh, en)', async () => {
    await begin('OPS-COL-1');
    for (const [locale, columns, customer, startedBy, label] of [
      ['zh', '显示列', '客户', '发起人', '业务单号'],
      ['en', 'Columns', 'Customer', 'Started by', 'Business key'],
    ] as const) {
      const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale });
      await page.goto('/#/operations');
      await search(page, label, 'OPS-COL-1');
      await row(page, 'OPS-COL-1').waitFor();
      const headers = () => page.locator('table.ops-table thead th').allTextContents();
      expect(await headers()).toContain(customer);
      expect(await headers()).not.toContain(startedBy);

      // when the customer column is hidden and "started by" shown
      await page.locator('details.ops-columns summary', { hasText: columns }).click();
      await page.getByRole('checkbox', { name: customer, exact: true }).uncheck();
      await page.getByRole('checkbox', { name: startedBy, exact: true }).check();
      expect(await headers()).not.toContain(customer);
      expect(await headers()).toContain(startedBy);
      // the starter by name, as the instance answers startedByName
      const starter = await t.database
        .db('users')
        .where({ username: 'xh.clerk' })
        .first<{ display_name: string }>('display_name');
      expect(await row(page, 'OPS-COL-1').textContent()).toContain(starter?.display_name);

      // then the choice survives a reload
      await page.reload();
      await search(page, label, 'OPS-COL-1');
      await row(page, 'OPS-COL-1').waitFor();
      expect(await headers()).not.toContain(customer);
      expect(await headers()).toContain(startedBy);
      await shot(page, `columns-${locale}`);
      expect(pageErrors(page)).toEqual([]);
    }
  });

  it('sets a variable on a selection as a batch whose results name each case, linked (zh, en)', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) ids.push((await begin(`OPS-VAR-${i}`)).id);
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await page.goto('/#/operations');
    await search(page, '业务单号', 'OPS-VAR-');
    await expect.poll(() => page.locator('table.ops-table tbody tr').count(), { timeout: STEP_TIMEOUT }).toBe(3);
    await page.getByRole('checkbox', { name: '选择 OPS-VAR-1' }).check();
    await page.getByRole('checkbox', { name: '选择 OPS-VAR-3' }).check();
    await page.getByRole('button', { name: '批量设置变量' }).click();
    const dialog = page.getByRole('dialog', { name: '为 2 个实例设置变量' });
    await dialog.locator('#ops-bulk-var-name').fill('tariff');
    await dialog.locator('#ops-bulk-var-type').selectOption('number');
    await dialog.locator('#ops-bulk-var-value').fill('0.538');
    await dialog.getByLabel('原因').fill('执行新电价');
    await dialog.getByRole('button', { name: '设置变量' }).click();

    // then the batch page shows it running to completion, each result by business key and process
    await page.getByRole('heading', { name: '批量操作：设置变量' }).waitFor();
    await expect.poll(() => page.getByTestId('batch-status').textContent(), { timeout: 30_000 }).toBe('已完成');
    const results = page.getByRole('table', { name: '各实例结果' });
    await expect.poll(() => results.getByText('成功').count(), { timeout: LIVE_TIMEOUT }).toBe(2);
    for (const key of ['OPS-VAR-1', 'OPS-VAR-3'])
      expect(await results.getByRole('row', { name: new RegExp(key) }).textContent()).toContain('业扩报装 v1');
    expect(await results.getByRole('link', { name: 'OPS-VAR-2' }).count()).toBe(0);
    const values = await t.platform.db('process_instances').whereIn('id', ids).select('business_key', 'variables');
    expect(Object.fromEntries(values.map((v) => [v.business_key, v.variables.tariff ?? null]))).toEqual({
      'OPS-VAR-1': 0.538,
      'OPS-VAR-2': null,
      'OPS-VAR-3': 0.538,
    });
    await shot(page, 'bulk-variable-zh');
    const batchUrl = page.url().split('#')[1]!;

    // in English the same results, and a business key links to its instance
    const en = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await en.goto(`/#${batchUrl}`);
    const enResults = en.getByRole('table', { name: 'Results per instance' });
    await expect.poll(() => enResults.getByText('Succeeded').count(), { timeout: STEP_TIMEOUT }).toBe(2);
    await shot(en, 'bulk-variable-en');
    await enResults.getByRole('link', { name: 'OPS-VAR-3' }).click();
    await en.getByRole('heading', { name: 'Instance OPS-VAR-3' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(en)).toEqual([]);
  });

  it('an edited mapping changes the answer: a case at a step with no counterpart migrates once mapped (en, zh)', async () => {
    const onV1 = (businessKey: string) =>
      start(clerk, 'opsMap', { definitionId: mapV1.id, departmentId: 'ZJ-HZ-XH', businessKey });
    const atArchive = async (businessKey: string) => {
      const { id } = await onV1(businessKey);
      const res = await admin.post(`/api/v1/process-instances/${id}/modification`, {
        instructions: [
          { type: 'cancel', activityId: 'accept' },
          { type: 'startBeforeActivity', activityId: 'archive' },
        ],
        reason: 'waiting at the step v2 removes',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return id;
    };
    const refused = await atArchive('OPS-MAP-1');
    const mapped = await atArchive('OPS-MAP-2');
    const choose = async (page: Page, process: string, source: string, target: string, heading: string) => {
      // the process picker fills when every version's definition has arrived
      await page.locator('#ops-m-process option[value="opsMap"]').waitFor({ state: 'attached' });
      await page.getByLabel(process, { exact: true }).selectOption('opsMap');
      await page.getByLabel(source).selectOption({ label: 'v1' });
      await page.getByLabel(target).selectOption({ label: 'v2' });
      await page.getByRole('heading', { name: heading }).waitFor();
    };

    // with the generated mapping, OPS-MAP-1 is refused (en)
    const en = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'en' });
    await en.goto('/#/operations/migration');
    await choose(en, 'Process', 'Source version', 'Target version', 'Step mapping: v1 → v2');
    const note = (page: Page) => page.getByRole('row', { name: /归档/ }).locator('td').last();
    expect(await note(en).textContent()).toContain('No counterpart');
    await en.getByRole('checkbox', { name: 'Select OPS-MAP-1' }).check();
    await en.getByRole('button', { name: 'Migrate 1 instance(s)' }).click();
    const result = en.getByRole('region', { name: 'Result' });
    await result.getByRole('row', { name: /OPS-MAP-1/ }).waitFor();
    expect(await result.getByRole('row', { name: /OPS-MAP-1/ }).textContent()).toMatch(/Refused: .*archive/);

    // when the mapping of 归档 is edited to 审批, the note and the answer change (zh)
    const zh = await newUserPage(chrome.browser, t.url, 'admin');
    await zh.goto('/#/operations/migration');
    await choose(zh, '流程', '源版本', '目标版本', '环节映射：v1 → v2');
    expect(await note(zh).textContent()).toContain('无对应环节');
    await zh.getByLabel('“归档”映射到').selectOption('approve');
    expect(await note(zh).textContent()).toBe('已手工修改');
    await zh.getByRole('checkbox', { name: '选择 OPS-MAP-2' }).check();
    await zh.locator('#ops-m-reason').fill('归档改为审批');
    await shot(zh, 'mapping-edited-zh');
    await zh.getByRole('button', { name: '迁移 1 个实例' }).click();
    const zhResult = zh.getByRole('region', { name: '迁移结果' });
    await zhResult.getByRole('row', { name: /OPS-MAP-2/ }).waitFor();
    expect(await zhResult.getByRole('row', { name: /OPS-MAP-2/ }).textContent()).toContain('已迁移');
    await shot(en, 'mapping-refused-en');

    const rows = await t.platform
      .db('process_instances')
      .whereIn('id', [refused, mapped])
      .select('id', 'definition_version');
    expect(Object.fromEntries(rows.map((r) => [r.id, r.definition_version]))).toEqual({ [refused]: 1, [mapped]: 2 });
    const open = await t.platform.db('tasks').where({ instance_id: mapped, status: 'open' }).select('element_id');
    expect(open.map((x) => x.element_id)).toEqual(['approve']);
    expect(pageErrors(en)).toEqual([]);
    expect(pageErrors(zh)).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, start } from '../support/workflow.js';
import {
  LIVE_TIMEOUT,
  launchBrowser,
  newUserPage,
  pageErrors,
  pageFailure,
  screenshot,
  STEP_TIMEOUT,
  type TestBrowser,
} from './support/browser.js';
import { lineProcess } from './support/operations-fixtures.js';
import { deployMeterCheck, startMeterCheck } from './support/worklist-fixtures.js';

const PROCESSES = path.resolve(import.meta.dirname, '../../processes');

const COV_V1 = lineProcess('covFlow', '用电变更', [
  { id: 'accept', name: '受理' },
  { id: 'check', name: '审核' },
]);
const COV_V2 = lineProcess('covFlow', '用电变更', [
  { id: 'accept', name: '受理' },
  { id: 'check', name: '审核' },
  { id: 'archive', name: '归档' },
]);
const MIG_V1 = lineProcess('covMig', '批量迁移', [{ id: 'accept', name: '受理' }]);
const MIG_V2 = lineProcess('covMig', '批量迁移', [
  { id: 'accept', name: '受理' },
  { id: 'approve', name: '审批' },
]);
/** Two service calls that fail with different errors, for the incident filters and a retry batch. */
const BANK = lineProcess('covBank', '银行代扣', [
  { id: 'charge', name: '调用代扣', type: 'serviceTask', service: 'covBank' },
  { id: 'confirm', name: '确认' },
]);
const SMS = lineProcess('covSms', '短信通知', [
  { id: 'send', name: '发送短信', type: 'serviceTask', service: 'covSms' },
  { id: 'confirm', name: '确认' },
]);
/** Sixteen steps in a row: too wide to read when fitted whole, so the instance page zooms in. */
const LONG = lineProcess(
  'covLong',
  '长流程',
  Array.from({ length: 16 }, (_, i) => ({ id: `t${i + 1}`, name: `步骤${i + 1}` })),
);

/** Runs the steps of a case; a failure says what the page showed (a screenshot and its text). */
async function explained(page: Page, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw await pageFailure(page, `operations-coverage-failed-${name}`, name, err);
  }
}

/** The migration call runs up to this many instances inline; more become a batch (MIGRATE_INLINE_MAX). */
const MIGRATE_INLINE_MAX = 50;

describe('operations console points in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let clerk: ApiClient;
  let admin: ApiClient;
  let bankDown = true;
  let covV1: { id: string };
  let migV1: { id: string };

  beforeAll(async () => {
    [t, chrome] = await Promise.all([
      startTestPlatform('postgres', {
        services: [
          {
            name: 'covBank',
            description: 'the bank, down until the test says otherwise',
            handler: () => {
              if (bankDown) throw new Error('银行接口超时');
              return {};
            },
          },
          {
            name: 'covSms',
            description: 'the SMS gateway, always down',
            handler: () => {
              throw new Error('短信网关拒绝');
            },
          },
        ],
      }),
      launchBrowser(),
    ]);
    const designer = await t.as('designer');
    covV1 = await deploy(designer, COV_V1);
    await deploy(designer, COV_V2);
    migV1 = await deploy(designer, MIG_V1);
    await deploy(designer, MIG_V2);
    await deploy(designer, BANK);
    await deploy(designer, SMS);
    await deploy(designer, LONG);
    await deployMeterCheck(t);
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const begin = (key: string, businessKey: string, extra: Record<string, unknown> = {}) =>
    start(clerk, key, { departmentId: 'ZJ-HZ-XH', businessKey, ...extra });
  const moveTo = async (id: string, from: string, to: string) => {
    const res = await admin.post(`/api/v1/process-instances/${id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: from },
        { type: 'startBeforeActivity', activityId: to },
      ],
      reason: 'set up for the test',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const keys = (page: Page) => page.locator('tbody tr th[scope=row] a').allTextContents();
  const submit = (page: Page) => page.locator('form.ops-filters button[type=submit]').click();
  /** Fills the filters (by their ids, the same in both languages) after a reset, then searches. */
  const searchFor = async (page: Page, fill: (page: Page) => Promise<void>) => {
    await page.locator('form.ops-filters button[type=button]').click();
    await fill(page);
    await submit(page);
  };

  it('finds instances by customer, process and version, current step, date ranges and overdue (zh)', async () => {
    // given instances of two versions, with customers, one moved on, one backdated, one overdue, one ended
    const a = await begin('covFlow', 'COV-F-1', {
      definitionId: covV1.id,
      variables: { customerName: '王五', accountNo: '3300101' },
    });
    const b = await begin('covFlow', 'COV-F-2', { variables: { customerName: '赵六', accountNo: '3300102' } });
    const c = await begin('covFlow', 'COV-F-3');
    const d = await begin('covFlow', 'COV-F-4');
    await moveTo(b.id, 'accept', 'check');
    await t.platform.db('process_instances').where({ id: c.id }).update({ started_at: '2026-01-15T03:00:00Z' });
    await t.platform.db('process_instances').where({ id: a.id }).update({ due_at: '2026-01-20T03:00:00Z' });
    const cancelled = await admin.post(`/api/v1/process-instances/${d.id}/cancel`, { reason: 'test' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await t.platform.db('process_instances').where({ id: d.id }).update({ ended_at: '2026-02-10T03:00:00Z' });

    const page = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await page.goto('/#/operations');
    const only = async (fill: (page: Page) => Promise<void>, expected: string[]) => {
      await searchFor(page, async (p) => {
        await p.locator('#ops-f-businessKey').fill('COV-F');
        await fill(p);
      });
      await expect.poll(async () => (await keys(page)).sort(), { timeout: STEP_TIMEOUT }).toEqual(expected);
    };
    // the customer by name, then by account number
    await only((p) => p.getByLabel('客户（户名或户号）').fill('王五'), ['COV-F-1']);
    expect(await page.locator('tbody tr').first().textContent()).toContain('王五 · 3300101');
    await only((p) => p.getByLabel('客户（户名或户号）').fill('3300102'), ['COV-F-2']);
    // the process and its version (the process list loads beside the instances)
    await page.locator('#ops-f-process option[value="covFlow"]').waitFor({ state: 'attached' });
    await only(
      async (p) => {
        await p.locator('#ops-f-process').selectOption('covFlow');
        await p.locator('#ops-f-version').selectOption('1');
      },
      ['COV-F-1'],
    );
    // the step an instance waits at
    await only(
      async (p) => {
        await p.locator('#ops-f-process').selectOption('covFlow');
        await p.locator('#ops-f-step').selectOption('check');
      },
      ['COV-F-2'],
    );
    await screenshot(page, 'operations-coverage-step-zh');
    // started within January, ended within February
    await only(
      async (p) => {
        await p.getByLabel('发起日期从').fill('2026-01-01');
        await p.getByLabel('发起日期至').fill('2026-01-31');
      },
      ['COV-F-3'],
    );
    await only(
      async (p) => {
        await p.getByLabel('结束日期从').fill('2026-02-01');
        await p.getByLabel('结束日期至').fill('2026-02-28');
      },
      ['COV-F-4'],
    );
    // overdue only: the one whose deadline passed
    await only((p) => p.getByLabel('仅显示已逾期').check(), ['COV-F-1']);
    expect(await page.locator('tbody tr.ops-overdue').count()).toBe(1);
    await screenshot(page, 'operations-coverage-overdue-zh');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('sorts by a column and pages through the rows with a pager that counts them (en)', async () => {
    for (let i = 1; i <= 23; i++) await begin('covFlow', `COV-P-${String(i).padStart(2, '0')}`);
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await page.goto('/#/operations');
    await searchFor(page, (p) => p.locator('#ops-f-businessKey').fill('COV-P'));
    const pager = page.locator('.pager span').first();
    await expect.poll(() => pager.textContent(), { timeout: STEP_TIMEOUT }).toBe('1–20 of 23');
    // newest first by default; sorting by business key puts them in key order, again in reverse
    await page.getByRole('button', { name: 'Sort by Business key' }).click();
    const expected = Array.from({ length: 23 }, (_, i) => `COV-P-${String(i + 1).padStart(2, '0')}`);
    await expect.poll(() => keys(page), { timeout: STEP_TIMEOUT }).toEqual(expected.slice(0, 20));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => keys(page), { timeout: STEP_TIMEOUT }).toEqual(expected.slice(20));
    expect(await pager.textContent()).toBe('21–23 of 23');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await screenshot(page, 'operations-coverage-paging-en');
    await page.getByRole('button', { name: 'Sort by Business key' }).click();
    await expect.poll(() => keys(page), { timeout: STEP_TIMEOUT }).toEqual([...expected].reverse().slice(0, 20));
    expect(await pager.textContent()).toBe('1–20 of 23');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('narrows incidents by process and by error text, and retries a selection as a batch with business keys (en, zh)', async () => {
    await begin('covBank', 'COV-I-BANK-1');
    await begin('covBank', 'COV-I-BANK-2');
    await begin('covSms', 'COV-I-SMS-1');
    await expect
      .poll(async () => Number((await t.platform.db('incidents').where({ status: 'open' }).count('* as n'))[0]!.n), {
        timeout: 30_000,
      })
      .toBe(3);
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await page.goto('/#/operations/incidents');
    const groups = page.getByRole('button', { name: /银行接口超时|短信网关拒绝/ });
    await expect.poll(() => groups.count(), { timeout: STEP_TIMEOUT }).toBe(2);
    await page.locator('#ops-i-process option[value="covSms"]').waitFor({ state: 'attached' });
    await page.locator('#ops-i-process').selectOption('covSms');
    await page.locator('form.ops-filters button[type=submit]').click();
    await expect
      .poll(() => groups.allTextContents(), { timeout: STEP_TIMEOUT })
      .toEqual([expect.stringContaining('短信网关拒绝')]);
    await page.locator('#ops-i-process').selectOption('');
    await page.getByLabel('Error contains').fill('银行');
    await page.locator('form.ops-filters button[type=submit]').click();
    await expect
      .poll(() => groups.allTextContents(), { timeout: STEP_TIMEOUT })
      .toEqual([expect.stringContaining('银行接口超时')]);
    expect(await page.getByTestId('group-count').textContent()).toBe('2');
    await screenshot(page, 'operations-coverage-incidents-en');

    // the bank is back: the leader retries both bank cases from the instance list, as one batch (zh)
    bankDown = false;
    const zh = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await zh.goto('/#/operations');
    await searchFor(zh, async (p) => {
      await p.locator('#ops-f-businessKey').fill('COV-I-BANK');
      await p.locator('#ops-f-state').selectOption('incident');
    });
    await expect.poll(() => zh.locator('tbody tr').count(), { timeout: STEP_TIMEOUT }).toBe(2);
    await zh.getByRole('checkbox', { name: '选择本页全部' }).check();
    await zh.getByRole('button', { name: '批量重试' }).click();
    const dialog = zh.getByRole('dialog', { name: '重试 2 个实例的故障' });
    await dialog.getByLabel('原因').fill('银行接口已恢复');
    await dialog.getByRole('button', { name: '重试', exact: true }).click();
    await zh.getByRole('heading', { name: '批量操作：重试故障' }).waitFor();
    await expect.poll(() => zh.getByTestId('batch-status').textContent(), { timeout: 30_000 }).toBe('已完成');
    const results = zh.getByRole('table', { name: '各实例结果' });
    for (const key of ['COV-I-BANK-1', 'COV-I-BANK-2'])
      await expect
        .poll(() => results.getByRole('row', { name: new RegExp(key) }).textContent(), { timeout: LIVE_TIMEOUT })
        .toContain('成功');
    // created by the leader, by name
    expect(await zh.getByTestId('batch-created-by').textContent()).toBe('西湖班组长');
    await screenshot(zh, 'operations-coverage-retry-batch-zh');
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(zh)).toEqual([]);
    await page.context().close();
    await zh.context().close();
  });

  it('migrates more instances than run inline as a batch whose results name each case (zh, then en)', async () => {
    const count = MIGRATE_INLINE_MAX + 2;
    for (let i = 1; i <= count; i++)
      await start(clerk, 'covMig', {
        definitionId: migV1.id,
        departmentId: 'ZJ-HZ-XH',
        businessKey: `COV-MB-${String(i).padStart(2, '0')}`,
      });
    const page = await newUserPage(chrome.browser, t.url, 'admin');
    await page.goto('/#/operations/migration');
    await page.locator('#ops-m-process option[value="covMig"]').waitFor({ state: 'attached' });
    await page.getByLabel('流程', { exact: true }).selectOption('covMig');
    await page.getByLabel('源版本').selectOption({ label: 'v1' });
    await page.getByLabel('目标版本').selectOption({ label: 'v2' });
    await page.getByRole('heading', { name: '环节映射：v1 → v2' }).waitFor();
    await page.getByRole('heading', { name: `运行中的实例（${count}）` }).waitFor();
    await page.getByRole('checkbox', { name: '选择本页全部' }).check();
    await page.locator('#ops-m-reason').fill('v2 加审批');
    await page.getByRole('button', { name: `迁移 ${count} 个实例` }).click();
    const result = page.getByRole('region', { name: '迁移结果' });
    await result.getByText('实例较多，已作为批量操作在后台运行。').waitFor();
    await screenshot(page, 'operations-coverage-migrate-batch-zh');
    await result.getByRole('link', { name: '查看批量操作' }).click();
    await page.getByRole('heading', { name: '批量操作：版本迁移' }).waitFor();
    await expect.poll(() => page.getByTestId('batch-status').textContent(), { timeout: 60_000 }).toBe('已完成');
    await expect
      .poll(() => page.locator('.ops-progress span').first().textContent(), { timeout: LIVE_TIMEOUT })
      .toBe(`${count}/${count}（成功 ${count}，失败 0）`);
    const migrated = await t.platform
      .db('process_instances')
      .whereLike('business_key', 'COV-MB-%')
      .where({ definition_version: 2 })
      .count('* as n');
    expect(Number(migrated[0]!.n)).toBe(count);

    // the same batch in English: each row is a business key with its process, succeeded
    const en = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'en' });
    await en.goto(page.url().replace(/^.*#/, '/#'));
    const rows = en.getByRole('table', { name: 'Results per instance' });
    await expect
      .poll(() => rows.getByRole('row', { name: /COV-MB-01/ }).textContent(), { timeout: STEP_TIMEOUT })
      .toMatch(/批量迁移 v2.*Succeeded/);
    expect(await rows.locator('tbody tr').count()).toBe(50); // the first page of items
    expect(await en.getByTestId('batch-created-by').textContent()).toBe('系统管理员');
    await screenshot(en, 'operations-coverage-migrate-batch-en');
    // the batches list names the creator too
    await en.getByRole('link', { name: '← Back to batches' }).click();
    const row = en.getByRole('row').filter({ has: en.getByRole('link', { name: 'Migrate' }) });
    await expect.poll(() => row.first().textContent(), { timeout: STEP_TIMEOUT }).toContain('系统管理员');
    expect(await row.first().textContent()).not.toContain('admin');
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(en)).toEqual([]);
    await page.context().close();
    await en.context().close();
  });

  it('names who started an instance, in the list and on its page, not their user name (en, zh)', async () => {
    await begin('covFlow', 'COV-N-1');
    const en = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await en.goto('/#/operations');
    await en.locator('summary', { hasText: 'Columns' }).click();
    await en.getByRole('checkbox', { name: 'Started by' }).check();
    await searchFor(en, (p) => p.locator('#ops-f-businessKey').fill('COV-N-1'));
    const row = en.getByRole('row').filter({ has: en.getByRole('link', { name: 'COV-N-1' }) });
    await expect.poll(() => row.textContent(), { timeout: STEP_TIMEOUT }).toContain('西湖业务受理员');
    expect(await row.textContent()).not.toContain('xh.clerk');
    await screenshot(en, 'operations-coverage-started-by-en');
    const zh = await newUserPage(chrome.browser, t.url, 'xh.leader');
    const { id } = (await (await t.as('xh.leader')).get('/api/v1/process-instances?businessKey=COV-N-1')).body.items[0];
    await zh.goto(`/#/operations/instances/${id}`);
    await expect
      .poll(() => zh.getByTestId('instance-started-by').textContent(), { timeout: STEP_TIMEOUT })
      .toBe('西湖业务受理员');
    expect(pageErrors(en)).toEqual([]);
    expect(pageErrors(zh)).toEqual([]);
    await en.context().close();
    await zh.context().close();
  });

  it.each(['en', 'zh'] as const)('opens the instance diagram zoomed to the current step (%s)', async (locale) => {
    const { id } = await begin('covLong', `COV-L-${locale}`);
    await moveTo(id, 't1', 't12');
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`/#/operations/instances/${id}`);
    const diagram = page.locator('.monitor-diagram[data-ready="true"]');
    await diagram.waitFor();
    const view = await diagram.evaluate((el) => {
      const viewport = el.querySelector('.viewport');
      const scale = Number((viewport?.getAttribute('transform') ?? '').match(/matrix\(([\d.]+)/)?.[1] ?? 0);
      const box = el.getBoundingClientRect();
      const step = el.querySelector('.djs-element[data-element-id="t12"]')!.getBoundingClientRect();
      // the whole drawing's width at scale 1: 18 nodes 150 px apart (operations-fixtures.ts)
      const fitAll = box.width / (17 * 150 + 100);
      const plain = (r: typeof box) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      return { scale, fitAll, box: plain(box), step: plain(step) };
    });
    expect(view.scale).toBeGreaterThan(view.fitAll);
    expect(view.scale).toBeGreaterThanOrEqual(0.8);
    expect(view.step.left).toBeGreaterThanOrEqual(view.box.left);
    expect(view.step.right).toBeLessThanOrEqual(view.box.right);
    expect(view.step.top).toBeGreaterThanOrEqual(view.box.top);
    expect(view.step.bottom).toBeLessThanOrEqual(view.box.bottom);
    await diagram.scrollIntoViewIfNeeded();
    await screenshot(page, `operations-coverage-diagram-zoomed-${locale}`);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('opens every shipped diagram fitted whole in the designer (zh)', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'designer');
    await page.setViewportSize({ width: 1366, height: 768 });
    const files = readdirSync(PROCESSES).filter((f) => f.endsWith('.bpmn'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const key = /<(?:bpmn:)?process id="([^"]+)"/.exec(readFileSync(path.join(PROCESSES, file), 'utf8'))?.[1];
      expect(key, file).toBeDefined();
      const canvas = page.locator('.designer-canvas');
      await explained(page, `designer-${key}`, async () => {
        await page.goto(`/#/designer/${key}`);
        await canvas.locator('.djs-element').first().waitFor();
        await page.getByRole('button', { name: '下载 .bpmn' }).waitFor();
      });
      const fit = await canvas.evaluate((el) => {
        const outer = el.getBoundingClientRect();
        const rects = [...el.querySelectorAll('.djs-element')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0 && r.height > 0);
        return {
          outer: { left: outer.left, top: outer.top, right: outer.right, bottom: outer.bottom },
          left: Math.min(...rects.map((r) => r.left)),
          top: Math.min(...rects.map((r) => r.top)),
          right: Math.max(...rects.map((r) => r.right)),
          bottom: Math.max(...rects.map((r) => r.bottom)),
        };
      });
      // a pixel of slack for the drawing's rounding
      expect(fit.left, file).toBeGreaterThanOrEqual(fit.outer.left - 1);
      expect(fit.top, file).toBeGreaterThanOrEqual(fit.outer.top - 1);
      expect(fit.right, file).toBeLessThanOrEqual(fit.outer.right + 1);
      expect(fit.bottom, file).toBeLessThanOrEqual(fit.outer.bottom + 1);
      await screenshot(page, `operations-coverage-designer-fit-${key}`);
    }
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('saves no draft after the task is completed: no 403 and no console error (zh)', async () => {
    const started = await startMeterCheck(clerk, 'ZJ-HZ-XH', 'COV-D-1');
    expect((await clerk.post(`/api/v1/tasks/${started.taskId}/claim`)).status).toBe(200);
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    const consoleErrors: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    const drafts: Response[] = [];
    page.on('response', (r) => r.url().includes(`/tasks/${started.taskId}/draft`) && drafts.push(r));
    await explained(page, 'draft', async () => {
      await page.goto(`/#/tasks/${started.taskId}`);
      await page.getByRole('button', { name: '提交完成' }).waitFor();
      // typing starts the draft timer; completion follows at once, before it fires
      const reading = page.getByLabel(/本月示数/);
      await reading.fill('1234');
      await reading.press('Tab');
      await page.getByLabel('计量正常').click();
      await page.getByLabel(/核查意见/).fill('表计运行正常');
      await page.getByRole('button', { name: '提交完成' }).click();
      await page.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确定' }).click();
      await page.getByText('任务「现场核查」已完成。').waitFor();
      await page.waitForURL(/#\/worklist/);
      // longer than the draft timer (800 ms) and a leaving save
      await page.waitForTimeout(2_000);
    });
    const failed = drafts.filter((r) => r.status() >= 400).map((r) => `${r.request().method()} ${r.status()}`);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect((await clerk.get(`/api/v1/tasks/${started.taskId}`)).body.status).toBe('completed');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

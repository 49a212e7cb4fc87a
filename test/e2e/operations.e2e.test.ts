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

const SHOTS = '/tmp/shots/h8';

/** A viewport screenshot at 1366×768 for review, and the usual full-page one. */
async function shot(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  await screenshot(page, `operations-${name}`);
}

const FLOW_V1 = lineProcess('opsFlow', '业扩受理', [
  { id: 'accept', name: '受理' },
  { id: 'check', name: '审核' },
  { id: 'archive', name: '归档' },
]);
const MIG_V1 = lineProcess('opsMig', '迁移演示', [
  { id: 'accept', name: '受理' },
  { id: 'archive', name: '归档' },
]);
const MIG_V2 = lineProcess('opsMig', '迁移演示', [
  { id: 'accept', name: '受理' },
  { id: 'approve', name: '审批' },
]);
const GATEWAY = lineProcess('opsGateway', '电费代扣', [
  { id: 'charge', name: '调用代扣', type: 'serviceTask', service: 'opsGateway' },
  { id: 'confirm', name: '确认' },
]);

describe('the operations pages in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let clerk: ApiClient;
  let admin: ApiClient;
  let gatewayDown = true;
  let migV1: { id: string };

  beforeAll(async () => {
    [t, chrome] = await Promise.all([
      startTestPlatform('postgres', {
        services: [
          {
            name: 'opsGateway',
            description: 'the bank gateway, down until the test says otherwise',
            handler: () => {
              if (gatewayDown) throw new Error('代扣网关不可用');
              return {};
            },
          },
        ],
      }),
      launchBrowser(),
    ]);
    const designer = await t.as('designer');
    await deploy(designer, FLOW_V1);
    migV1 = await deploy(designer, MIG_V1);
    await deploy(designer, MIG_V2);
    await deploy(designer, GATEWAY);
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const begin = (key: string, businessKey: string, variables: Record<string, unknown> = {}) =>
    start(clerk, key, { departmentId: 'ZJ-HZ-XH', businessKey, variables });
  const search = async (page: Page, label: string, value: string, state?: string) => {
    await page.getByRole('textbox', { name: label, exact: true }).fill(value);
    if (state) await page.locator('#ops-f-state').selectOption(state);
    await page.locator('form.ops-filters button[type=submit]').click();
  };
  const row = (page: Page, businessKey: string) =>
    page.getByRole('row').filter({ has: page.getByRole('link', { name: businessKey, exact: true }) });

  it('searches by business key and state, and a cancel with a reason shows live in a second page (zh and en)', async () => {
    // given three instances, two of them OPS-A
    const a1 = await begin('opsFlow', 'OPS-A-1', { customerName: '张三', accountNo: '3300009' });
    await begin('opsFlow', 'OPS-A-2');
    await begin('opsFlow', 'OPS-B-1');

    // when the leader searches by business key and state (zh)
    const leader = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await leader.getByRole('link', { name: '运维' }).click();
    await search(leader, '业务单号', 'OPS-A', 'running');
    await expect.poll(() => leader.locator('tbody tr').count(), { timeout: STEP_TIMEOUT }).toBe(2);
    expect(await row(leader, 'OPS-A-1').textContent()).toContain('张三 · 3300009');
    await shot(leader, 'instances-zh');

    // and a second page (en) watches the same search without a state filter
    const watcher = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await watcher.goto('/#/operations');
    await search(watcher, 'Business key', 'OPS-A');
    await row(watcher, 'OPS-A-1').waitFor();
    expect(await row(watcher, 'OPS-A-1').textContent()).toContain('Running');
    await shot(watcher, 'instances-en');

    // then cancelling OPS-A-1 with a reason on its page…
    await row(leader, 'OPS-A-1').getByRole('link', { name: 'OPS-A-1' }).click();
    await leader.getByRole('button', { name: '撤销实例' }).click();
    const dialog = leader.getByRole('dialog', { name: '撤销实例' });
    await dialog.getByRole('button', { name: '撤销实例' }).click();
    await dialog.getByText('请填写原因').waitFor();
    await dialog.getByLabel('原因').fill('客户撤回申请');
    await dialog.getByRole('button', { name: '撤销实例' }).click();
    await expect
      .poll(() => leader.getByTestId('instance-state').textContent(), { timeout: LIVE_TIMEOUT })
      .toContain('已撤销');
    await leader.getByText('客户撤回申请').first().waitFor();

    // …changes the row in the other page without a reload
    await expect.poll(() => row(watcher, 'OPS-A-1').textContent(), { timeout: LIVE_TIMEOUT }).toContain('Cancelled');
    const audit = await t.platform
      .db('audit_log')
      .where({ action: 'instance.cancel', object_id: a1.id })
      .first('actor_name');
    expect(audit?.actor_name).toBe('西湖班组长');

    // and the state filter finds it among the cancelled
    await leader.goto('/#/operations');
    await search(leader, '业务单号', 'OPS-A', 'cancelled');
    await expect.poll(() => leader.locator('tbody tr').count(), { timeout: STEP_TIMEOUT }).toBe(1);
    await row(leader, 'OPS-A-1').waitFor();
    expect(pageErrors(leader)).toEqual([]);
    expect(pageErrors(watcher)).toEqual([]);
  });

  it('suspends and resumes with reasons, and edits a typed variable with its history (en, then zh)', async () => {
    const { id } = await begin('opsFlow', 'OPS-S-1');
    const leader = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await leader.goto(`/#/operations/instances/${id}`);
    await leader.getByRole('button', { name: 'Suspend' }).click();
    await leader.getByRole('dialog', { name: 'Suspend instance' }).getByLabel('Reason').fill('customer complaint');
    await leader.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
    await expect
      .poll(() => leader.getByTestId('instance-state').textContent(), { timeout: LIVE_TIMEOUT })
      .toContain('Suspended');
    expect((await t.platform.db('process_instances').where({ id }).first('suspended_at')).suspended_at).not.toBeNull();
    await leader.getByRole('button', { name: 'Resume' }).click();
    await leader.getByRole('dialog', { name: 'Resume instance' }).getByLabel('Reason').fill('complaint settled');
    await leader.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await leader.getByRole('button', { name: 'Suspend' }).waitFor();
    expect(await leader.getByTestId('instance-state').textContent()).not.toContain('Suspended');
    await leader.getByText('complaint settled').waitFor();

    // a variable, added as a number and then changed, with who and why in its history (zh)
    const zh = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await zh.goto(`/#/operations/instances/${id}`);
    await zh.getByRole('button', { name: '新增变量' }).click();
    await zh.getByLabel('变量名').fill('amount');
    await zh.getByLabel('类型').selectOption('number');
    await zh.getByLabel('值', { exact: true }).fill('120');
    await zh.locator('#ops-var-reason').fill('补录金额');
    await zh.getByRole('button', { name: '保存变量' }).click();
    await zh.getByRole('button', { name: '修改变量 amount' }).click();
    await zh.getByLabel('值', { exact: true }).fill('150.5');
    await zh.locator('#ops-var-reason').fill('按发票更正');
    await zh.getByRole('button', { name: '保存变量' }).click();
    await expect
      .poll(
        () =>
          zh
            .getByRole('row', { name: /amount/ })
            .first()
            .textContent(),
        { timeout: LIVE_TIMEOUT },
      )
      .toContain('150.5');
    expect((await t.platform.db('process_instances').where({ id }).first('variables')).variables.amount).toBe(150.5);
    await zh.getByRole('tab', { name: '修改历史' }).click();
    const history = zh.getByRole('table', { name: '修改历史' });
    await history.getByText('按发票更正').waitFor();
    expect(await history.locator('tbody tr').count()).toBe(2);
    expect(await history.locator('tbody tr').first().textContent()).toMatch(
      /xh\.leader.*amount.*120.*150\.5.*按发票更正/,
    );
    await shot(zh, 'instance-zh');
    await shot(leader, 'instance-en');
    expect(pageErrors(zh)).toEqual([]);
  });

  it('moves a token with a modification: the active step cancelled, another picked on the diagram started (zh)', async () => {
    const { id } = await begin('opsFlow', 'OPS-M-1');
    const page = await newUserPage(chrome.browser, t.url, 'admin');
    await page.goto(`/#/operations/instances/${id}`);
    await page.locator('.monitor-diagram[data-ready="true"]').waitFor();
    expect(await page.getByTestId('instance-current').textContent()).toBe('受理');
    await page.getByLabel('取消活动环节').selectOption('accept');
    await page.locator('.djs-element[data-element-id="archive"]').click();
    expect(await page.getByLabel('启动环节').inputValue()).toBe('archive');
    await page.locator('#ops-mod-reason').fill('资料已齐，直接归档');
    await page.getByRole('button', { name: '执行修改' }).click();
    const confirm = page.getByRole('dialog', { name: '确认修改实例' });
    expect(await confirm.textContent()).toContain('取消“受理”，并从“归档”之前启动');
    await confirm.getByRole('button', { name: '执行修改' }).click();
    await expect.poll(() => page.getByTestId('instance-current').textContent(), { timeout: LIVE_TIMEOUT }).toBe('归档');
    const tasks = await t.platform.db('tasks').where({ instance_id: id, status: 'open' }).select('element_id');
    expect(tasks.map((x) => x.element_id)).toEqual(['archive']);
    await page.getByText('资料已齐，直接归档').waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('groups incidents by error, retries a group in bulk and links to the instance (en, zh)', async () => {
    const first = await begin('opsGateway', 'OPS-I-1');
    await begin('opsGateway', 'OPS-I-2');
    await expect
      .poll(async () => Number((await t.platform.db('incidents').where({ status: 'open' }).count('* as n'))[0]!.n), {
        timeout: 30_000,
      })
      .toBe(2);
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await page.goto('/#/operations/incidents');
    const group = page.getByRole('button', { name: /代扣网关不可用/ });
    await group.waitFor();
    expect(await page.getByTestId('group-count').textContent()).toBe('2');
    await group.click();
    await page.getByRole('checkbox', { name: 'Select the whole group' }).check();
    await shot(page, 'incidents-en');
    const zh = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await zh.goto('/#/operations/incidents');
    await zh.getByRole('button', { name: /代扣网关不可用/ }).click();
    await zh.getByRole('link', { name: 'OPS-I-1' }).waitFor();
    await shot(zh, 'incidents-zh');
    // the link from an incident opens its instance
    await zh.getByRole('link', { name: 'OPS-I-1' }).click();
    await zh.getByRole('heading', { name: '实例 OPS-I-1' }).waitFor();
    await zh.getByText('代扣网关不可用').first().waitFor();

    // when the gateway is back and the group is retried
    gatewayDown = false;
    await page.getByRole('button', { name: 'Retry selected' }).click();
    await page.getByText('2 retried, 0 failed').waitFor();
    await page.getByText('No open incidents').waitFor({ timeout: LIVE_TIMEOUT });
    // the instance went on to its task
    await expect
      .poll(
        async () =>
          (await t.platform.db('tasks').where({ instance_id: first.id, status: 'open' }).select('element_id')).map(
            (x) => x.element_id,
          ),
        { timeout: LIVE_TIMEOUT },
      )
      .toEqual(['confirm']);
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(zh)).toEqual([]);
  });

  it('migrates two instances v1 → v2 with the generated mapping; the one waiting at a removed step is refused with its reason (en, zh)', async () => {
    const onV1 = (businessKey: string) =>
      start(clerk, 'opsMig', { definitionId: migV1.id, departmentId: 'ZJ-HZ-XH', businessKey });
    const moved = await onV1('OPS-MIG-1');
    const stuck = await onV1('OPS-MIG-2');
    const modified = await admin.post(`/api/v1/process-instances/${stuck.id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'accept' },
        { type: 'startBeforeActivity', activityId: 'archive' },
      ],
      reason: 'set up for the test',
    });
    expect(modified.status, JSON.stringify(modified.body)).toBe(200);

    const page = await newUserPage(chrome.browser, t.url, 'admin', { locale: 'en' });
    await page.goto('/#/operations/migration');
    await page.getByLabel('Process', { exact: true }).selectOption('opsMig');
    await page.getByLabel('Source version').selectOption({ label: 'v1' });
    await page.getByLabel('Target version').selectOption({ label: 'v2' });
    await page.getByRole('heading', { name: 'Step mapping: v1 → v2' }).waitFor();
    expect(await page.getByLabel('Map "受理" to').inputValue()).toBe('accept');
    expect(await page.getByRole('row', { name: /归档/ }).textContent()).toContain('No counterpart');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.locator('#ops-m-reason').fill('v2 replaces archiving by approval');
    await shot(page, 'migration-en');
    await page.getByRole('button', { name: 'Migrate 2 instance(s)' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByRole('row', { name: /OPS-MIG-1/ }).textContent()).toContain('Migrated');
    expect(await result.getByRole('row', { name: /OPS-MIG-2/ }).textContent()).toMatch(/Refused: .*archive/);
    const rows = await t.platform
      .db('process_instances')
      .whereIn('id', [moved.id, stuck.id])
      .select('id', 'definition_version');
    expect(Object.fromEntries(rows.map((r) => [r.id, r.definition_version]))).toEqual({ [moved.id]: 2, [stuck.id]: 1 });

    const zh = await newUserPage(chrome.browser, t.url, 'admin');
    await zh.goto('/#/operations/migration');
    await zh.getByLabel('流程', { exact: true }).selectOption('opsMig');
    await zh.getByLabel('源版本').selectOption({ label: 'v1' });
    await zh.getByLabel('目标版本').selectOption({ label: 'v2' });
    await zh.getByRole('heading', { name: '环节映射：v1 → v2' }).waitFor();
    await shot(zh, 'migration-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('cancels a selection as a batch whose progress and per-instance results show live (zh, en)', async () => {
    for (let i = 1; i <= 4; i++) await begin('opsFlow', `OPS-BATCH-${i}`);
    const page = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await page.goto('/#/operations');
    await search(page, '业务单号', 'OPS-BATCH', 'running');
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: STEP_TIMEOUT }).toBe(4);
    await page.getByRole('checkbox', { name: '选择本页全部' }).check();
    await page.getByRole('button', { name: '批量撤销' }).click();
    const dialog = page.getByRole('dialog', { name: '撤销 4 个实例' });
    await dialog.getByLabel('原因').fill('重复申请');
    await dialog.getByRole('button', { name: '撤销实例' }).click();
    await page.getByRole('heading', { name: '批量操作：撤销实例' }).waitFor();
    await expect.poll(() => page.getByTestId('batch-status').textContent(), { timeout: 30_000 }).toBe('已完成');
    await expect
      .poll(() => page.locator('.ops-progress span').first().textContent(), { timeout: LIVE_TIMEOUT })
      .toBe('4/4（成功 4，失败 0）');
    await expect
      .poll(() => page.getByRole('table', { name: '各实例结果' }).getByText('成功').count(), { timeout: LIVE_TIMEOUT })
      .toBe(4);
    await shot(page, 'batch-zh');
    const cancelled = await t.platform
      .db('process_instances')
      .whereLike('business_key', 'OPS-BATCH-%')
      .where({ status: 'cancelled' });
    expect(cancelled).toHaveLength(4);

    const en = await newUserPage(chrome.browser, t.url, 'xh.leader', { locale: 'en' });
    await en.goto('/#/operations/batches');
    await en.getByRole('link', { name: 'Cancel instances' }).first().waitFor();
    expect(await en.locator('.ops-progress span').first().textContent()).toBe('4/4 (4 succeeded, 0 failed)');
    await shot(en, 'batches-en');
    await page.getByRole('link', { name: '← 返回批量操作列表' }).click();
    await page.getByRole('link', { name: '撤销实例' }).first().waitFor();
    await shot(page, 'batches-zh');
    expect(pageErrors(page)).toEqual([]);
  });
});

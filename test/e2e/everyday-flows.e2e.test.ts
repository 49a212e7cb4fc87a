import { copyFile, mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, fixture, start } from '../support/workflow.js';
import { MONITORED_FORMS } from '../integration/monitoring/fixtures.js';
import {
  launchBrowser,
  LIVE_TIMEOUT,
  newUserPage,
  pageErrors,
  screenshot,
  type Locale,
  type TestBrowser,
} from './support/browser.js';

async function shot(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 768 });
  const file = await screenshot(page, name);
  await mkdir('/tmp/shots/h9', { recursive: true });
  await copyFile(file, `/tmp/shots/h9/${name}.png`);
}

/** Sixteen clerk steps in a row, drawn left to right: too wide to read when fitted whole. */
function longProcess(key: string): string {
  const n = 16;
  const tasks = Array.from({ length: n }, (_, i) => `t${i + 1}`);
  const ids = ['s', ...tasks, 'e'];
  const x = (i: number) => 100 + i * 160;
  const flows = ids.slice(1).map((id, i) => ({ id: `f${i}`, from: ids[i]!, to: id }));
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="D" targetNamespace="t">
  <process id="${key}" name="Long process" isExecutable="true">
    <startEvent id="s" name="Start" />
    ${tasks.map((id) => `<userTask id="${id}" name="Step ${id}" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />`).join('\n    ')}
    <endEvent id="e" name="End" />
    ${flows.map((f) => `<sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}" />`).join('\n    ')}
  </process>
  <bpmndi:BPMNDiagram id="DI"><bpmndi:BPMNPlane id="P" bpmnElement="${key}">
    ${ids
      .map((id, i) =>
        id === 's' || id === 'e'
          ? `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x(i) + 32}" y="122" width="36" height="36" /></bpmndi:BPMNShape>`
          : `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x(i)}" y="100" width="100" height="80" /></bpmndi:BPMNShape>`,
      )
      .join('\n    ')}
    ${flows
      .map(
        (f, i) =>
          `<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}"><di:waypoint x="${x(i) + 100}" y="140" /><di:waypoint x="${x(i + 1)}" y="140" /></bpmndi:BPMNEdge>`,
      )
      .join('\n    ')}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>`;
}

const WORDS = {
  zh: {
    claimable: '可签收',
    bulk: (n: number) => `签收所选（${n}）`,
    select: '选择',
    delegate: '委托',
    delegateTitle: '委托任务',
    assignee: '接收人（姓名或用户名）',
    confirm: '确定',
    xihu: '西湖区供电分公司',
    instancesAt: '在此等待',
  },
  en: {
    claimable: 'Claimable',
    bulk: (n: number) => `Claim selected (${n})`,
    select: 'Select',
    delegate: 'Delegate',
    delegateTitle: 'Delegate the task',
    assignee: 'New assignee (name or user name)',
    confirm: 'Confirm',
    xihu: 'Xihu County Office',
    instancesAt: '',
  },
} as const;

describe.each(['zh', 'en'] as Locale[])('everyday flows in Chromium (%s)', (locale) => {
  const w = WORDS[locale];
  let t: TestPlatform;
  let chrome: TestBrowser;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    const designer = await t.as('designer');
    await deploy(designer, longProcess('long_flow'));
    const monitored = await designer.post('/api/v1/deployments', {
      xml: fixture('monitoring.two-steps.bpmn'),
      forms: MONITORED_FORMS,
    });
    expect(monitored.status, JSON.stringify(monitored.body)).toBe(201);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('lists the instances of a step clicked on the monitor, or reached by keyboard (Enter, Space); departments by name', async () => {
    const xh = await t.as('xh.clerk');
    await start(xh, 'monitored', { departmentId: 'ZJ-HZ-XH', businessKey: `MON-${locale}-1` });
    const manager = await newUserPage(chrome.browser, t.url, 'xh.manager', { locale });
    await manager.goto('/#/monitor?process=monitored');
    await manager.locator('.monitor-diagram[data-ready="true"]').waitFor();
    const step = (id: string) => manager.locator(`button.monitor-step[data-element="${id}"]`);
    // the click lands on the step, over its heat
    await step('accept').click();
    const listed = manager.getByTestId('element-instances');
    await expect.poll(() => listed.textContent()).toContain(`MON-${locale}-1`);
    // department names, not codes, in the list and the filter
    expect(await listed.textContent()).toContain(w.xihu);
    expect(await listed.textContent()).not.toContain('ZJ-HZ-XH');
    const filter = manager.getByRole('form').getByRole('combobox').nth(2);
    expect(await filter.locator('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(w.xihu)]),
    );
    await shot(manager, `monitor-step-click-${locale}`);

    // keyboard: Enter on the focused review step lists it (none waiting), Space on accept again
    await step('review').focus();
    await manager.keyboard.press('Enter');
    await expect.poll(() => listed.locator('caption').textContent()).toContain('Review');
    await step('accept').focus();
    await manager.keyboard.press('Space');
    await expect.poll(() => listed.locator('caption').textContent()).toContain('Accept application');
    await expect.poll(() => listed.textContent()).toContain(`MON-${locale}-1`);
    expect(pageErrors(manager)).toEqual([]);
    await manager.context().close();
  });

  it('opens a task diagram zoomed to the current step', async () => {
    const clerk = await t.as('xh.clerk');
    const started = await start(clerk, 'long_flow', { businessKey: `LONG-${locale}` });
    const taskId = started.tasks[0]!.id;
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk', { locale });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`/#/tasks/${taskId}`);
    const current = page.locator('.diagram .djs-element.step-current[data-element-id="t1"]');
    await current.waitFor();
    await expect
      .poll(() =>
        page
          .locator('.diagram .viewport')
          .evaluate((el) => Number((el.getAttribute('transform') ?? '').match(/matrix\(([\d.]+)/)?.[1] ?? 0)),
      )
      .toBeGreaterThanOrEqual(0.8);
    const box = (await page.locator('.diagram').boundingBox())!;
    const stepBox = (await current.boundingBox())!;
    expect(stepBox.x).toBeGreaterThanOrEqual(box.x);
    expect(stepBox.x + stepBox.width).toBeLessThanOrEqual(box.x + box.width);
    await current.scrollIntoViewIfNeeded();
    await shot(page, `task-diagram-zoomed-${locale}`);
    await page.context().close();
  });

  it('keeps tab counts and the pager current when a task is taken live, claims in bulk, and delegates through the colleague picker', async () => {
    const clerk = await t.as('xh.clerk');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await start(clerk, 'long_flow', { businessKey: `BULK-${locale}-${i}` })).tasks[0]!.id);
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk', { locale });
    await page.getByRole('tab', { name: w.claimable }).click();
    const count = page.locator('[data-count="claimable"]');
    await expect.poll(async () => Number(await count.textContent())).toBeGreaterThanOrEqual(3);
    const before = Number(await count.textContent());
    const pager = page.locator('.pager span').first();
    // the total at the pager's end ("1–50 of 12", "第 1–50 条，共 12 条"), not any number in it
    const pagerTotal = async () => Number((await pager.textContent())?.match(/(\d+)\D*$/)?.[1]);
    await expect.poll(pagerTotal).toBe(before);

    // when a colleague claims one in their own session, the row, the counter and the pager follow without a reload
    const other = await t.anonymous().login('xh.clerk2');
    expect((await other.post(`/api/v1/tasks/${ids[0]}/claim`)).status).toBe(200);
    await expect.poll(async () => Number(await count.textContent()), { timeout: LIVE_TIMEOUT }).toBe(before - 1);
    await expect.poll(pagerTotal, { timeout: LIVE_TIMEOUT }).toBe(before - 1);
    expect(await page.locator(`tr[data-task-id="${ids[0]}"]`).count()).toBe(0);

    // bulk claim: tick two rows, claim them at once
    for (const id of ids.slice(1)) await page.locator(`tr[data-task-id="${id}"]`).getByRole('checkbox').check();
    await shot(page, `worklist-bulk-claim-${locale}`);
    await page.getByRole('button', { name: w.bulk(2) }).click();
    await expect.poll(async () => Number(await count.textContent()), { timeout: LIVE_TIMEOUT }).toBe(before - 3);
    for (const id of ids.slice(1)) expect((await clerk.get(`/api/v1/tasks/${id}`)).body.assignee).toBe('xh.clerk');

    // delegate through the picker: a name search within the clerk's county only
    await page.goto(`/#/tasks/${ids[1]}`);
    await page.getByRole('button', { name: w.delegate, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: w.delegateTitle });
    await dialog.getByLabel(w.assignee).fill(locale === 'zh' ? '受理员二' : 'clerk2');
    const options = dialog.getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringContaining('xh.clerk2')]);
    await shot(page, `task-colleague-picker-${locale}`);
    await options.first().click();
    await dialog.getByRole('button', { name: w.confirm }).click();
    await expect.poll(async () => (await clerk.get(`/api/v1/tasks/${ids[1]}`)).body.assignee).toBe('xh.clerk2');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

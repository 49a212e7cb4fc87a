import { copyFile, mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, newUserPage, screenshot, type Locale, type TestBrowser } from './support/browser.js';
import { deployMeterCheck, startMeterCheck } from './support/worklist-fixtures.js';

/** Screenshots of these screens are also kept where the reviewer looks at them. */
async function shot(page: Page, name: string) {
  const file = await screenshot(page, name);
  await mkdir('/tmp/shots/h6', { recursive: true });
  await copyFile(file, `/tmp/shots/h6/${name}.png`);
}

async function connectionIds(page: Page): Promise<string[]> {
  return page
    .locator('.designer-canvas g.djs-connection[data-element-id]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-element-id') ?? ''));
}

/** Clicks a connection on its first segment, as a user does. */
async function clickConnection(page: Page, id: string) {
  const point = await page
    .locator(`.designer-canvas g.djs-connection[data-element-id="${id}"] .djs-hit`)
    .first()
    .evaluate((node) => {
      const path = node as unknown as {
        getTotalLength(): number;
        getPointAtLength(at: number): { x: number; y: number };
        getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
      };
      const p = path.getPointAtLength(Math.min(20, path.getTotalLength() / 2));
      const m = path.getScreenCTM();
      return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
    });
  await page.mouse.click(point.x, point.y);
}

const WORDS = {
  zh: {
    claim: '签收',
    unclaim: '取消签收',
    delegate: '委托',
    user: '接收人（姓名或用户名）',
    confirm: '确定',
    unknownUser: '找不到这位同事，或其账号已停用。',
    startEvent: '创建开始事件',
    conditionGroup: '条件',
    flowType: '顺序流',
    tasklistGroup: '任务列表',
    conditionType: '条件类型',
    none: '<无>',
    expression: '表达式',
  },
  en: {
    claim: 'Claim',
    unclaim: 'Unclaim',
    delegate: 'Delegate',
    user: 'New assignee (name or user name)',
    confirm: 'Confirm',
    unknownUser: 'No active colleague by that name.',
    startEvent: 'Create start event',
    conditionGroup: 'Condition',
    flowType: 'Sequence Flow',
    tasklistGroup: 'Tasklist',
    conditionType: 'Condition type',
    none: '<none>',
    expression: 'Expression',
  },
};

describe('everyday flows in Chromium, in Chinese and English', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await deployMeterCheck(t);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it.each<[string, string]>([
    ['xh.clerk', '#/worklist'],
    ['designer', '#/designer'],
    ['admin', '#/admin'],
  ])('lands %s where their work is (%s)', async (username, landing) => {
    const page = await newUserPage(chrome.browser, t.url, username);
    await expect.poll(() => new URL(page.url()).hash).toBe(landing);
    await page.context().close();
  });

  it.each<Locale>(['zh', 'en'])(
    'says a refusal in the reader’s words and names unclaim plainly (%s)',
    async (locale) => {
      // given a clerk's claimed task
      const w = WORDS[locale];
      const clerk = await t.as('xh.clerk');
      const started = await startMeterCheck(clerk, 'ZJ-HZ-XH', `EV-${locale}-${Date.now()}`);
      const page = await newUserPage(chrome.browser, t.url, 'xh.clerk', { locale });
      await page.goto(`/#/tasks/${started.taskId}`);
      await page.getByRole('button', { name: w.claim, exact: true }).click();
      await page.getByRole('button', { name: w.unclaim, exact: true }).waitFor();

      // when they delegate it to someone who does not exist
      await page.getByRole('button', { name: w.delegate, exact: true }).click();
      await page.getByLabel(w.user).fill('nobody.xx');
      await page.getByRole('dialog').getByRole('button', { name: w.confirm, exact: true }).click();

      // then the refusal is a sentence in their language, never the server's English
      const toast = page.locator('.toast-error');
      await toast.waitFor();
      expect(await toast.textContent()).toContain(w.unknownUser);
      expect(await toast.textContent()).not.toContain('no active user');
      await shot(page, `everyday-refusal-${locale}`);

      // and the same refusal twice shows one toast, not a pile
      await page.getByRole('button', { name: w.delegate, exact: true }).click();
      await page.getByLabel(w.user).fill('nobody.xx');
      await page.getByRole('dialog').getByRole('button', { name: w.confirm, exact: true }).click();
      await expect.poll(() => page.locator('.toast-error').count()).toBe(1);
      await page.context().close();
    },
  );

  it.each<Locale>(['zh', 'en'])(
    'speaks the designer’s language in bpmn-js and offers no script condition (%s)',
    async (locale) => {
      const w = WORDS[locale];
      const page = await newUserPage(chrome.browser, t.url, 'designer', { locale });
      await page.goto(`/#/designer/ev_flow_${locale}`);
      const palette = page.locator('.djs-palette [data-action="create.start-event"]');
      await palette.waitFor();
      expect(await palette.getAttribute('aria-label')).toBe(w.startEvent);
      // the palette is there before the diagram is: a click during the import would miss the start event
      await page.locator('.designer-canvas[data-ready="true"]').waitFor();
      // the process's own panel: its groups in the reader's language too
      await page
        .locator('.designer-properties .bio-properties-panel-group-header-title', { hasText: w.tasklistGroup })
        .waitFor();

      // when the designer appends a gateway and a task after it, and selects the flow between them
      await page.locator('.designer-canvas g.djs-shape[data-element-id="StartEvent_1"] .djs-hit').first().click();
      await page.locator('.djs-context-pad [data-action="append.gateway"]').click();
      const before = await connectionIds(page);
      await page.locator('.djs-context-pad [data-action="append.append-task"]').click();
      await page.keyboard.type('Check');
      await page.locator('.designer-canvas .djs-container').click({ position: { x: 700, y: 30 } });
      const flow = (await connectionIds(page)).find((id) => !before.includes(id)) as string;
      await shot(page, `everyday-designer-${locale}`);
      await clickConnection(page, flow);
      // the panel's header names the element's type in the reader's language
      await expect
        .poll(() => page.locator('.designer-properties .bio-properties-panel-header-type').textContent())
        .toBe(w.flowType);
      // the condition group, closed as the panel opens it, opened as a user would
      const header = page.locator('.designer-properties .bio-properties-panel-group-header', {
        has: page.getByText(w.conditionGroup, { exact: true }),
      });
      if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
      const type = page.locator('.designer-properties').getByLabel(w.conditionType, { exact: true });
      await type.waitFor();

      // then the condition can be none or an expression, never a script
      const options = await type.locator('option').allTextContents();
      expect(options).toEqual([w.none, w.expression]);
      await shot(page, `everyday-designer-condition-${locale}`);
      await page.context().close();
    },
  );
});

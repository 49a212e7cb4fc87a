import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  type TestBrowser,
  STEP_TIMEOUT,
} from './support/browser.js';

/** Ids of the diagram's shapes or connections as the canvas renders them. */
async function elementIds(page: Page, kind: 'shape' | 'connection'): Promise<string[]> {
  return page
    .locator(`.designer-canvas g.djs-${kind}[data-element-id]`)
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-element-id') ?? ''));
}

/** Clicks an element on the canvas as a user does: a shape at its centre, a connection on its first segment. */
async function clickElement(page: Page, id: string) {
  // first a click on empty canvas: a click on the element already selected would deselect it
  await page.locator('.designer-canvas .djs-container').click({ position: { x: 700, y: 30 } });
  const shape = page.locator(`.designer-canvas g.djs-shape[data-element-id="${id}"]`);
  if ((await shape.count()) > 0) {
    await shape.locator('.djs-hit').first().click();
    return;
  }
  const point = await page
    .locator(`.designer-canvas g.djs-connection[data-element-id="${id}"] .djs-hit`)
    .first()
    .evaluate((node) => {
      // the DOM types of an SVG polyline (this file compiles without the DOM library)
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

/** Appends from the selected element through its context pad; returns the new shape and connection. */
async function append(page: Page, from: string, action: string, name: string) {
  const [shapes, connections] = [await elementIds(page, 'shape'), await elementIds(page, 'connection')];
  await clickElement(page, from);
  await page.locator(`.djs-context-pad [data-action="${action}"]`).click();
  const shape = (await elementIds(page, 'shape')).find((id) => !shapes.includes(id)) as string;
  const connection = (await elementIds(page, 'connection')).find((id) => !connections.includes(id)) as string;
  expect(shape).toBeTruthy();
  // appending a task opens its label editor: type the name and click the empty canvas to finish;
  // elements with an outside label (gateways, events) get theirs in the panel's General group
  const editor = page.locator('.djs-direct-editing-parent');
  if (await editor.isVisible()) {
    await page.keyboard.type(name);
    await clickElement(page, shape);
  } else {
    const general = page.locator('.designer-properties .bio-properties-panel-group-header', { hasText: 'General' });
    if (!((await general.getAttribute('class')) ?? '').includes('open')) await general.click();
    await page.locator('.designer-properties').getByLabel('Name', { exact: true }).fill(name);
  }
  return { shape, connection };
}

async function replaceWith(page: Page, id: string, target: string) {
  await clickElement(page, id);
  await page.locator('.djs-context-pad [data-action="replace"]').click();
  await page.locator(`.djs-popup [data-id="${target}"]`).click();
}

describe('designer: draw, check, deploy, work (Chromium)', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    page = await newUserPage(chrome.browser, t.url, 'designer', { locale: 'en' });
    page.setDefaultTimeout(STEP_TIMEOUT);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  /** The error messages the lint panel lists, as shown (English here: the server's very words). */
  async function lintErrors(): Promise<string[]> {
    return page.locator('.lint-panel .lint-item.lint-error .lint-message').allTextContents();
  }

  async function lintWarnings(): Promise<string[]> {
    return page.locator('.lint-panel .lint-item.lint-warn .lint-message').allTextContents();
  }

  /** Waits until the lint panel has caught up with the last change (it runs shortly after each edit). */
  async function waitForLint(check: (issues: string[]) => boolean, name: string, read = lintErrors) {
    let last: string[] = [];
    try {
      await eventually(async () => {
        last = await read();
        return check(last) ? last : null;
      }, STEP_TIMEOUT);
    } catch {
      await screenshot(page, `designer-failed-${name}`);
      throw new Error(`lint never reached "${name}"; it lists: ${JSON.stringify(last)}`);
    }
  }

  async function panelGroup(label: string) {
    const header = page.locator('.designer-properties .bio-properties-panel-group-header', { hasText: label });
    if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
  }

  /** Candidates, form and (optionally) a deadline, set through the platform's group of the panel. */
  async function assign(taskId: string, role: string, form: { create: string } | { pick: string }) {
    await clickElement(page, taskId);
    await page.getByRole('checkbox', { name: role, exact: true }).check();
    if ('create' in form) {
      await page.getByRole('button', { name: 'New form' }).click();
      const dialog = page.getByRole('dialog', { name: 'New form' });
      await dialog.locator('.fjs-editor-container').waitFor();
      await dialog.getByLabel('Form id').fill(form.create);
      await dialog.getByRole('button', { name: 'Save form' }).click();
      await dialog.waitFor({ state: 'detached' });
    } else {
      await page.locator('.designer-properties').getByLabel('Form', { exact: true }).selectOption(form.pick);
    }
  }

  it('draws start → user task → gateway → two user tasks → ends with the palette, context pad and panel, and deploys', async () => {
    // given the designer on the designer page, starting a new process
    await page.getByRole('navigation').getByRole('link', { name: 'Designer' }).click();
    await page.getByRole('heading', { name: 'Process designer' }).waitFor();
    await page.getByLabel('Process key').fill('e2e_approval');
    await page.getByLabel('Process name').fill('E2E approval');
    await page.getByRole('button', { name: 'Create process' }).click();
    await page.getByRole('heading', { name: 'Designing: E2E approval' }).waitFor();
    await page.locator('.designer-canvas g.djs-shape[data-element-id="StartEvent_1"]').waitFor();

    // when they append a task from the start event and make it a user task
    const review = await append(page, 'StartEvent_1', 'append.append-task', 'Review application');
    await replaceWith(page, review.shape, 'replace-with-user-task');
    // then the checks warn that it has no candidates and no form (worklist concerns: a deploy would still pass)
    await waitForLint(
      (w) =>
        w.includes('User task "Review application" has no form (formKey): it opens with the generic variables form'),
      'review-needs-form',
      lintWarnings,
    );
    expect(await lintWarnings()).toContain(
      'User task "Review application" names no candidate groups, candidate users or assignee: its tasks go to team leaders as unassigned',
    );
    expect(await lintErrors()).not.toContainEqual(expect.stringContaining('"Review application"'));

    // when they set candidates, a new form and a working-day deadline through the panel
    await assign(review.shape, 'Business acceptance clerk', { create: 'e2e.review' });
    const panel = page.locator('.designer-properties');
    await panel.getByLabel('Deadline', { exact: true }).selectOption('workdays');
    await panel.getByLabel('Working days', { exact: true }).fill('3');
    await waitForLint((w) => !w.some((m) => m.includes('"Review application"')), 'review-complete', lintWarnings);

    // and draw the gateway and its two branches
    const gateway = await append(page, review.shape, 'append.gateway', 'Approved?');
    const approve = await append(page, gateway.shape, 'append.append-task', 'Approve');
    await replaceWith(page, approve.shape, 'replace-with-user-task');
    const reject = await append(page, gateway.shape, 'append.append-task', 'Reject');
    await replaceWith(page, reject.shape, 'replace-with-user-task');
    await append(page, approve.shape, 'append.end-event', 'Approved');
    await append(page, reject.shape, 'append.end-event', 'Rejected');
    await assign(approve.shape, 'Team leader', { pick: 'e2e.review' });
    await assign(reject.shape, 'Business acceptance clerk', { pick: 'e2e.review' });

    // then the gateway is an error until its routing is complete, and deploying is blocked
    const gatewayError = 'Exclusive gateway "Approved?" needs a default flow or a condition on every outgoing flow';
    await waitForLint((e) => e.length === 1 && e[0] === gatewayError, 'gateway-error');
    await expect(page.getByRole('button', { name: 'Deploy' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'designer-2-gateway-error');

    // and the server refuses that very diagram with the very message the browser shows
    await page.getByRole('button', { name: 'Save draft' }).click();
    const designer = await t.as('designer');
    const draft = await eventually(async () => {
      const res = await designer.get('/api/v1/designer/drafts/e2e_approval');
      return res.status === 200 && res.body.revision >= 1 ? res.body : null;
    }, STEP_TIMEOUT);
    const refused = await designer.post('/api/v1/deployments', {
      xml: draft.xml,
      forms: draft.forms.map((f: { schema: unknown }) => f.schema),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('LINT_FAILED');
    expect(refused.body.details.map((d: { message: string }) => d.message)).toEqual(await lintErrors());

    // when they give the approve flow a condition and make the reject flow the default
    await clickElement(page, approve.connection);
    await panelGroup('Condition');
    await panel.getByLabel('Condition type', { exact: true }).selectOption('expression');
    await panel.getByLabel('Condition Expression', { exact: true }).fill('${approved}');
    // (a conditional flow carries its label, or bpmnlint's label-required warns)
    await panelGroup('General');
    await panel.getByLabel('Name', { exact: true }).fill('Yes');
    await clickElement(page, reject.connection);
    await page.locator('.djs-context-pad [data-action="replace"]').click();
    await page.locator('.djs-popup [data-id="replace-with-default-flow"]').click();

    // and give the whole case a deadline of 10 working days, on the process itself
    await page.locator('.designer-canvas .djs-container').click({ position: { x: 700, y: 30 } });
    await panel.getByLabel('Whole-case deadline', { exact: true }).selectOption('workdays');
    await panel.getByLabel('Working days', { exact: true }).fill('10');
    await panel.getByLabel('Paused by', { exact: true }).waitFor();

    // then no error is left and the process deploys
    await waitForLint((e) => e.length === 0, 'clean');
    await page.locator('.lint-summary', { hasText: 'No problems found.' }).waitFor();
    await screenshot(page, 'designer-3-clean');
    await page.getByRole('button', { name: 'Deploy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Deploy the process' });
    await confirm.getByRole('button', { name: 'Deploy' }).click();
    await page.getByText('Deployed as v1').waitFor();
    expect(pageErrors(page)).toEqual([]);

    // and the deployed version carries the panel's settings and the form
    const deployed = await designer.get('/api/v1/process-definitions?key=e2e_approval');
    expect(deployed.body.items[0]).toMatchObject({ key: 'e2e_approval', version: 1, deployedBy: 'designer' });
    const xml = (await designer.get(`/api/v1/process-definitions/${deployed.body.items[0].id}/xml`)).body as string;
    expect(xml).toContain('camunda:candidateGroups="acceptance_clerk"');
    expect(xml).toContain('camunda:formKey="e2e.review"');
    expect(xml).toContain('camunda:dueDate="wd:3"');
    expect(xml).toMatch(/<camunda:property name="dueDate" value="wd:10" \/>/);
    expect(xml).toMatch(
      /<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\$\{approved\}<\/bpmn:conditionExpression>/,
    );

    // when a clerk of the Xihu office starts an instance
    const clerkApi = await t.as('xh.clerk');
    const started = await clerkApi.post('/api/v1/process-instances', {
      definitionKey: 'e2e_approval',
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'E2E-0001',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);

    // then the clerk finds its first task in the worklist, with its form
    const clerk = await newUserPage(chrome.browser, t.url, 'xh.clerk', { locale: 'en' });
    await clerk.getByRole('tab', { name: 'Claimable' }).click();
    const row = clerk.getByRole('tabpanel').getByText('Review application');
    await row.first().waitFor();
    await screenshot(clerk, 'designer-4-clerk-worklist');
    const form = await clerkApi.get(`/api/v1/tasks/${started.body.tasks[0].id}/form`);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(JSON.stringify(form.body)).toContain('e2e.review');
    expect(pageErrors(clerk)).toEqual([]);
  }, 120_000);

  it('speaks Chinese by default: reopens the draft, lists its checks in Chinese and marks the element', async () => {
    // given the designer in Chinese, back on the draft deployed above
    const zh = await newUserPage(chrome.browser, t.url, 'designer');
    zh.setDefaultTimeout(STEP_TIMEOUT);
    await zh.getByRole('navigation').getByRole('link', { name: '流程设计' }).click();
    await zh.getByRole('table', { name: '草稿' }).getByRole('link', { name: 'e2e_approval' }).click();
    await zh.getByRole('heading', { name: '设计：E2E approval' }).waitFor();
    await zh.getByText('没有发现问题。').waitFor();
    await expect(zh.getByText(/草稿修订 \d+，designer/).count()).resolves.toBe(1);

    // when they take the candidate group off the first task
    const first = await zh
      .locator('.designer-canvas g.djs-shape[data-element-id^="Activity_"]', { hasText: 'Review' })
      .getAttribute('data-element-id');
    await clickElement(zh, first as string);
    // (the panel shows the task before its fields are used)
    await zh
      .locator('.designer-properties .bio-properties-panel-header-label', { hasText: 'Review application' })
      .waitFor();
    const clerks = zh.getByRole('checkbox', { name: '业务受理员', exact: true });
    await expect.poll(() => clerks.isChecked(), { timeout: STEP_TIMEOUT }).toBe(true);
    // Unticked, the panel's checkbox (@bpmn-io/properties-panel's Checkbox) renders once more as
    // ticked before it settles: it keeps `event.target.value` ("on") as its local value until its
    // effect, after paint, takes the element's. Playwright's uncheck() reads the state at once and,
    // on a busy machine, read that frame; the settled state is what counts.
    await clerks.click();
    await expect.poll(() => clerks.isChecked(), { timeout: STEP_TIMEOUT }).toBe(false);

    // then the check warns in Chinese, on the list and as a badge on the task; a warning does not block the deploy
    const message = '用户任务“Review application”未设置候选组、候选用户或办理人：其任务将作为“未分派”交由班组长处理';
    await zh.locator('.lint-panel .lint-item.lint-warn .lint-message', { hasText: message }).waitFor();
    await zh.locator(`.lint-badge.lint-warn[data-element-id="${first}"]`).waitFor();
    await expect(zh.getByRole('button', { name: '部署', exact: true }).isDisabled()).resolves.toBe(false);
    await screenshot(zh, 'designer-5-zh');
    expect(pageErrors(zh)).toEqual([]);
  }, 60_000);
});

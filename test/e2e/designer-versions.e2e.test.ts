import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy } from '../support/workflow.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

const designerFixture = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/designer', name), 'utf8');

describe('designer: versions, read-only view, diff, test instances, simulation (Chromium)', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let designer: ApiClient;
  let admin: ApiClient;
  let page: Page;
  let v1: { id: string; version: number };
  let v2: { id: string; version: number };

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    designer = await t.as('designer');
    admin = await t.as('admin');
    // given two versions of one process, deployed by two people
    v1 = await deploy(designer, designerFixture('meter-check.v1.bpmn'));
    v2 = await deploy(admin, designerFixture('meter-check.v2.bpmn'));
    page = await newUserPage(chrome.browser, t.url, 'designer', { locale: 'en' });
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  const displayName = async (client: ApiClient) =>
    ((await client.get('/api/v1/auth/me')).body as { displayName: string }).displayName;

  it('lists every version with who deployed it and when', async () => {
    await page.goto(`${t.url}/#/designer/meter_check/versions`);
    const table = page.getByRole('table', { name: 'Versions of meter_check' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect([v2.version, v1.version]).toEqual([2, 1]);
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-version')).toBe('2');
    expect(await rows.nth(0).textContent()).toContain(`${await displayName(admin)} (admin)`);
    expect(await rows.nth(1).textContent()).toContain(`${await displayName(designer)} (designer)`);
    expect(await rows.nth(1).locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await screenshot(page, 'designer-versions-list');
  });

  it('opens a version read-only and downloads exactly the deployed file', async () => {
    await page.getByRole('link', { name: 'Open v1' }).click();
    await page.getByRole('heading', { name: 'meter_check v1 (read-only)' }).waitFor();
    const diagram = page.locator('.bpmn-readonly[data-ready="true"]');
    await diagram.waitFor();
    // the v1 task is drawn, there is no palette or context pad to edit with
    expect(await diagram.locator('[data-element-id="notify"]').count()).toBe(1);
    expect(await page.locator('.djs-palette').count()).toBe(0);
    await diagram.locator('[data-element-id="review"]').click();
    expect(await page.locator('.djs-context-pad').count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .bpmn' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('meter_check.v1.bpmn');
    expect(await readFile((await download.path()) as string, 'utf8')).toBe(designerFixture('meter-check.v1.bpmn'));
    await screenshot(page, 'designer-version-readonly');
  });

  it('compares two versions: added, removed, changed and moved, on the diagrams and as a list', async () => {
    await page.goto(`${t.url}/#/designer/meter_check/versions`);
    await page.getByRole('checkbox', { name: 'Select v1 for comparison' }).check();
    await page.getByRole('checkbox', { name: 'Select v2 for comparison' }).check();
    await page.getByRole('button', { name: 'Compare the two selected versions' }).click();
    await page.getByRole('heading', { name: 'meter_check: v1 compared with v2' }).waitFor();

    const summary = page.getByTestId('diff-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toBe('2 added, 2 removed, 2 changed, 1 moved');
    const rows = page.getByRole('table', { name: 'Changes' }).locator('tbody tr');
    const listed = await rows.evaluateAll((trs) =>
      trs.map((tr) => `${tr.getAttribute('data-change')}:${tr.getAttribute('data-element')}`),
    );
    expect(listed.sort()).toEqual(
      [
        'added:approve',
        'added:f4',
        'removed:notify',
        'removed:f3',
        'changed:review',
        'changed:f2',
        'layout:done',
      ].sort(),
    );
    const detail = async (id: string) => (await rows.and(page.locator(`[data-element="${id}"]`)).textContent()) ?? '';
    expect(await detail('review')).toContain('name: "Review application" → "Review the application"');
    expect(await detail('f2')).toContain('targetRef: notify → approve');

    // removed on the older diagram, added on the newer, changed on both
    const older = page.locator('[data-diff-side="older"]');
    const newer = page.locator('[data-diff-side="newer"]');
    expect(await older.locator('.djs-element.diff-removed[data-element-id="notify"]').count()).toBe(1);
    expect(await newer.locator('.djs-element.diff-added[data-element-id="approve"]').count()).toBe(1);
    expect(await newer.locator('.djs-element.diff-added[data-element-id="f4"]').count()).toBe(1);
    expect(await older.locator('.djs-element.diff-changed[data-element-id="review"]').count()).toBe(1);
    expect(await newer.locator('.djs-element.diff-changed[data-element-id="review"]').count()).toBe(1);
    expect(await newer.locator('.djs-element.diff-layout[data-element-id="done"]').count()).toBe(1);
    // and the markers show: the added flow's line is drawn green, the removed task's outline red
    const stroke = (side: typeof older, id: string) =>
      side
        .locator(`[data-element-id="${id}"] .djs-visual > :first-child`)
        // (runs in the page; the test's own TypeScript has no DOM types)
        .evaluate(
          (el) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke,
        );
    expect(await stroke(newer, 'f4')).toBe('rgb(46, 125, 50)');
    expect(await stroke(older, 'notify')).toBe('rgb(198, 40, 40)');
    await screenshot(page, 'designer-versions-diff');
    expect(pageErrors(page)).toEqual([]);
  });

  it('starts a test instance of a deployed version and, without the monitor, says so in place', async () => {
    await page.goto(`${t.url}/#/designer/meter_check/versions/1`);
    await page.getByRole('heading', { name: 'meter_check v1 (read-only)' }).waitFor();
    await page.getByRole('button', { name: 'Start a test instance' }).click();
    const form = page.getByRole('form', { name: 'Start a test instance of meter_check v1' });
    await form.getByLabel('Business key').fill('TEST-meter-1');
    // a malformed variables box is refused in the page, nothing is started
    await form.getByLabel('Process variables (a JSON object)').fill('[1, 2]');
    // the designer may not read the monitor (no dashboard:read): the button does not promise it
    await form.getByRole('button', { name: 'Start', exact: true }).click();
    await form.getByRole('alert').waitFor();
    expect((await designer.get('/api/v1/process-instances?definitionKey=meter_check')).body.items).toHaveLength(0);

    await form.getByLabel('Process variables (a JSON object)').fill('{"meterNo": "M-001"}');
    await form.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Started the test instance TEST-meter-1' }).waitFor();
    expect(page.url()).toContain('#/designer/meter_check/versions/1');
    const [instance] = (await designer.get('/api/v1/process-instances?definitionKey=meter_check')).body.items;
    expect(instance).toMatchObject({
      definitionId: v1.id,
      definitionKey: 'meter_check',
      definitionVersion: 1,
      businessKey: 'TEST-meter-1',
    });
    expect((await designer.get(`/api/v1/process-instances/${instance.id}`)).body.variables).toMatchObject({
      meterNo: 'M-001',
    });
    await screenshot(page, 'designer-test-instance-started');
  });

  it('offers no test instance to someone who may not start instances', async () => {
    const surveyor = await newUserPage(chrome.browser, t.url, 'xh.surveyor', { locale: 'en' });
    await surveyor.goto(`${t.url}/#/designer/meter_check/versions/2`);
    await surveyor.getByRole('heading', { name: 'meter_check v2 (read-only)' }).waitFor();
    await surveyor.locator('.bpmn-readonly[data-ready="true"]').waitFor();
    expect(await surveyor.getByRole('button', { name: 'Start a test instance' }).count()).toBe(0);
    await surveyor.context().close();
  });

  it('speaks Chinese by default', async () => {
    const zh = await newUserPage(chrome.browser, t.url, 'designer');
    await zh.goto(`${t.url}/#/designer/meter_check/versions`);
    const table = zh.getByRole('table', { name: 'meter_check 的版本' });
    await table.waitFor();
    expect(await table.getByRole('columnheader', { name: '部署人' }).count()).toBe(1);
    expect(await zh.getByRole('link', { name: '查看 v1' }).count()).toBe(1);
    expect(await zh.getByRole('button', { name: '比较所选的两个版本' }).isDisabled()).toBe(true);
    await screenshot(zh, 'designer-versions-list-zh');
    await zh.context().close();
  });

  it('walks a process with token simulation in the designer modeler', async () => {
    // given a process opened in the designer's modeler (with the simulation modules), on a page
    // of its own so nothing the earlier tests left on the shared page can stand in the way
    const page = await newUserPage(chrome.browser, t.url, 'designer', { locale: 'en' });
    await page.goto(`${t.url}/#/designer-import`);
    await page.getByLabel('Choose a BPMN file to open').setInputFiles({
      name: 'meter-check.v1.bpmn',
      mimeType: 'application/xml',
      buffer: Buffer.from(designerFixture('meter-check.v1.bpmn')),
    });
    await page.locator('[data-testid="import-result"][data-warnings="0"]').waitFor();

    // when simulation is switched on by its labelled toggle and the start event is triggered
    const toggle = page.getByRole('button', { name: 'Token simulation' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('.djs-palette.hidden').count()).toBe(1);
    await page.locator('.djs-overlays[data-container-id="start"] .bts-context-pad').click();

    // then a token runs through the process to its end event
    await page.locator('.bts-log [title="Process finished"]').first().waitFor({ state: 'attached' });
    await screenshot(page, 'designer-simulation');

    // and switching it off gives the editor back
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('.djs-palette.hidden').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});

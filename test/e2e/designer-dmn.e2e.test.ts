import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { ApiClient } from '../support/client.js';
import { openTasks, start } from '../support/workflow.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  pageFailure,
  screenshot,
  STEP_TIMEOUT,
  type TestBrowser,
} from './support/browser.js';

const designerFixture = (name: string) =>
  readFileSync(new URL(`../fixtures/designer/${name}`, import.meta.url), 'utf8');

/** The decision table's input cell that holds `text`, as dmn-js renders it. */
const inputCell = (page: Page, text: string) => page.locator('.decision-canvas td.input-cell', { hasText: text });

describe('designer: a decision table edited in dmn-js routes new instances (Chromium)', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let clerk: ApiClient;

  /** Starts a connection review for `capacityKva`, lets its business rule task run, and says where it waits. */
  async function review(capacityKva: number) {
    const started = await start(clerk, 'connectionReview', { variables: { capacityKva } });
    await t.platform.executor.drain();
    const tasks = await openTasks(clerk, started.id);
    return { id: started.id, waitsAt: tasks.map((task) => task.elementId) };
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    clerk = await t.as('xh.clerk');
    // the process and its table, deployed together as a release would ship them
    const deployed = await (
      await t.as('designer')
    ).post('/api/v1/deployments', {
      xml: designerFixture('decision-route.connection.bpmn'),
      decisions: [{ name: 'connection-review.dmn', xml: designerFixture('decision-route.connection.dmn') }],
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('deploys a cell typed into the table as a new version: new instances take the new route, earlier ones keep their evaluation', async () => {
    // given an application of 80 kVA, which the shipped table sends to the counter (≤ 100)
    const before = await review(80);
    expect(before.waitsAt).toEqual(['counterReview']);

    // when the designer opens the table from the designer's list and types "<= 50" into the cell
    const page = await newUserPage(chrome.browser, t.url, 'designer', { locale: 'en' });
    page.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await page.goto('/#/designer');
      await page
        .getByRole('table', { name: 'Decision tables' })
        .getByRole('link', { name: 'connectionReviewRoute' })
        .click();
      await page.locator('.decision-canvas .tjs-table').waitFor();
      await page.getByRole('status').filter({ hasText: 'No problems found.' }).waitFor();
      const cell = inputCell(page, '<= 100').locator('[contenteditable]');
      await cell.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('<= 50');
      // leave the cell, as a user does, so that dmn-js commits the edit
      await page.locator('.decision-canvas td.output-cell', { hasText: '"site"' }).click();
      await inputCell(page, '<= 50').waitFor();
      await page.getByText('Unsaved changes').waitFor();
      await page.getByRole('status').filter({ hasText: 'No problems found.' }).waitFor();
      await screenshot(page, 'designer-dmn-edited-en');
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.getByRole('dialog', { name: 'Deploy decisions' }).getByRole('button', { name: 'Deploy' }).click();

      // then the page says which version it made, and lists it
      await page.getByText('Deployed: connectionReviewRoute v2').waitFor();
      await page.locator('#decision-versions tr[data-version="2"]').waitFor();
      expect(await page.locator('#decision-versions tr[data-version]').count()).toBe(2);
    } catch (err) {
      throw await pageFailure(page, 'designer-dmn-failed', 'editing the table in dmn-js failed', err);
    }
    expect(pageErrors(page)).toEqual([]);

    // and a new application of 80 kVA now goes to the site survey
    const after = await review(80);
    expect(after.waitsAt).toEqual(['siteSurvey']);

    // while the earlier instance still shows the evaluation it was routed by
    const history = await clerk.get(`/api/v1/process-instances/${before.id}/decision-evaluations`);
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      decisionKey: 'connectionReviewRoute',
      decisionVersion: 1,
      result: 'counter',
    });
    const newer = await clerk.get(`/api/v1/process-instances/${after.id}/decision-evaluations`);
    expect(newer.body.items[0]).toMatchObject({ decisionVersion: 2, result: 'site' });

    // and the deployed XML holds the typed cell
    const v2 = await clerk.get('/api/v1/decision-definitions?key=connectionReviewRoute');
    expect(v2.status).toBe(403); // a clerk may not read tables; the designer may
    const designer = await t.as('designer');
    const latest = await designer.get('/api/v1/decision-definitions/key/connectionReviewRoute');
    const xml = await designer.get(`/api/v1/decision-definitions/${latest.body.id}/xml`);
    expect(xml.body).toContain('&lt;= 50');
  });

  it('shows dmn-js in Chinese, and a problem in a cell as the deploy would refuse it', async () => {
    const page = await newUserPage(chrome.browser, t.url, 'designer');
    page.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await page.goto('/#/designer-dmn/connectionReviewRoute');
      const table = page.locator('.decision-canvas .tjs-table');
      await table.waitFor();
      // the table's own head and hit policy, translated through dmn-js's translate service
      await page.locator('.decision-canvas .hit-policy').filter({ hasText: '命中策略：' }).waitFor();
      expect(await page.locator('.decision-canvas .hit-policy .dms-input').innerText()).toBe('首个');
      await table.locator('th', { hasText: '当' }).first().waitFor();
      await table.locator('th', { hasText: '则' }).first().waitFor();
      await table.locator('th', { hasText: '注释' }).first().waitFor();
      await page.locator('.decision-canvas').getByText('查看决策需求图').waitFor();
      // dmn-js's context menu on a rule
      await inputCell(page, '-').first().click({ button: 'right' });
      await page.locator('.context-menu').getByText('在下方添加规则').waitFor();
      await page.keyboard.press('Escape');
      await screenshot(page, 'designer-dmn-zh');
      // the DRD, its palette in Chinese too
      await page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: '决策需求图' }).click();
      await page.locator('.decision-canvas .djs-palette').getByRole('button', { name: '创建决策' }).waitFor();
      await screenshot(page, 'designer-dmn-drd-zh');
      await page
        .getByRole('navigation', { name: '视图' })
        .getByRole('button', { name: '审核路线 Review route' })
        .click();
      await table.waitFor();

      // when a cell is not FEEL, the checks say so and deploying waits
      const cell = inputCell(page, '<=').locator('[contenteditable]');
      await cell.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('>= >=');
      await page.locator('.decision-canvas td.output-cell', { hasText: '"site"' }).click();
      await page.locator('.lint-panel .lint-item.lint-error').first().waitFor();
      expect(await page.getByRole('button', { name: '部署', exact: true }).isDisabled()).toBe(true);
      await screenshot(page, 'designer-dmn-lint-zh');
    } catch (err) {
      throw await pageFailure(page, 'designer-dmn-zh-failed', 'the Chinese decision designer failed', err);
    }
    expect(pageErrors(page)).toEqual([]);
  });
});

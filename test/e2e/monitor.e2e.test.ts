import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { fixture, openTasks, start } from '../support/workflow.js';
import { MONITORED_FORMS } from '../integration/monitoring/fixtures.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  pageFailure,
  screenshot,
  type TestBrowser,
  LIVE_TIMEOUT,
  STEP_TIMEOUT,
} from './support/browser.js';

const HOUR = 3_600_000;

const kpi = (page: Page, id: string) => page.getByTestId(`kpi-${id}`);
const badge = (page: Page, elementId: string) => page.locator(`[data-testid="badge-${elementId}"]`);
const monitorEvents = (page: Page) =>
  page.evaluate<number>('window.__monitorEvents ? window.__monitorEvents.count : 0');

async function openMonitor(page: Page) {
  await page.goto('/#/monitor?process=monitored');
  try {
    await page.locator('.monitor-diagram[data-ready="true"]').waitFor();
  } catch (err) {
    throw await pageFailure(page, 'monitor-not-ready', "the monitor's diagram did not load", err);
  }
}

describe('the monitor in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let overdueInstance: string;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([
      startTestPlatform('postgres', { env: { SLA_SCAN_MS: '3600000' } }),
      launchBrowser(),
    ]);
    const deployed = await (
      await t.as('designer')
    ).post('/api/v1/deployments', {
      xml: fixture('monitoring.two-steps.bpmn'),
      forms: MONITORED_FORMS,
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const xh = await t.as('xh.clerk');
    overdueInstance = (
      await start(xh, 'monitored', {
        departmentId: 'ZJ-HZ-XH',
        businessKey: 'MON-XH-1',
        variables: { dueAt: new Date(Date.now() - HOUR).toISOString() },
      })
    ).id;
    await start(xh, 'monitored', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'MON-XH-2',
      variables: { dueAt: new Date(Date.now() + 72 * HOUR).toISOString() },
    });
    await start(await t.as('yh.clerk'), 'monitored', {
      departmentId: 'ZJ-HZ-YH',
      businessKey: 'MON-YH-1',
      variables: { dueAt: new Date(Date.now() + 72 * HOUR).toISOString() },
    });
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it("changes the manager's counters and diagram badges live when a clerk completes a task in another browser; the other county's manager receives nothing", async () => {
    // given the managers of two counties watching the same process
    const manager = await newUserPage(chrome.browser, t.url, 'xh.manager');
    await openMonitor(manager);
    await expect.poll(() => kpi(manager, 'running').textContent(), { timeout: STEP_TIMEOUT }).toBe('2');
    expect(await kpi(manager, 'overdue').textContent()).toBe('1');
    expect(await badge(manager, 'accept').textContent()).toBe('2');
    expect(await badge(manager, 'review').textContent()).toBe('0');
    const other = await newUserPage(chrome.browser, t.url, 'yh.manager');
    await openMonitor(other);
    await expect.poll(() => kpi(other, 'running').textContent(), { timeout: STEP_TIMEOUT }).toBe('1');
    // nothing with a deadline has finished yet: no compliance figure, and the tile says why
    expect(await kpi(manager, 'sla').textContent()).toBe('—');
    expect(await kpi(manager, 'sla-hint').textContent()).toBe('本时段没有已办结的限时任务');
    // the workload names the role behind each candidate group (the code is the tooltip)
    const clerks = manager.getByRole('rowheader', { name: '业务受理员', exact: true });
    await clerks.waitFor();
    expect(await clerks.getAttribute('title')).toBe('acceptance_clerk');
    await manager.evaluate('window.__sameDocument = true');
    await screenshot(manager, 'monitor-dashboard-before');

    // when a clerk, in a browser of their own, claims and completes the overdue task on the task page
    const taskId = (await openTasks(await t.as('xh.clerk'), overdueInstance))[0]!.id;
    const clerk = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    await clerk.goto(`/#/tasks/${taskId}`);
    await clerk.getByRole('button', { name: '签收', exact: true }).click();
    await clerk.getByRole('button', { name: '提交完成' }).click();
    await clerk.getByRole('dialog').locator('button.primary').click();
    await clerk
      .getByText(/已完成/)
      .first()
      .waitFor();

    // then the manager's page shows it without a reload: the badge moves on, the overdue count drops
    await expect.poll(() => badge(manager, 'accept').textContent(), { timeout: LIVE_TIMEOUT }).toBe('1');
    await expect.poll(() => badge(manager, 'review').textContent(), { timeout: LIVE_TIMEOUT }).toBe('1');
    await expect.poll(() => kpi(manager, 'overdue').textContent(), { timeout: LIVE_TIMEOUT }).toBe('0');
    await expect.poll(() => kpi(manager, 'sla').textContent(), { timeout: LIVE_TIMEOUT }).toBe('0%');
    expect(await kpi(manager, 'sla-hint').textContent()).toBe('按时 0 / 已办结 1');
    await manager.getByRole('rowheader', { name: '班组长', exact: true }).waitFor();
    expect(await manager.evaluate('window.__sameDocument')).toBe(true);
    expect(await monitorEvents(manager)).toBeGreaterThan(0);
    await screenshot(manager, 'monitor-dashboard-after');

    // and the other county's manager received no event of it, and still shows their own figures
    const seen = await other.evaluate<string>('JSON.stringify(window.__monitorEvents)');
    expect(JSON.parse(seen).departments, seen).not.toContain('ZJ-HZ-XH');
    expect(JSON.parse(seen).topics, seen).not.toContain('task:completed');
    expect(await kpi(other, 'running').textContent()).toBe('1');
    expect(await badge(other, 'accept').textContent()).toBe('1');
    // (their page does receive their own county's events: the silence above is scope, not a dead socket)
    const yhTask = (await openTasks(await t.as('yh.clerk'), (await yhInstances(t))[0]!))[0]!;
    expect((await (await t.as('yh.clerk')).post(`/api/v1/tasks/${yhTask.id}/claim`)).status).toBe(200);
    await expect
      .poll(() => other.evaluate<string[]>('window.__monitorEvents ? window.__monitorEvents.topics : []'), {
        timeout: LIVE_TIMEOUT,
      })
      .toContain('task:claimed');
    expect(pageErrors(manager)).toEqual([]);
    expect(pageErrors(other)).toEqual([]);
  });

  it('pushes an SLA alert to the open dashboard as it is raised, and acknowledges it from there', async () => {
    // given the manager's dashboard, with nothing overdue
    const manager = await newUserPage(chrome.browser, t.url, 'xh.manager');
    await openMonitor(manager);
    await expect
      .poll(() => manager.getByTestId('alerts-summary').textContent(), { timeout: STEP_TIMEOUT })
      .toBe('已超期 0，即将超期 0');
    // when a deadline passes (moved in the database: no event of its own) and the SLA scan runs
    const open = await t.platform
      .db('tasks')
      .where({ status: 'open', department_id: 'ZJ-HZ-XH', element_id: 'accept' });
    await t.platform
      .db('tasks')
      .where({ id: open[0].id })
      .update({ due_at: new Date(Date.now() - 60_000) });
    expect(await t.platform.services.monitoring.alerts.scan()).toBe(1);
    // then the alert appears without a reload
    await expect
      .poll(() => manager.getByTestId('alerts-summary').textContent(), { timeout: LIVE_TIMEOUT })
      .toBe('已超期 1，即将超期 0');
    // and acknowledging it records who did
    const line = manager.getByRole('row').filter({ hasText: 'MON-XH-2' });
    await line.getByRole('button', { name: '确认' }).click();
    await line.getByText('xh.manager 已确认').waitFor();
    await screenshot(manager, 'monitor-alerts');
    expect(pageErrors(manager)).toEqual([]);
  });

  it('lists the instances waiting at a clicked step and opens one with its timeline and path', async () => {
    // given the manager's dashboard
    const manager = await newUserPage(chrome.browser, t.url, 'xh.manager');
    await openMonitor(manager);
    // when they click the review step on the diagram
    // (each step is a button laid over its shape and heat, so the click is the step's wherever it lands)
    await manager
      .locator('.monitor-diagram button.monitor-step[data-element="review"]')
      .click({ position: { x: 20, y: 50 } });
    const link = manager.getByRole('link', { name: 'MON-XH-1' });
    await link.waitFor();
    // and open the instance
    await link.click();
    // then its timeline names who did the first step, and the diagram marks the path taken
    await manager.getByRole('heading', { name: /MON-XH-1/ }).waitFor();
    const accepted = manager.getByRole('row').filter({ hasText: 'Accept application' });
    await expect.poll(() => accepted.textContent(), { timeout: STEP_TIMEOUT }).toContain('xh.clerk');
    await manager.locator('.monitor-diagram[data-ready="true"]').waitFor();
    await manager.locator('.djs-element.step-done[data-element-id="accept"]').waitFor();
    await manager.locator('.djs-element.flow-taken[data-element-id="f2"]').waitFor({ state: 'attached' });
    await manager.locator('.djs-element.step-current[data-element-id="review"]').waitFor();
    await screenshot(manager, 'monitor-instance');
    expect(pageErrors(manager)).toEqual([]);
  });
});

async function yhInstances(t: TestPlatform): Promise<string[]> {
  return t.platform.db('process_instances').where({ department_id: 'ZJ-HZ-YH', status: 'running' }).pluck('id');
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, fixture, instance, openTasks, start } from '../support/workflow.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  type Locale,
  type TestBrowser,
} from './support/browser.js';

describe('tasks from Camunda 7 processes in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  /** An approval without a form, claimed by xh.clerk: its task id and instance id. */
  async function claimedApproval(businessKey: string) {
    const clerk = await t.as('xh.clerk');
    const { id } = await start(clerk, 'generic_form_approval', {
      departmentId: 'ZJ-HZ-XH',
      businessKey,
      variables: { amount: 5, note: '电话回访', since: '2026-12-01', meta: { channel: 'phone' } },
    });
    const task = (await openTasks(clerk, id))[0]!;
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    return { instanceId: id, taskId: task.id };
  }

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    const designer = await t.as('designer');
    await deploy(designer, fixture('generic-form.approval.bpmn'));
    const camunda = await designer.post('/api/v1/deployments', { xml: fixture('camunda-dialect.approval.bpmn') });
    expect(camunda.status, JSON.stringify(camunda.body)).toBeLessThan(300);
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('completes a task without a form through the generic form: change a variable, add one, and the instance continues', async () => {
    // given a clerk holding a task without a form
    const { instanceId, taskId } = await claimedApproval('GF-E2E-0001');
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    await page.goto(`/#/tasks/${taskId}`);
    const form = page.getByTestId('generic-form');
    await form.waitFor();
    expect(await form.locator('tr[data-variable="amount"] input').inputValue()).toBe('5');

    // when they change the amount, add a boolean "approved", and first type a number that is not one
    await form.getByLabel('amount 的值').fill('4x2');
    await form.getByRole('button', { name: '添加变量' }).click();
    await form.getByRole('textbox', { name: '变量名' }).fill('approved');
    await form.getByLabel('approved 的类型').selectOption('boolean');
    await form.getByLabel('approved 的值').selectOption('true');
    await page.getByRole('button', { name: '提交完成' }).click();
    // then the form says what is wrong before anything is sent
    await form.getByText('请输入数字。').waitFor();
    await form.getByLabel('amount 的值').fill('42');
    await form.getByText('请输入数字。').waitFor({ state: 'detached' });
    await screenshot(page, 'generic-form-zh');

    // and completing it
    await page.getByRole('button', { name: '提交完成' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.getByText('任务「Review without a form」已完成。').waitFor();

    // then the instance continues with the typed variables
    const after = await instance(await t.as('xh.clerk'), instanceId);
    expect(after.variables).toMatchObject({ amount: 42, approved: true, note: '电话回访' });
    const next = await openTasks(await t.as('xh.clerk'), instanceId);
    expect(next.map((n) => n.elementId)).toEqual(['confirm']);
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows the generic form in English, with the server refusing a date that is not one', async () => {
    const { taskId } = await claimedApproval('GF-E2E-0002');
    const page = await newUserPage(chrome.browser, t.url, 'xh.clerk', { locale: 'en' as Locale });
    await page.goto(`/#/tasks/${taskId}`);
    const form = page.getByTestId('generic-form');
    await form.waitFor();
    await form.getByRole('button', { name: 'Remove variable note' }).click();
    await form.getByTestId('generic-removed').getByText('Removed on completion: note').waitFor();
    // the process reads amount: it cannot be removed
    expect(await form.getByRole('button', { name: 'Remove variable amount' }).isDisabled()).toBe(true);
    await form.getByLabel('Value of since').fill('2026-02-30');
    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await form.locator('tr[data-variable="since"] .field-error', { hasText: 'Enter an ISO 8601 date' }).waitFor();
    await screenshot(page, 'generic-form-en');
  });

  it('lets an administrator map Camunda names; the team leader saw the task as unassigned before', async () => {
    // given a Camunda 7 task for "management", which names nobody here
    const leaderApi = await t.as('xh.leader');
    const { id } = await start(leaderApi, 'camunda_dialect_approval', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'C7-E2E-0001',
    });
    const leader = await newUserPage(chrome.browser, t.url, 'xh.leader');
    await leader.getByRole('tab', { name: /待分派/ }).click();
    const row = leader.getByRole('row').filter({ hasText: 'C7-E2E-0001' });
    await row.getByText('待分派').waitFor();
    await screenshot(leader, 'worklist-unassigned-zh');

    // when the administrator maps the group to the acceptance clerks
    for (const locale of ['zh', 'en'] as Locale[]) {
      const admin = await newUserPage(chrome.browser, t.url, 'admin', { locale });
      // the administration page shows one section at a time: external names have their own
      await admin.goto('/#/admin?section=external');
      const panel = admin.getByTestId('external-names');
      await panel.waitFor();
      if (locale === 'zh') {
        await panel.getByLabel('外部名称').fill('management');
        await panel.getByLabel('本平台角色').selectOption('acceptance_clerk');
        await panel.getByRole('button', { name: '添加映射' }).click();
        await panel.getByRole('cell', { name: 'management', exact: true }).waitFor();
      }
      await screenshot(admin, `admin-external-names-${locale}`);
    }

    // then the clerk may claim it
    const task = (await openTasks(leaderApi, id))[0]!;
    const claimed = await (await t.as('xh.clerk')).post(`/api/v1/tasks/${task.id}/claim`);
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  });
});

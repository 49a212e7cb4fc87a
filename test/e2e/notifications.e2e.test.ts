import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomer } from '../integration/marketing/accounts.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { deploy, fixture, start } from '../support/workflow.js';
import {
  launchBrowser,
  LIVE_TIMEOUT,
  newUserPage,
  pageErrors,
  screenshot,
  type TestBrowser,
} from './support/browser.js';

/**
 * Issue 5 §6: the development gateway's outbox, shown in the app. Notices a process sends appear
 * on the open page without a reload, only for the departments the user may read.
 */
describe('customer notices in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await deploy(await t.as('designer'), fixture('notify.two-notices.bpmn'));
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('lists the notices a process sends as it sends them, filtered by type, for the county that may see them', async () => {
    // given a collector of Xihu and one of Yuhang with the notices page open
    const collector = await newUserPage(chrome.browser, t.url, 'xh.collector');
    await collector.getByRole('navigation').getByRole('link', { name: '客户通知' }).click();
    await collector.getByRole('heading', { name: '客户通知' }).waitFor();
    await collector.getByText('没有符合条件的通知。').waitFor();
    const other = await newUserPage(chrome.browser, t.url, 'yh.collector');
    await other.goto('/#/notifications');
    await other.getByText('没有符合条件的通知。').waitFor();

    // when a Xihu process sends a customer two notices
    const customer = await newCustomer(await t.as('xh.clerk'), { name: '王五', phone: '13900002222' });
    await start(await t.as('xh.leader'), 'notifyTwice', {
      businessKey: customer.accountNo,
      departmentId: 'ZJ-HZ-XH',
      variables: { customerId: customer.id, arrears: '197.20', lateFee: '3.94', asOf: '2024-09-04' },
    });

    // then both appear on the open page, rendered, with channel, recipient and status
    const rows = collector.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: LIVE_TIMEOUT }).toBe(2);
    const reminder = rows.filter({ hasText: '欠费提醒' });
    expect(await reminder.textContent()).toContain(`截至2024-09-04欠电费197.20元，违约金3.94元`);
    expect(await reminder.textContent()).toContain('13900002222');
    expect(await reminder.textContent()).toContain('短信');
    expect(await reminder.textContent()).toContain('已发送');
    await screenshot(collector, 'notifications-zh');

    // and the type filter narrows the list
    await collector.getByLabel('通知类型').selectOption('reconnected');
    await collector.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => rows.count(), { timeout: LIVE_TIMEOUT }).toBe(1);
    expect(await rows.first().textContent()).toContain('已复电');

    // and the other county's collector still has none
    await other.reload();
    await other.getByText('没有符合条件的通知。').waitFor();
    expect(await other.locator('tbody tr').count()).toBe(0);
    expect(pageErrors(collector)).toEqual([]);
    expect(pageErrors(other)).toEqual([]);
  });
});

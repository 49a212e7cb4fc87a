import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDateOf } from '../../server/domain/calendar/index.js';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { deadlineCalendar } from '../../server/lib/deadlines.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launchBrowser, pageErrors, screenshot, type TestBrowser } from './support/browser.js';
import { hallPhonePage, signInToHall } from './support/hall.js';

/**
 * A change of service in the hall, in Chromium at a phone's size: the two-part factory (demo
 * login 13900000005) applies for a suspension from the Apply tab and finds it in its list (zh);
 * the same list and the suspension form in English.
 */

const FACTORY = '13900000005';

describe('changes of service in the customer hall, in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const db = () => t.database.db;
  // Well beyond the 5 working days' notice, from the day the platform's clock is on.
  const plannedOn = deadlineCalendar().addWorkingDays(shanghaiDateOf(new Date()), 10);
  const plannedEndOn = deadlineCalendar().addWorkingDays(plannedOn, 40);

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await seedDemoHallCustomers(db());
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('applies for a suspension from the Apply tab and finds it in the list (zh)', async () => {
    // given the factory signed in on a phone
    const page = await hallPhonePage(chrome.browser, t.url, 'zh');
    await signInToHall(page, db, FACTORY, 'zh');

    // when it applies for a suspension of 400 kVA
    await page.getByRole('link', { name: '办电' }).click();
    await page.getByRole('heading', { name: '变更用电' }).waitFor();
    await page.getByRole('link', { name: '申请暂停' }).click();
    await page.getByLabel(/暂停容量/).fill('400');
    await page.getByLabel('暂停开始日期').fill(plannedOn);
    await page.getByLabel('暂停截止日期').fill(plannedEndOn);
    await screenshot(page, 'hall-change-suspension-form-zh');
    await page.getByRole('button', { name: '提交申请' }).click();

    // then the application page shows it waiting for acceptance by the Yuhang office
    await page.getByRole('heading', { name: '暂停', exact: true }).waitFor();
    const id = /#\/applications\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.locator('[data-step="CC01"]').filter({ hasText: '进行中' }).waitFor();
    await page.getByText('余杭').first().waitFor();
    const row = await db()('process_instances')
      .where({ id })
      .first<{ definition_key: string; variables: Record<string, unknown> }>('definition_key', 'variables');
    expect(row.definition_key).toBe('capacity-change');
    expect(row.variables).toMatchObject({ changeCode: '203', kva: '400.00', plannedOn, channel: 'online hall' });
    await screenshot(page, 'hall-change-suspension-zh');

    // and it is in the list of applications
    await page.getByRole('link', { name: '返回业务办理' }).click();
    const item = page.getByRole('list', { name: '我的申请' }).getByRole('link').filter({ hasText: '暂停' });
    await item.filter({ hasText: '当前环节：受理申请' }).waitFor();
    await screenshot(page, 'hall-change-list-zh');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows the list and the suspension form in English', async () => {
    const page = await hallPhonePage(chrome.browser, t.url, 'en');
    await signInToHall(page, db, FACTORY, 'en');
    await page.getByRole('link', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: 'Changes of service' }).waitFor();
    await page
      .getByRole('list', { name: 'My applications' })
      .getByRole('link')
      .filter({ hasText: 'Suspension' })
      .filter({ hasText: 'Now: Application accepted' })
      .waitFor();
    await screenshot(page, 'hall-change-list-en');
    await page.getByRole('link', { name: 'Suspend capacity' }).click();
    await page.getByLabel('First day of the suspension').waitFor();
    await screenshot(page, 'hall-change-suspension-form-en');
    expect(pageErrors(page)).toEqual([]);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { work } from '../support/processes.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';
import { hallPhonePage, signInToHall } from './support/hall.js';

/**
 * Applications in the hall, in Chromium at a phone's size: 赵丽 applies for a new connection, the
 * Xihu clerk finds it in the worklist and accepts it, her timeline moves without a reload; the
 * survey is done through the API; she signs the supply contract in the hall (zh). The same
 * application read in English, and the application form (en).
 */

const ZHAO = '13900000006';
const ADDRESS = '杭州市西湖区留下街道 杨家牌楼 12 号';

const row = (page: Page, businessKey: string) => page.getByRole('row').filter({ hasText: businessKey });

describe('applications in the customer hall, in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  const db = () => t.database.db;
  let applicationId = '';
  let applicationNo = '';

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    await seedDemoHallCustomers(db());
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('applies in the hall, a clerk accepts it from the worklist, the timeline moves live, the customer signs (zh)', async () => {
    // given 赵丽 signed in on her phone
    const page = await hallPhonePage(chrome.browser, t.url, 'zh');
    await signInToHall(page, db, ZHAO, 'zh');

    // when she applies for a new connection
    await page.getByRole('link', { name: '办电' }).click();
    await page.getByRole('heading', { name: '业务办理' }).waitFor();
    await page.getByRole('link', { name: '申请低压新装' }).click();
    await page.getByLabel('新装用电地址').fill(ADDRESS);
    await page.getByLabel('申请容量（千伏安）').fill('8');
    await page.getByLabel('居民生活用电').check();
    // the documents are chosen with the hall's own button and words, not the browser's control
    const documents = page.getByLabel(/申请资料/);
    await page.getByText('未选择文件').waitFor();
    expect((await documents.boundingBox())!.width).toBeLessThanOrEqual(1);
    await page.locator('label.hall-file-button', { hasText: '选择文件' }).waitFor();
    await documents.setInputFiles({
      name: '房产证.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 房产证'),
    });
    await page.getByText('已选 1 个文件：房产证.pdf').waitFor();
    await screenshot(page, 'hall-apply-connection-zh');
    await page.getByRole('button', { name: '提交申请' }).click();

    // then the application page shows where it is and who handles it
    await page.getByRole('heading', { name: '低压新装', exact: true }).waitFor();
    applicationId = /#\/applications\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    applicationNo = (await db()('process_instances').where({ id: applicationId }).first<{ business_key: string }>())
      .business_key;
    await page.getByText('西湖区供电分公司').waitFor();
    await page.locator('[data-step="A01"]').filter({ hasText: '进行中' }).waitFor();
    await page.getByRole('link', { name: '房产证.pdf' }).waitFor();
    await page.evaluate('window.__sameDocument = true');

    // when the Xihu clerk finds it in the worklist and accepts it
    const clerk = await newUserPage(chrome.browser, t.url, 'xh.clerk');
    await clerk.getByRole('tab', { name: /可签收/ }).click();
    await clerk.getByRole('searchbox', { name: '搜索' }).fill(applicationNo);
    await row(clerk, applicationNo).getByRole('button', { name: /签收/ }).click();
    await clerk.getByText('已签收「业务受理」').waitFor();
    await clerk.getByRole('button', { name: '清除条件' }).click();
    await clerk.getByRole('tab', { name: /我的任务/ }).click();
    await row(clerk, applicationNo)
      .getByRole('link', { name: /业务受理/ })
      .click();
    await clerk.getByRole('heading', { name: /业务受理/ }).waitFor();
    await clerk.getByRole('button', { name: '提交完成' }).click();
    await clerk.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确定' }).click();
    await clerk.getByText('任务「业务受理」已完成。').waitFor();

    // then the customer's timeline moves without a reload: acceptance done, the survey under way
    await page.locator('[data-step="A01"]').filter({ hasText: '已完成' }).waitFor();
    await page.locator('[data-step="A02"]').filter({ hasText: '进行中' }).waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    // when the surveyor surveys (through the API, to keep it short)
    await work(t, 'xh.surveyor', applicationId, 'A02', { surveyDate: '2026-12-07', surveyFindings: '表箱已具备' });

    // then the contract is hers to sign, in the hall, still without a reload
    const step = page.locator('form[data-step="C17"]');
    await step.waitFor();
    await page.getByText('待您办理').first().waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot(page, 'hall-application-sign-zh');
    await step.getByLabel('我已阅读并同意供用电合同条款').check();
    await step.getByLabel('签署人姓名').fill('赵丽');
    await step.getByRole('button', { name: '提交' }).click();

    // then the contract step is done and the meter installation follows
    await page.locator('[data-step="C17"]').filter({ hasText: '已完成' }).waitFor();
    await page.locator('[data-step="A17"]').filter({ hasText: '进行中' }).waitFor();
    const signed = await db()('tasks')
      .where({ instance_id: applicationId, element_id: 'C17' })
      .first<{ status: string; completed_by: string }>('status', 'completed_by');
    expect(signed.status).toBe('completed');
    expect(signed.completed_by).toMatch(/^customer:/);
    await screenshot(page, 'hall-application-timeline-zh');
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(clerk)).toEqual([]);
  });

  it('shows the applications and the application form in English', async () => {
    const page = await hallPhonePage(chrome.browser, t.url, 'en');
    await signInToHall(page, db, ZHAO, 'en');
    await page.getByRole('link', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: 'Applications', exact: true }).waitFor();
    await page
      .getByRole('link', { name: /New connection/ })
      .first()
      .waitFor();
    await screenshot(page, 'hall-applications-en');
    await page
      .getByRole('link', { name: /New connection/ })
      .first()
      .click();
    await page.getByText('Xihu County Office').waitFor();
    await page.locator('[data-step="A17"]').filter({ hasText: 'In progress' }).waitFor();
    await page.getByText('Meter installation').first().waitFor();
    await page.locator('label.hall-file-button', { hasText: 'Upload a document' }).waitFor();
    await screenshot(page, 'hall-application-timeline-en');
    await page.getByRole('link', { name: 'Back to applications' }).click();
    await page.getByRole('link', { name: 'New low-voltage connection' }).click();
    await page.getByLabel('Address of the new supply').waitFor();
    await page.getByText('No file chosen').waitFor();
    await page.locator('label.hall-file-button', { hasText: 'Choose files' }).waitFor();
    await screenshot(page, 'hall-apply-connection-en');
    expect(pageErrors(page)).toEqual([]);
  });

  it('shows a move made while the page was still connecting to its live updates (zh)', async () => {
    // given 赵丽's application page, whose connection to the hall's live updates is held back
    const page = await hallPhonePage(chrome.browser, t.url, 'zh');
    let moveDone = () => {};
    const moved = new Promise<void>((resolve) => (moveDone = resolve));
    // the page's connect to the hall namespace (sent over HTTP long-polling before the socket
    // upgrades) reaches the server only after the move
    await page.route(/\/socket\.io\/.*transport=polling/, async (route) => {
      if (route.request().method() === 'POST' && (route.request().postData() ?? '').includes('40/hall')) await moved;
      await route.continue();
    });
    // (routed before signing in: the hall's namespaces share the one connection it opens)
    await signInToHall(page, db, ZHAO, 'zh');
    await page.goto(`/hall/#/applications/${applicationId}`);
    await page.locator('[data-step="A17"]').filter({ hasText: '进行中' }).waitFor();

    // when the meter is installed meanwhile (no event can reach the page)
    await work(t, 'xh.meter', applicationId, 'A17', {
      meterAssetNo: 'E2E-HALL-METER-1',
      meterAccuracyClass: '2.0',
      meterMultiplier: 1,
      meterInitialReading: 0,
    });
    moveDone();

    // then the page reads the application again as it connects: installation done, energising next
    await page.locator('[data-step="A17"]').filter({ hasText: '已完成' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });
});

import { copyFile, mkdir, readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  launchBrowser,
  newUserPage,
  pageErrors,
  screenshot,
  type Locale,
  type TestBrowser,
} from './support/browser.js';

/** Screens at the size staff use, kept where the reviewer looks at them. */
async function shot(page: Page, name: string) {
  await page.setViewportSize({ width: 1366, height: 768 });
  const file = await screenshot(page, name);
  await mkdir('/tmp/shots/h9', { recursive: true });
  await copyFile(file, `/tmp/shots/h9/${name}.png`);
}

const WORDS = {
  zh: {
    users: '用户',
    roles: '角色',
    rolesHeld: '已分配的角色',
    departments: '部门',
    policies: '权限策略',
    audit: '审计日志',
    newUser: '新建用户',
    username: '用户名',
    name: '姓名',
    department: '部门',
    password: '初始密码',
    create: '创建',
    manage: (n: string) => `管理用户 ${n}`,
    lock: '锁定 24 小时',
    unlock: '解锁',
    lockedPrefix: '已锁定至',
    active: '启用',
    role: '角色',
    inDepartment: '所在部门',
    assign: '分配角色',
    close: '关闭',
    surveyor: '现场勘查员',
    xihu: '西湖区供电分公司',
    preview: '预览',
    claimTasks: '签收任务',
    reassignTasks: '改派任务',
    user: '用户',
    action: '动作',
    filter: '筛选',
    csv: '导出 CSV',
    tree: '部门',
    lingyin: '灵隐供电所',
    loginUser: '用户名',
    loginPassword: '密码',
    login: '登录',
  },
  en: {
    users: 'Users',
    roles: 'Roles',
    rolesHeld: 'Assigned roles',
    departments: 'Departments',
    policies: 'Policies',
    audit: 'Audit log',
    newUser: 'New user',
    username: 'User name',
    name: 'Name',
    department: 'Department',
    password: 'Initial password',
    create: 'Create',
    manage: (n: string) => `Manage user ${n}`,
    lock: 'Lock for 24 hours',
    unlock: 'Unlock',
    lockedPrefix: 'Locked until',
    active: 'Active',
    role: 'Role',
    inDepartment: 'In department',
    assign: 'Assign role',
    close: 'Close',
    surveyor: 'Site surveyor',
    xihu: 'Xihu County Office',
    preview: 'Preview',
    claimTasks: 'claim tasks',
    reassignTasks: 'reassign tasks',
    user: 'User',
    action: 'Action',
    filter: 'Filter',
    csv: 'Download CSV',
    tree: 'Departments',
    lingyin: 'Lingyin Station',
    loginUser: 'User name',
    loginPassword: 'Password',
    login: 'Log in',
  },
} as const;

async function section(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: /管理项目|Administration sections/ })
    .getByRole('link', { name, exact: true })
    .click();
}

describe.each(['zh', 'en'] as Locale[])('administration screens in Chromium (%s)', (locale) => {
  const w = WORDS[locale];
  let t: TestPlatform;
  let chrome: TestBrowser;
  let page: Page;
  const username = `xh.new.${locale}`;
  const displayName = locale === 'zh' ? '新来的同事' : 'New colleague';

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    page = await newUserPage(chrome.browser, t.url, 'admin', { locale });
    await page.goto('/#/admin');
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  it('lists users with department and role names, not codes', async () => {
    const table = page.getByTestId('admin-users');
    await table.waitFor();
    const row = table.getByRole('row').filter({ hasText: 'xh.surveyor' });
    await expect.poll(() => row.textContent()).toContain(w.surveyor);
    expect(await row.textContent()).toContain(w.xihu);
    expect(await row.textContent()).not.toContain('site_surveyor');
    expect(await row.textContent()).not.toContain('ZJ-HZ-XH');
    await shot(page, `admin-users-${locale}`);
  });

  it('creates a user with an initial password, who then signs in', async () => {
    await page.getByRole('button', { name: w.newUser }).click();
    const dialog = page.getByRole('dialog', { name: w.newUser });
    await dialog.getByLabel(w.username).fill(username);
    await dialog.getByLabel(w.name, { exact: true }).fill(displayName);
    await dialog.getByLabel(w.department).selectOption({ value: 'ZJ-HZ-XH' });
    await dialog.getByLabel(w.password).fill('Start-2026-ok');
    await shot(page, `admin-user-create-${locale}`);
    await dialog.getByRole('button', { name: w.create, exact: true }).click();
    // the new user's own dialog opens
    await page.getByRole('dialog', { name: new RegExp(username.replace(/\./g, '\\.')) }).waitFor();

    const context = await chrome.browser.newContext({ baseURL: t.url, locale: locale === 'en' ? 'en-US' : 'zh-CN' });
    await context.addInitScript({ content: `localStorage.setItem('pm.locale', ${JSON.stringify(locale)});` });
    const newcomer = await context.newPage();
    await newcomer.goto('/');
    await newcomer.getByLabel(w.loginUser).fill(username);
    await newcomer.getByLabel(w.loginPassword).fill('Start-2026-ok');
    await newcomer.getByRole('button', { name: w.login, exact: true }).click();
    // signed in: the header names them (they hold no role yet, so there is nothing to navigate to)
    await newcomer.getByText(displayName).first().waitFor();
    // the shell paints the header before its effect leaves #/login: wait for that, don't sample it
    await newcomer.waitForURL((url) => !url.hash.startsWith('#/login'));
    expect(newcomer.url()).not.toContain('#/login');
    await context.close();
  });

  it('locks and unlocks the user, and assigns a role in a department', async () => {
    const dialog = page.getByRole('dialog', { name: new RegExp(username.replace(/\./g, '\\.')) });
    await dialog.getByRole('button', { name: w.lock }).click();
    await expect.poll(() => dialog.getByTestId('user-status').textContent()).toContain(w.lockedPrefix);
    const user = (await (await t.as('admin')).get(`/api/v1/admin/users?q=${username}`)).body.items[0];
    expect(new Date(user.lockedUntil).getTime()).toBeGreaterThan(Date.now());
    await dialog.getByRole('button', { name: w.unlock }).click();
    await expect.poll(() => dialog.getByTestId('user-status').textContent()).toBe(w.active);

    await dialog.getByLabel(w.role, { exact: true }).selectOption({ value: 'site_surveyor' });
    await dialog.getByLabel(w.inDepartment).selectOption({ value: 'ZJ-HZ-XH-LY' });
    await dialog.getByRole('button', { name: w.assign }).click();
    const roles = dialog.getByRole('list', { name: w.rolesHeld });
    await expect.poll(() => roles.textContent()).toContain(w.lingyin);
    expect(await roles.textContent()).toContain(w.surveyor);
    await shot(page, `admin-user-dialog-${locale}`);
    const after = (await (await t.as('admin')).get(`/api/v1/admin/users?q=${username}`)).body.items[0];
    expect(after.roles).toEqual([{ role: 'site_surveyor', departmentId: 'ZJ-HZ-XH-LY' }]);
    await dialog.getByRole('button', { name: w.close }).click();
  });

  it('shows roles with their Chinese and English names', async () => {
    await section(page, w.roles);
    const row = page.getByTestId('admin-roles').getByRole('row').filter({ hasText: 'site_surveyor' });
    await expect.poll(() => row.textContent()).toContain('现场勘查员');
    expect(await row.textContent()).toContain('Site surveyor');
    await shot(page, `admin-roles-${locale}`);
  });

  it('shows the department tree, nested', async () => {
    await section(page, w.departments);
    const tree = page.getByRole('tree');
    const xihu = tree.getByRole('treeitem', { name: w.xihu, exact: true });
    await xihu.waitFor();
    expect(await xihu.getByRole('treeitem', { name: w.lingyin }).count()).toBe(1);
    await shot(page, `admin-departments-${locale}`);
  });

  it("previews what a role in a department may do, from the server's policy", async () => {
    await section(page, w.policies);
    await page.getByLabel(w.role, { exact: true }).first().waitFor();
    const preview = page.getByRole('region', { name: /权限预览|Preview/ });
    await preview.getByLabel(w.role, { exact: true }).selectOption({ value: 'site_surveyor' });
    await preview.getByLabel(w.inDepartment).selectOption({ value: 'ZJ-HZ-XH' });
    await preview.getByRole('button', { name: w.preview }).click();
    const answer = page.getByTestId('policy-preview');
    await expect.poll(() => answer.textContent()).toContain(locale === 'zh' ? '签收任务' : 'claim tasks');
    expect(await answer.textContent()).not.toContain(locale === 'zh' ? '改派任务' : 'reassign tasks');
    expect(await answer.textContent()).toContain(w.lingyin);
    await shot(page, `admin-policies-${locale}`);
  });

  it('filters the audit log by user and action, and downloads the same rows as CSV', async () => {
    await section(page, w.audit);
    const filters = page.getByRole('form', { name: /审计日志筛选|Audit log filters/ });
    await filters.getByLabel(w.user).selectOption({ label: '系统管理员 (admin)' });
    await filters.getByLabel(w.action).fill('permission');
    await filters.getByRole('button', { name: w.filter }).click();
    const table = page.getByTestId('admin-audit');
    // the page shown before the filter holds permission.assign too: wait for the filtered rows
    const cells = table.locator('tbody tr td:nth-child(3)');
    await expect.poll(async () => (await cells.allTextContents()).every((a) => a.startsWith('permission.'))).toBe(true);
    await expect.poll(() => table.textContent()).toContain('permission.assign');
    const actions = await cells.allTextContents();
    expect(actions.every((a) => a.startsWith('permission.'))).toBe(true);
    await shot(page, `admin-audit-${locale}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      filters.getByRole('link', { name: w.csv }).click(),
    ]);
    const csv = (await readFile((await download.path()) as string, 'utf8')).replace(/^\ufeff/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('at,actorName,actorId,action,objectType,objectId,departmentId,ip,details');
    expect(lines.length - 1).toBe(actions.length);
    expect(lines.slice(1).every((l) => l.includes(',permission.'))).toBe(true);
    expect(pageErrors(page)).toEqual([]);
  });
});

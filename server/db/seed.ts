import { randomUUID } from 'node:crypto';
import type { Db } from './index.js';
import type { Logger } from '../lib/logger.js';
import { BUILTIN_ROLES } from '../../permissions/roles.js';
import { DEFAULT_POLICY_TEXT, parsePolicyCsv } from '../../permissions/enforcer.js';
import { hashPassword } from '../identity/passwords.js';

/** Roles and the default policy: every installation has them. Idempotent. */
export async function seedBaseline(db: Db): Promise<void> {
  await db('roles')
    .insert(BUILTIN_ROLES.map((r) => ({ code: r.code, name: r.name, name_en: r.nameEn, builtin: true })))
    .onConflict('code')
    .ignore();
  const existing = await db('casbin_policies').count<{ count: number }[]>('* as count').first();
  if (Number(existing?.count ?? 0) === 0) {
    await db('casbin_policies').insert(
      parsePolicyCsv(DEFAULT_POLICY_TEXT).map((p) => ({ role_code: p.role, object: p.object, action: p.action })),
    );
  }
}

export const DEMO_PASSWORD = 'demo1234';

type Level = 'headquarters' | 'province' | 'city' | 'county' | 'station';
const ORGANISATION: [id: string, parent: string | null, name: string, nameEn: string, level: Level][] = [
  ['HQ', null, '国家电网总部', 'Headquarters', 'headquarters'],
  ['ZJ', 'HQ', '浙江省电力公司', 'Zhejiang Electric Power', 'province'],
  ['JS', 'HQ', '江苏省电力公司', 'Jiangsu Electric Power', 'province'],
  ['ZJ-HZ', 'ZJ', '杭州供电公司', 'Hangzhou Power Supply', 'city'],
  ['ZJ-NB', 'ZJ', '宁波供电公司', 'Ningbo Power Supply', 'city'],
  ['JS-NJ', 'JS', '南京供电公司', 'Nanjing Power Supply', 'city'],
  ['JS-SZ', 'JS', '苏州供电公司', 'Suzhou Power Supply', 'city'],
  ['ZJ-HZ-XH', 'ZJ-HZ', '西湖区供电分公司', 'Xihu County Office', 'county'],
  ['ZJ-HZ-YH', 'ZJ-HZ', '余杭区供电分公司', 'Yuhang County Office', 'county'],
  ['ZJ-NB-YZ', 'ZJ-NB', '鄞州区供电分公司', 'Yinzhou County Office', 'county'],
  ['JS-NJ-JN', 'JS-NJ', '江宁区供电分公司', 'Jiangning County Office', 'county'],
  ['JS-SZ-WJ', 'JS-SZ', '吴江区供电分公司', 'Wujiang County Office', 'county'],
  ['ZJ-HZ-XH-LY', 'ZJ-HZ-XH', '灵隐供电所', 'Lingyin Station', 'station'],
  ['ZJ-HZ-XH-XX', 'ZJ-HZ-XH', '西溪供电所', 'Xixi Station', 'station'],
  ['ZJ-HZ-YH-LP', 'ZJ-HZ-YH', '良渚供电所', 'Liangzhu Station', 'station'],
  ['JS-NJ-JN-DS', 'JS-NJ-JN', '东山供电所', 'Dongshan Station', 'station'],
  ['JS-SZ-WJ-SZ', 'JS-SZ-WJ', '松陵供电所', 'Songling Station', 'station'],
];

const COUNTY_ROLES: [suffix: string, role: string, name: string][] = [
  ['clerk', 'acceptance_clerk', '业务受理员'],
  ['clerk2', 'acceptance_clerk', '业务受理员二'],
  ['surveyor', 'site_surveyor', '勘查员'],
  ['meter', 'meter_technician', '计量员'],
  ['auditor', 'billing_auditor', '电费审核员'],
  ['collector', 'collection_clerk', '催费员'],
  ['account', 'account_manager', '客户经理'],
  ['leader', 'team_leader', '班组长'],
  ['manager', 'department_manager', '部门经理'],
];

/** Demo users: `[username, display name, department, [role, department][]]`. README lists them. */
export function demoUsers(): [string, string, string, [string, string][]][] {
  const users: [string, string, string, [string, string][]][] = [
    ['admin', '系统管理员', 'HQ', [['admin', 'HQ']]],
    ['designer', '流程设计员', 'HQ', [['process_designer', 'HQ']]],
    ['hq.supervisor', '总部监管员', 'HQ', [['hq_supervisor', 'HQ']]],
    ['zj.manager', '浙江营销部经理', 'ZJ', [['department_manager', 'ZJ']]],
    ['hz.account', '杭州客户经理', 'ZJ-HZ', [['account_manager', 'ZJ-HZ']]],
    // A group customer's warning order has a part per province, answered by the province's account
    // manager and escalated to its department manager (DOMAIN.md §7).
    ['zj.account', '浙江省客户经理', 'ZJ', [['account_manager', 'ZJ']]],
    ['js.manager', '江苏营销部经理', 'JS', [['department_manager', 'JS']]],
    ['js.account', '江苏省客户经理', 'JS', [['account_manager', 'JS']]],
    ['worker', '外部任务执行器', 'HQ', [['external_task_worker', 'HQ']]],
  ];
  for (const [prefix, county, place] of [
    ['xh', 'ZJ-HZ-XH', '西湖'],
    ['yh', 'ZJ-HZ-YH', '余杭'],
    ['jn', 'JS-NJ-JN', '江宁'],
  ] as const) {
    for (const [suffix, role, name] of COUNTY_ROLES)
      users.push([`${prefix}.${suffix}`, `${place}${name}`, county, [[role, county]]]);
  }
  return users;
}

/**
 * The demo organisation and one user for every role in three counties — only for the embedded
 * database or when DEMO_DATA=true, never silently in production. Idempotent: skipped when users exist.
 */
export async function seedDemoOrganisation(db: Db, logger?: Logger): Promise<boolean> {
  const users = await db('users').count<{ count: number }[]>('* as count').first();
  if (Number(users?.count ?? 0) > 0) return false;
  await db.transaction(async (trx) => {
    const paths = new Map<string, string>();
    for (const [id, parent, name, nameEn, level] of ORGANISATION) {
      const path = `${parent ? paths.get(parent) : '/'}${id}/`;
      paths.set(id, path);
      await trx('departments')
        .insert({ id, parent_id: parent, name, name_en: nameEn, level, path })
        .onConflict('id')
        .ignore();
    }
    // One argon2id hash for the shared demo password keeps start-up fast.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const [index, [username, displayName, departmentId, roles]] of demoUsers().entries()) {
      const id = randomUUID();
      await trx('users').insert({
        id,
        username,
        display_name: displayName,
        department_id: departmentId,
        password_hash: passwordHash,
        password_changed_at: new Date(),
        // Fictional numbers (137 0000 xxxx) so staff notices, such as an escalation, reach the outbox.
        phone: `1370000${String(index + 1).padStart(4, '0')}`,
      });
      await trx('user_roles').insert(
        roles.map(([role, department]) => ({ user_id: id, role_code: role, department_id: department })),
      );
    }
    await trx('permission_versions').where({ id: 1 }).increment('version', 1);
  });
  logger?.info({ users: demoUsers().length }, 'demo organisation and users created');
  return true;
}

/**
 * A real installation starts with headquarters and one administrator from ADMIN_USERNAME and
 * ADMIN_PASSWORD; without them, and without any user, start-up fails rather than leave the
 * platform without an administrator.
 */
export async function ensureInitialAdmin(
  db: Db,
  username: string | undefined,
  password: string | undefined,
): Promise<void> {
  const users = await db('users').count<{ count: number }[]>('* as count').first();
  if (Number(users?.count ?? 0) > 0) return;
  if (!username || !password)
    throw new Error(
      'no users exist: set ADMIN_USERNAME and ADMIN_PASSWORD for the first administrator (or DEMO_DATA=true)',
    );
  await db.transaction(async (trx) => {
    await trx('departments')
      .insert({ id: 'HQ', parent_id: null, name: '总部', name_en: 'Headquarters', level: 'headquarters', path: '/HQ/' })
      .onConflict('id')
      .ignore();
    const id = randomUUID();
    await trx('users').insert({
      id,
      username: username.toLowerCase(),
      display_name: 'Administrator',
      department_id: 'HQ',
      password_hash: await hashPassword(password),
      password_changed_at: new Date(),
    });
    await trx('user_roles').insert({ user_id: id, role_code: 'admin', department_id: 'HQ' });
    await trx('permission_versions').where({ id: 1 }).increment('version', 1);
  });
}

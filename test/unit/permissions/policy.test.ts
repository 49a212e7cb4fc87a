import { beforeAll, describe, expect, it } from 'vitest';
import type { Enforcer } from 'casbin';
import {
  can,
  createEnforcer,
  DEFAULT_POLICY_TEXT,
  grantedDepartments,
  parsePolicyCsv,
  type RoleAssignment,
} from '../../../permissions/enforcer.js';
import { BUILTIN_ROLES, isKnownPermission } from '../../../permissions/roles.js';

const XH = '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/';
const XH_STATION = '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/ZJ-HZ-XH-LY/';
const YH = '/HQ/ZJ/ZJ-HZ/ZJ-HZ-YH/';
const JN = '/HQ/JS/JS-NJ/JS-NJ-JN/';
const ZJ = '/HQ/ZJ/';
const HQ = '/HQ/';

const assignments: RoleAssignment[] = [
  { userId: 'admin', role: 'admin', departmentPath: HQ },
  { userId: 'designer', role: 'process_designer', departmentPath: HQ },
  { userId: 'supervisor', role: 'hq_supervisor', departmentPath: HQ },
  { userId: 'zj.manager', role: 'department_manager', departmentPath: ZJ },
  { userId: 'xh.clerk', role: 'acceptance_clerk', departmentPath: XH },
  { userId: 'xh.surveyor', role: 'site_surveyor', departmentPath: XH },
  { userId: 'xh.meter', role: 'meter_technician', departmentPath: XH },
  { userId: 'xh.auditor', role: 'billing_auditor', departmentPath: XH },
  { userId: 'xh.collector', role: 'collection_clerk', departmentPath: XH },
  { userId: 'xh.account', role: 'account_manager', departmentPath: XH },
  { userId: 'xh.leader', role: 'team_leader', departmentPath: XH },
  { userId: 'xh.manager', role: 'department_manager', departmentPath: XH },
];

describe('the default Casbin policy', () => {
  let enforcer: Enforcer;
  const policies = parsePolicyCsv(DEFAULT_POLICY_TEXT);
  beforeAll(async () => {
    enforcer = await createEnforcer(policies, assignments);
  });

  // (user, role held, department asked about, object, action) → allowed
  it.each([
    ['admin', 'admin', JN, 'admin', 'manage', true],
    ['admin', 'admin', XH_STATION, 'deployment', 'create', true],
    ['designer', 'process_designer', HQ, 'deployment', 'create', true],
    ['designer', 'process_designer', XH, 'task', 'claim', false],
    ['designer', 'process_designer', HQ, 'admin', 'manage', false],
    ['supervisor', 'hq_supervisor', JN, 'instance', 'read', true],
    ['supervisor', 'hq_supervisor', JN, 'instance', 'cancel', false],
    ['supervisor', 'hq_supervisor', XH, 'dashboard', 'read', true],
    ['zj.manager', 'department_manager', XH, 'task', 'reassign', true],
    ['zj.manager', 'department_manager', JN, 'task', 'reassign', false],
    ['zj.manager', 'department_manager', ZJ, 'deployment', 'create', false],
    ['xh.clerk', 'acceptance_clerk', XH, 'task', 'claim', true],
    ['xh.clerk', 'acceptance_clerk', XH_STATION, 'task', 'claim', true],
    ['xh.clerk', 'acceptance_clerk', YH, 'task', 'claim', false],
    ['xh.clerk', 'acceptance_clerk', ZJ, 'task', 'claim', false],
    ['xh.clerk', 'acceptance_clerk', XH, 'task', 'reassign', false],
    ['xh.clerk', 'acceptance_clerk', XH, 'instance', 'cancel', false],
    ['xh.clerk', 'acceptance_clerk', XH, 'deployment', 'create', false],
    ['xh.surveyor', 'site_surveyor', XH, 'task', 'complete', true],
    ['xh.surveyor', 'site_surveyor', XH, 'instance', 'start', false],
    ['xh.meter', 'meter_technician', XH, 'metering', 'read', true],
    ['xh.meter', 'meter_technician', JN, 'metering', 'read', false],
    ['xh.auditor', 'billing_auditor', XH, 'billing', 'read', true],
    ['xh.auditor', 'billing_auditor', XH, 'payment', 'write', false],
    ['xh.collector', 'collection_clerk', XH, 'payment', 'write', true],
    ['xh.collector', 'collection_clerk', XH, 'message', 'correlate', true],
    ['xh.account', 'account_manager', XH, 'customer', 'read', true],
    ['xh.account', 'account_manager', XH, 'customer', 'write', false],
    ['xh.leader', 'team_leader', XH_STATION, 'task', 'reassign', true],
    ['xh.leader', 'team_leader', YH, 'task', 'reassign', false],
    ['xh.leader', 'team_leader', XH, 'incident', 'retry', true],
    ['xh.leader', 'team_leader', XH, 'job', 'execute', false],
    ['xh.manager', 'department_manager', XH, 'audit', 'read', true],
    ['xh.manager', 'department_manager', XH, 'admin', 'manage', false],
    ['nobody', '(none)', XH, 'task', 'read', false],
  ])('%s (%s) in %s: %s:%s → %s', async (user, _role, department, object, action, allowed) => {
    expect(await can(enforcer, user, department, object as never, action as never)).toBe(allowed);
  });

  it('grants a role in a department over its whole subtree and nothing beside it', async () => {
    expect(await can(enforcer, 'xh.clerk', XH_STATION, 'task', 'read')).toBe(true);
    expect(await can(enforcer, 'xh.clerk', '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XHX/', 'task', 'read')).toBe(false);
  });

  it('compiles grants into department prefixes for SQL, dropping covered paths', () => {
    const mine = assignments
      .filter((a) => a.userId === 'xh.leader')
      .concat({ userId: 'xh.leader', role: 'acceptance_clerk', departmentPath: XH_STATION });
    expect(grantedDepartments(policies, mine, 'task', 'read')).toEqual([XH]);
    expect(grantedDepartments(policies, mine, 'task', 'reassign')).toEqual([XH]);
    expect(grantedDepartments(policies, mine, 'deployment', 'create')).toEqual([]);
  });

  it('names only roles and permissions that exist', () => {
    const roles = new Set(BUILTIN_ROLES.map((r) => r.code));
    for (const p of policies) {
      expect(roles.has(p.role as never), p.role).toBe(true);
      expect(isKnownPermission(p.object, p.action), `${p.object}:${p.action}`).toBe(true);
    }
    for (const role of roles)
      expect(
        policies.some((p) => p.role === role),
        role,
      ).toBe(true);
  });
});

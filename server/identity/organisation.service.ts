import type { Db } from '../db/index.js';
import { isKnownPermission } from '../../permissions/roles.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { AuditService } from './audit.service.js';
import { Authorization, type Scope } from './authorization.js';
import {
  DEPARTMENT_COLUMNS,
  DEPARTMENT_LEVELS as LEVELS,
  toDepartment,
  type Department,
  type DepartmentRow,
} from './department.contract.js';
import { ROLE_COLUMNS, toRole, type Policy, type Role, type RoleRow } from './role.contract.js';

/** Departments, roles and policy rows (admin API, issue 3 §1, §3, §6). */
export class OrganisationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async listDepartments(): Promise<Department[]> {
    const rows = await this.db('departments')
      .select<DepartmentRow[]>(...DEPARTMENT_COLUMNS)
      .orderBy('path');
    return rows.map(toDepartment);
  }

  /** The departments a scope covers (every one when it is all), in tree order: screens name them. */
  async departmentsIn(scope: Scope): Promise<Department[]> {
    const all = await this.listDepartments();
    if (scope.all) return all;
    const ids = new Set(scope.departmentIds);
    return all.filter((d) => ids.has(d.id));
  }

  async getDepartment(id: string): Promise<Department> {
    const row = await this.db('departments')
      .where({ id })
      .first<DepartmentRow | undefined>(...DEPARTMENT_COLUMNS);
    if (!row) throw new NotFound('department', id);
    return toDepartment(row);
  }

  async createDepartment(
    input: {
      id: string;
      parentId: string | null;
      name: string;
      nameEn?: string | undefined;
      level: (typeof LEVELS)[number];
    },
    actor: Actor,
  ): Promise<Department> {
    if (!/^[A-Z0-9-]{2,32}$/.test(input.id))
      throw new Invalid('VALIDATION_FAILED', 'department codes are 2–32 capital letters, digits or dashes', [
        { field: 'id', reason: 'invalid' },
      ]);
    if (await this.db('departments').where({ id: input.id }).first('id'))
      throw new Conflict('DEPARTMENT_EXISTS', `department ${input.id} exists`);
    let path = `/${input.id}/`;
    if (input.parentId) {
      const parent = await this.db('departments')
        .where({ id: input.parentId })
        .first<Pick<DepartmentRow, 'path' | 'level'> | undefined>('path', 'level');
      if (!parent)
        throw new Invalid('VALIDATION_FAILED', `unknown parent department ${input.parentId}`, [
          { field: 'parentId', reason: 'unknown' },
        ]);
      if (LEVELS.indexOf(input.level) <= LEVELS.indexOf(parent.level))
        throw new Invalid('VALIDATION_FAILED', `a ${input.level} cannot sit below a ${parent.level}`, [
          { field: 'level', reason: 'invalid' },
        ]);
      path = `${parent.path}${input.id}/`;
    } else if (await this.db('departments').whereNull('parent_id').first('id')) {
      throw new Invalid('VALIDATION_FAILED', 'there is already a root department; give a parentId', [
        { field: 'parentId', reason: 'required' },
      ]);
    }
    await this.db.transaction(async (trx) => {
      await trx('departments').insert({
        id: input.id,
        parent_id: input.parentId,
        name: input.name,
        name_en: input.nameEn ?? null,
        level: input.level,
        path,
      });
      await Authorization.bump(trx);
      await this.audit.record(
        actor,
        'department.create',
        'department',
        input.id,
        { parentId: input.parentId, name: input.name },
        undefined,
        trx,
      );
    });
    return this.getDepartment(input.id);
  }

  async updateDepartment(
    id: string,
    input: { name?: string | undefined; nameEn?: string | undefined; active?: boolean | undefined },
    actor: Actor,
  ): Promise<Department> {
    const updated = await this.db('departments')
      .where({ id })
      .update({
        ...(input.name ? { name: input.name } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      });
    if (!updated) throw new NotFound('department', id);
    await this.audit.record(actor, 'department.update', 'department', id, input);
    return this.getDepartment(id);
  }

  async listRoles(): Promise<Role[]> {
    const rows = await this.db('roles')
      .select<RoleRow[]>(...ROLE_COLUMNS)
      .orderBy('code');
    return rows.map(toRole);
  }

  async createRole(
    input: { code: string; name: string; nameEn?: string | undefined; description?: string | undefined },
    actor: Actor,
  ): Promise<Role> {
    if (!/^[a-z][a-z0-9_]{1,40}$/.test(input.code))
      throw new Invalid('VALIDATION_FAILED', 'role codes are lower-case letters, digits and _', [
        { field: 'code', reason: 'invalid' },
      ]);
    if (await this.db('roles').where({ code: input.code }).first('code'))
      throw new Conflict('ROLE_EXISTS', `role ${input.code} exists`);
    await this.db('roles').insert({
      code: input.code,
      name: input.name,
      name_en: input.nameEn ?? null,
      description: input.description ?? null,
      builtin: false,
    });
    await this.audit.record(actor, 'role.create', 'role', input.code, { name: input.name });
    return toRole(
      await this.db('roles')
        .where({ code: input.code })
        .first<RoleRow>(...ROLE_COLUMNS),
    );
  }

  async updateRole(
    code: string,
    input: { name?: string | undefined; nameEn?: string | null | undefined; description?: string | null | undefined },
    actor: Actor,
  ): Promise<Role> {
    const updated = await this.db('roles')
      .where({ code })
      .update({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn || null } : {}),
        ...(input.description !== undefined ? { description: input.description || null } : {}),
      });
    if (!updated) throw new NotFound('role', code);
    await this.audit.record(actor, 'role.update', 'role', code, input);
    return toRole(
      await this.db('roles')
        .where({ code })
        .first<RoleRow>(...ROLE_COLUMNS),
    );
  }

  async listPolicies(): Promise<Policy[]> {
    return this.db('casbin_policies')
      .select<Policy[]>('role_code as role', 'object', 'action')
      .orderBy(['role_code', 'object', 'action']);
  }

  async addPolicy(rule: { role: string; object: string; action: string }, actor: Actor) {
    if (!isKnownPermission(rule.object, rule.action))
      throw new Invalid('VALIDATION_FAILED', `unknown permission ${rule.object}:${rule.action}`, [
        { field: 'object', reason: 'unknown' },
      ]);
    if (!(await this.db('roles').where({ code: rule.role }).first('code')))
      throw new Invalid('VALIDATION_FAILED', `unknown role ${rule.role}`, [{ field: 'role', reason: 'unknown' }]);
    await this.db.transaction(async (trx) => {
      const inserted = await trx('casbin_policies')
        .insert({ role_code: rule.role, object: rule.object, action: rule.action })
        .onConflict(['role_code', 'object', 'action'])
        .ignore()
        .returning('id');
      if (inserted.length === 0) throw new Conflict('POLICY_EXISTS', 'the policy already exists');
      await Authorization.bump(trx);
      await this.audit.record(
        actor,
        'permission.policy.add',
        'policy',
        `${rule.role}:${rule.object}:${rule.action}`,
        rule,
        undefined,
        trx,
      );
    });
  }

  async removePolicy(rule: { role: string; object: string; action: string }, actor: Actor) {
    if (rule.role === 'admin' && rule.object === '*')
      throw new Conflict('LAST_ADMINISTRATOR', "the administrators' own grant cannot be removed");
    await this.db.transaction(async (trx) => {
      const removed = await trx('casbin_policies')
        .where({ role_code: rule.role, object: rule.object, action: rule.action })
        .delete();
      if (!removed) throw new NotFound('policy', `${rule.role}:${rule.object}:${rule.action}`);
      await Authorization.bump(trx);
      await this.audit.record(
        actor,
        'permission.policy.remove',
        'policy',
        `${rule.role}:${rule.object}:${rule.action}`,
        rule,
        undefined,
        trx,
      );
    });
  }
}

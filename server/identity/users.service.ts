import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { WhereBuilder } from '../access/rule.js';
import type { AuditService } from './audit.service.js';
import { sha256 } from './auth.service.js';
import { Authorization } from './authorization.js';
import { checkPasswordStrength, hashPassword } from './passwords.js';
import {
  API_TOKEN_COLUMNS,
  USER_COLUMNS,
  toApiToken,
  toUser,
  type ApiToken,
  type ApiTokenRow,
  type Colleague,
  type CreatedApiToken,
  type RoleAssignmentRow,
  type User,
  type UserRow,
} from './user.contract.js';

export interface UserInput {
  username: string;
  displayName: string;
  phone?: string | undefined;
  departmentId: string;
  password?: string | undefined;
  active?: boolean | undefined;
  lockedUntil?: Date | null | undefined;
}

/** Users, their role assignments and API tokens (admin API, issue 3 §6). */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(
    filter: { departmentId?: string | undefined; q?: string | undefined },
    request: PageRequest,
  ): Promise<Page<User>> {
    const q = this.db('users')
      .select(...USER_COLUMNS)
      .orderBy('username');
    if (filter.departmentId) q.where('department_id', filter.departmentId);
    if (filter.q) {
      const like = `%${filter.q}%`;
      q.where((w) => {
        void w.whereILike('username', like).orWhereILike('display_name', like);
      });
    }
    const result = await page<UserRow>(q, request);
    const roles = await this.roleRows(result.items.map((u) => u.id));
    return mapPage(result, (row) => toUser(row, roles));
  }

  /**
   * Active users whose name or user name contains `q`, in the departments `where` admits (the
   * caller's scope, compiled by an access rule): the colleague picker of delegate and reassign.
   */
  async searchColleagues(q: string, where: WhereBuilder, limit: number): Promise<Colleague[]> {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db('users as u')
      .join('departments as d', 'd.id', 'u.department_id')
      .where('u.active', true)
      .where((w) => {
        void w.whereILike('u.username', like).orWhereILike('u.display_name', like);
      })
      .where(where)
      .orderBy(['u.display_name', 'u.username'])
      .limit(limit)
      .select<
        {
          id: string;
          username: string;
          display_name: string;
          department_id: string;
          department_name: string;
          department_name_en: string | null;
        }[]
      >(
        'u.id',
        'u.username',
        'u.display_name',
        'u.department_id',
        'd.name as department_name',
        'd.name_en as department_name_en',
      );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      departmentId: r.department_id,
      departmentName: r.department_name,
      departmentNameEn: r.department_name_en,
    }));
  }

  async get(id: string, db: Db = this.db): Promise<User> {
    const row = await db('users')
      .where({ id })
      .first<UserRow | undefined>(...USER_COLUMNS);
    if (!row) throw new NotFound('user', id);
    return toUser(row, await this.roleRows([id], db));
  }

  private async roleRows(userIds: string[], db: Db = this.db): Promise<RoleAssignmentRow[]> {
    if (!userIds.length) return [];
    return db('user_roles')
      .whereIn('user_id', userIds)
      .select<RoleAssignmentRow[]>('user_id', 'role_code', 'department_id')
      .orderBy(['role_code', 'department_id']);
  }

  async create(input: UserInput, actor: Actor): Promise<User> {
    const username = input.username.trim().toLowerCase();
    if (!/^[a-z0-9._-]{2,64}$/.test(username))
      throw new Invalid('VALIDATION_FAILED', 'user names are 2–64 letters, digits, dot, dash or underscore', [
        { field: 'username', reason: 'invalid' },
      ]);
    if (input.password) this.checkPassword(input.password);
    await this.requireDepartment(input.departmentId);
    if (await this.db('users').where({ username }).first('id'))
      throw new Conflict('USERNAME_TAKEN', `user name ${username} is taken`);
    const id = randomUUID();
    await this.db('users').insert({
      id,
      username,
      display_name: input.displayName,
      phone: input.phone ?? null,
      department_id: input.departmentId,
      active: input.active ?? true,
      password_hash: input.password ? await hashPassword(input.password) : null,
      password_changed_at: input.password ? new Date() : null,
    });
    await this.audit.record(actor, 'user.create', 'user', id, { username, departmentId: input.departmentId });
    return this.get(id);
  }

  async update(id: string, input: Partial<UserInput>, actor: Actor): Promise<User> {
    const user = await this.get(id);
    if (input.departmentId) await this.requireDepartment(input.departmentId);
    if (input.password) this.checkPassword(input.password);
    return this.db.transaction(async (trx) => {
      if (input.active === false && user.active) await this.ensureNotLastAdmin(trx, id, null);
      await trx('users')
        .where({ id })
        .update({
          ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
          ...(input.phone !== undefined ? { phone: input.phone } : {}),
          ...(input.departmentId !== undefined ? { department_id: input.departmentId } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
          ...(input.lockedUntil !== undefined ? { locked_until: input.lockedUntil } : {}),
          ...(input.password
            ? { password_hash: await hashPassword(input.password), password_changed_at: new Date() }
            : {}),
        });
      const locking = !!input.lockedUntil && input.lockedUntil.getTime() > Date.now();
      if (input.active === false || input.password || locking) await trx('sessions').where({ user_id: id }).delete();
      // A lock is what an administrator does to a suspect account: its API tokens end with it.
      const tokensRevoked = locking
        ? await trx('api_tokens').where({ user_id: id }).whereNull('revoked_at').update({ revoked_at: new Date() })
        : 0;
      const changed = Object.keys(input).filter((k) => k !== 'password');
      await this.audit.record(
        actor,
        'user.update',
        'user',
        id,
        { changed, passwordChanged: !!input.password, ...(locking ? { tokensRevoked } : {}) },
        undefined,
        trx,
      );
      return this.get(id, trx);
    });
  }

  async assignRole(userId: string, role: string, departmentId: string, actor: Actor): Promise<User> {
    await this.get(userId);
    await this.requireDepartment(departmentId);
    if (!(await this.db('roles').where({ code: role }).first('code')))
      throw new Invalid('VALIDATION_FAILED', `unknown role ${role}`, [{ field: 'role', reason: 'unknown' }]);
    await this.db.transaction(async (trx) => {
      await trx('user_roles')
        .insert({ user_id: userId, role_code: role, department_id: departmentId })
        .onConflict(['user_id', 'role_code', 'department_id'])
        .ignore();
      await Authorization.bump(trx);
      await this.audit.record(actor, 'permission.assign', 'user', userId, { role, departmentId }, undefined, trx);
    });
    return this.get(userId);
  }

  async removeRole(userId: string, role: string, departmentId: string, actor: Actor): Promise<User> {
    await this.db.transaction(async (trx) => {
      if (role === 'admin') await this.ensureNotLastAdmin(trx, userId, departmentId);
      const removed = await trx('user_roles')
        .where({ user_id: userId, role_code: role, department_id: departmentId })
        .delete();
      if (!removed) throw new NotFound('role assignment', `${role}@${departmentId}`);
      await Authorization.bump(trx);
      await this.audit.record(actor, 'permission.revoke', 'user', userId, { role, departmentId }, undefined, trx);
    });
    return this.get(userId);
  }

  /** An administrator cannot remove the last administrator (issue 3 §6). */
  private async ensureNotLastAdmin(trx: Db, userId: string, departmentId: string | null): Promise<void> {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['last-admin']);
    const admins = await trx('user_roles as ur')
      .join('users as u', 'u.id', 'ur.user_id')
      .where({ 'ur.role_code': 'admin', 'u.active': true })
      .select<{ user_id: string; department_id: string }[]>('ur.user_id', 'ur.department_id');
    const remaining = admins.filter(
      (a) => !(a.user_id === userId && (departmentId === null || a.department_id === departmentId)),
    );
    if (admins.some((a) => a.user_id === userId) && new Set(remaining.map((a) => a.user_id)).size === 0) {
      throw new Conflict('LAST_ADMINISTRATOR', 'this is the last active administrator; appoint another one first');
    }
  }

  async createToken(userId: string, name: string, expiresAt: Date | null, actor: Actor): Promise<CreatedApiToken> {
    await this.get(userId);
    const id = randomUUID();
    const prefix = randomBytes(4).toString('hex');
    const plain = `pmt_${prefix}_${randomBytes(24).toString('base64url')}`;
    await this.db('api_tokens').insert({
      id,
      user_id: userId,
      name,
      token_hash: sha256(plain),
      prefix,
      expires_at: expiresAt,
    });
    await this.audit.record(actor, 'token.create', 'api_token', id, { userId, name });
    return { id, name, prefix, expiresAt: expiresAt?.toISOString() ?? null, token: plain };
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db('api_tokens')
      .where({ user_id: userId })
      .select<ApiTokenRow[]>(...API_TOKEN_COLUMNS)
      .orderBy('created_at', 'desc');
    return rows.map(toApiToken);
  }

  async revokeToken(tokenId: string, actor: Actor, ownerId?: string): Promise<void> {
    const q = this.db('api_tokens').where({ id: tokenId }).whereNull('revoked_at');
    if (ownerId) q.where({ user_id: ownerId });
    const updated = await q.update({ revoked_at: new Date() });
    if (!updated) throw new NotFound('token', tokenId);
    await this.audit.record(actor, 'token.revoke', 'api_token', tokenId, {});
  }

  private checkPassword(password: string) {
    const problem = checkPasswordStrength(password);
    if (problem)
      throw new Invalid('WEAK_PASSWORD', `the password needs ${problem}`, [{ field: 'password', reason: problem }]);
  }

  private async requireDepartment(id: string) {
    if (!(await this.db('departments').where({ id }).first('id')))
      throw new Invalid('VALIDATION_FAILED', `unknown department ${id}`, [
        { field: 'departmentId', reason: 'unknown' },
      ]);
  }
}

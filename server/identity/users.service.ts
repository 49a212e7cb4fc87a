import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { page, type Page, type PageRequest } from '../workflow/paging.js';
import type { AuditService } from './audit.service.js';
import { sha256 } from './auth.service.js';
import { Authorization } from './authorization.js';
import { checkPasswordStrength, hashPassword } from './passwords.js';

export interface UserInput {
  username: string;
  displayName: string;
  phone?: string | undefined;
  departmentId: string;
  password?: string | undefined;
  active?: boolean | undefined;
  lockedUntil?: Date | null | undefined;
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'phone',
  'department_id',
  'active',
  'locked_until',
  'created_at',
];

/** Users, their role assignments and API tokens (admin API, issue 3 §6). */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(
    filter: { departmentId?: string | undefined; q?: string | undefined },
    request: PageRequest,
  ): Promise<Page<Record<string, unknown>>> {
    const q = this.db('users').select(USER_COLUMNS).orderBy('username');
    if (filter.departmentId) q.where('department_id', filter.departmentId);
    if (filter.q)
      q.where((w) => w.whereILike('username', `%${filter.q}%`).orWhereILike('display_name', `%${filter.q}%`));
    const result = await page<Record<string, unknown>>(q, request);
    const ids = result.items.map((u) => u.id as string);
    const roles = ids.length
      ? await this.db('user_roles').whereIn('user_id', ids).select('user_id', 'role_code', 'department_id')
      : [];
    for (const user of result.items)
      user.roles = roles
        .filter((r) => r.user_id === user.id)
        .map((r) => ({ role: r.role_code, departmentId: r.department_id }));
    return result;
  }

  async get(id: string) {
    const user = await this.db('users').where({ id }).first(USER_COLUMNS);
    if (!user) throw new NotFound('user', id);
    user.roles = (await this.db('user_roles').where({ user_id: id }).select('role_code', 'department_id')).map((r) => ({
      role: r.role_code,
      departmentId: r.department_id,
    }));
    return user;
  }

  async create(input: UserInput, actor: Actor) {
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

  async update(id: string, input: Partial<UserInput>, actor: Actor) {
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
      if (input.active === false || input.password) await trx('sessions').where({ user_id: id }).delete();
      const changed = Object.keys(input).filter((k) => k !== 'password');
      await this.audit.record(
        actor,
        'user.update',
        'user',
        id,
        { changed, passwordChanged: !!input.password },
        undefined,
        trx,
      );
      return (await trx('users').where({ id }).first(USER_COLUMNS)) as Record<string, unknown>;
    });
  }

  async assignRole(userId: string, role: string, departmentId: string, actor: Actor) {
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

  async removeRole(userId: string, role: string, departmentId: string, actor: Actor) {
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
      .select('ur.user_id', 'ur.department_id');
    const remaining = admins.filter(
      (a) => !(a.user_id === userId && (departmentId === null || a.department_id === departmentId)),
    );
    if (admins.some((a) => a.user_id === userId) && new Set(remaining.map((a) => a.user_id)).size === 0) {
      throw new Conflict('LAST_ADMINISTRATOR', 'this is the last active administrator; appoint another one first');
    }
  }

  async createToken(userId: string, name: string, expiresAt: Date | null, actor: Actor) {
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
    return { id, name, prefix, expiresAt, token: plain };
  }

  async listTokens(userId: string) {
    return this.db('api_tokens')
      .where({ user_id: userId })
      .select('id', 'name', 'prefix', 'created_at', 'last_used_at', 'expires_at', 'revoked_at')
      .orderBy('created_at', 'desc');
  }

  async revokeToken(tokenId: string, actor: Actor, ownerId?: string) {
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

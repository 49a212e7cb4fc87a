import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import type { Actor, ActorRole } from '../lib/actor.js';
import { AppError, Forbidden, Unauthorized } from '../lib/errors.js';
import type { AuditService } from './audit.service.js';
import type { Authorization } from './authorization.js';
import { LoginThrottle, type ThrottleOptions } from './login-throttle.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

export interface AuthOptions extends ThrottleOptions {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionIdleMinutes: 60 * 8,
  sessionAbsoluteHours: 24,
  maxFailures: 5,
  maxFailuresPerAddress: 30,
  windowMinutes: 15,
  firstDelaySeconds: 1,
  maxDelaySeconds: 15 * 60,
};

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

export interface Authenticated {
  actor: Actor;
  via: 'session' | 'token';
  csrfToken?: string;
  permissionVersion: number;
}

/** A row of ACTOR_SELECT: the user behind a session, token or verified password. */
interface ActorRow {
  user_id: string;
  username: string;
  display_name: string;
  department_id: string;
  version: number | string;
  roles: ActorRole[] | string;
}

/**
 * The user `u`, the permission version `v` and the user's role assignments as one JSON column:
 * the session, user and roles in one round trip.
 */
const ACTOR_SELECT = `u.id AS user_id, u.username, u.display_name, u.department_id, v.version,
          COALESCE((SELECT json_agg(json_build_object('role', ur.role_code, 'departmentId', d.id, 'departmentPath', d.path) ORDER BY d.path, ur.role_code)
                   FROM user_roles ur JOIN departments d ON d.id = ur.department_id WHERE ur.user_id = u.id), '[]'::json) AS roles`;

/** A locked user is refused like an inactive one, even if a session or token outlived the lock (binds: now). */
const ACTIVE_USER = 'u.active AND (u.locked_until IS NULL OR u.locked_until <= ?)';

/**
 * Every request reads its session (or token) first, so these are written once and prepared: no
 * query is built per request.
 */
const SESSION_READ = new Prepared<
  ActorRow & { id: string; csrf_token: string; created_at: Date | string; last_seen_at: Date | string }
>(
  'auth_session_read',
  `SELECT ${ACTOR_SELECT}, s.id, s.csrf_token, s.created_at, s.last_seen_at
     FROM sessions s JOIN users u ON u.id = s.user_id CROSS JOIN permission_versions v
    WHERE s.id = ? AND s.expires_at > ? AND ${ACTIVE_USER}
    LIMIT 1`,
);

const TOKEN_READ = new Prepared<ActorRow & { id: string; last_used_at: Date | string | null }>(
  'auth_token_read',
  `SELECT ${ACTOR_SELECT}, t.id, t.last_used_at
     FROM api_tokens t JOIN users u ON u.id = t.user_id CROSS JOIN permission_versions v
    WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
      AND ${ACTIVE_USER}
    LIMIT 1`,
);

/** A user by id with their roles and the permission version (binds: the user's id). */
const ACTOR_OF_USER = `SELECT ${ACTOR_SELECT} FROM users u CROSS JOIN permission_versions v WHERE u.id = ?`;

const USER_READ = new Prepared<ActorRow>('auth_user_read', `${ACTOR_OF_USER} AND ${ACTIVE_USER} LIMIT 1`);

/** A user as an actor, whatever their state (the caller has decided they may act). */
const ACTOR_READ = new Prepared<ActorRow>('auth_actor_read', `${ACTOR_OF_USER} LIMIT 1`);

function toActor(row: ActorRow, kind: 'user' | 'token'): Actor {
  const roles = typeof row.roles === 'string' ? (JSON.parse(row.roles) as ActorRole[]) : row.roles;
  return {
    id: row.user_id,
    kind,
    username: row.username,
    displayName: row.display_name,
    departmentId: row.department_id,
    roles,
  };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function token(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Password login with argon2id, sessions, personal API tokens, and login throttling. */
export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly audit: AuditService,
    private readonly options: AuthOptions = DEFAULT_AUTH_OPTIONS,
  ) {
    this.throttle = new LoginThrottle(db, options);
  }

  /**
   * The password check of a login, throttled (login-throttle.ts) and audited on failure: 429 while
   * a delay runs, 401 for a wrong name or password, 403 for an inactive or locked account.
   */
  private async checkPassword(
    username: string,
    password: string,
    client: { ip: string; userAgent: string },
  ): Promise<{ id: string; display_name: string; department_id: string }> {
    const name = username.trim().toLowerCase();
    const wait = await this.throttle.reserve(name, client.ip);
    if (wait !== null) {
      await this.audit.record(
        null,
        'auth.login.throttled',
        'user',
        name,
        { ip: client.ip },
        { ip: client.ip, get: () => client.userAgent },
      );
      throw new AppError(429, 'LOGIN_THROTTLED', `too many failed logins; try again in ${wait} seconds`, [], {
        retryAfter: wait,
      });
    }
    const user = await this.db('users').where({ username: name }).first<
      | {
          id: string;
          username: string;
          display_name: string;
          department_id: string;
          active: boolean;
          locked_until: Date | string | null;
          password_hash: string | null;
        }
      | undefined
    >('id', 'username', 'display_name', 'department_id', 'active', 'locked_until', 'password_hash');
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    if (!user || !ok) {
      await this.audit.record(
        user ? { id: user.id, displayName: user.display_name, departmentId: user.department_id } : null,
        'auth.login.failed',
        'user',
        user?.id ?? name,
        { username: name },
        { ip: client.ip, get: () => client.userAgent },
      );
      throw new Unauthorized('wrong user name or password');
    }
    if (!user.active) throw new Forbidden('this account is inactive', 'ACCOUNT_INACTIVE');
    if (user.locked_until && new Date(user.locked_until) > new Date())
      throw new Forbidden(
        `this account is locked until ${new Date(user.locked_until).toISOString()}`,
        'ACCOUNT_LOCKED',
      );

    await this.throttle.succeeded(name, client.ip);
    return user;
  }

  async login(username: string, password: string, client: { ip: string; userAgent: string }): Promise<LoginResult> {
    const user = await this.checkPassword(username, password, client);
    const sessionToken = token();
    const csrfToken = token(24);
    const now = Date.now();
    const expiresAt = new Date(
      Math.min(now + this.options.sessionIdleMinutes * 60_000, now + this.options.sessionAbsoluteHours * 3_600_000),
    );
    await this.db('sessions').insert({
      id: sha256(sessionToken),
      user_id: user.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      ip: client.ip,
      user_agent: client.userAgent.slice(0, 300),
    });
    // Once the session exists: its actor and the audit entry of the login, side by side.
    const [actor] = await Promise.all([
      this.loadActor(user.id, 'user'),
      this.audit.record(
        { id: user.id, displayName: user.display_name, departmentId: user.department_id },
        'auth.login',
        'user',
        user.id,
        {},
        { ip: client.ip, get: () => client.userAgent },
      ),
    ]);
    return { sessionToken, csrfToken, expiresAt, actor };
  }

  async logout(sessionToken: string, actor: Actor): Promise<void> {
    await this.db('sessions')
      .where({ id: sha256(sessionToken) })
      .delete();
    await this.audit.record(actor, 'auth.logout', 'user', actor.id);
  }

  /** Resolves a session cookie; slides its idle expiry (at most once a minute), never past the absolute limit. */
  async fromSession(sessionToken: string): Promise<Authenticated | null> {
    const now = new Date();
    const row = await SESSION_READ.first(this.db, [sha256(sessionToken), now, now]);
    if (!row) return null;
    if (Date.now() - new Date(row.last_seen_at).getTime() > 60_000) {
      const absolute = new Date(row.created_at).getTime() + this.options.sessionAbsoluteHours * 3_600_000;
      const expiresAt = new Date(Math.min(Date.now() + this.options.sessionIdleMinutes * 60_000, absolute));
      await this.db('sessions').where({ id: row.id }).update({ last_seen_at: new Date(), expires_at: expiresAt });
    }
    return {
      actor: toActor(row, 'user'),
      via: 'session',
      csrfToken: row.csrf_token,
      permissionVersion: Number(row.version),
    };
  }

  async fromToken(bearer: string): Promise<Authenticated | null> {
    const now = new Date();
    const row = await TOKEN_READ.first(this.db, [sha256(bearer), now, now]);
    if (!row) return null;
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.db('api_tokens').where({ id: row.id }).update({ last_used_at: new Date() });
    }
    return { actor: toActor(row, 'token'), via: 'token', permissionVersion: Number(row.version) };
  }

  /**
   * HTTP Basic (the /engine-rest adapter): the same throttled password check as a login, without
   * a session. Answers the actor as a token call would (no cookie, so no CSRF).
   */
  async fromPassword(
    username: string,
    password: string,
    client: { ip: string; userAgent: string },
  ): Promise<Authenticated> {
    const user = await this.checkPassword(username, password, client);
    const found = await this.fromUser(user.id);
    if (!found) throw new Unauthorized('wrong user name or password');
    return found;
  }

  /** An already verified user, re-read so that a user deactivated or locked since is refused at once. */
  async fromUser(userId: string): Promise<Authenticated | null> {
    const row = await USER_READ.first(this.db, [userId, new Date()]);
    if (!row) return null;
    return { actor: toActor(row, 'user'), via: 'token', permissionVersion: Number(row.version) };
  }

  /** The user and their role assignments, in one statement. */
  async loadActor(userId: string, kind: 'user' | 'token'): Promise<Actor> {
    const row = await ACTOR_READ.first(this.db, [userId]);
    if (!row) throw new Unauthorized();
    return toActor(row, kind);
  }

  /** Makes sure Casbin on this node is at least as new as the version this request saw. */
  async sync(authenticated: Authenticated): Promise<void> {
    await this.authorization.ensure(authenticated.permissionVersion);
  }
}

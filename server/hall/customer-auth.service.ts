import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { AuthOptions } from '../identity/auth.service.js';
import { LoginThrottle } from '../identity/login-throttle.js';
import { checkPasswordStrength, dummyPasswordHash, hashPassword, verifyPassword } from '../identity/passwords.js';
import { AppError, Conflict, Forbidden, Invalid } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { CustomerSubject } from '../access/customer-account-owned.js';
import type { SmsCodes } from './sms-codes.js';
import { Gate, HALL_GATES } from './gate.js';
import type { AddAccount, PasswordReset, Registration, SignIn, SmsCodeRequest } from './hall.contract.js';

/** Where a request came from, for the throttle and the audit log. */
export interface Client {
  ip: string;
  userAgent: string;
}

/** A signed-in customer: the login, the accounts it holds, and the session's CSRF token. */
export interface HallSession extends CustomerSubject {
  displayName: string;
  phone: string;
  csrfToken: string;
}

interface LoginRow {
  id: string;
  phone: string;
  display_name: string;
  password_hash: string;
  status: string;
}

interface AccountProof {
  id: string;
  account_no: string;
  name: string;
  phone: string | null;
  department_id: string;
  status: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');
/** Names compare without spaces and case: 张 伟 = 张伟, ACME Ltd = acme ltd. */
const sameName = (a: string, b: string) => a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();

const SIGN_IN_FAILED = 'wrong login name, password or SMS code';

/**
 * The customer realm's identity: registration by proving an account, sign-in with password and SMS
 * code, password reset by SMS, and customer sessions. Throttled exactly like staff logins
 * (login-throttle.ts), under counters of its own; every sign-in, failed sign-in, registration and
 * reset is in the audit log with the actor `customer:<login id>`.
 */
export class CustomerAuthService {
  private readonly throttle: LoginThrottle;
  /** Sign-in, registration and reset: each hashes or verifies a password (gate.ts). */
  private readonly passwords: Gate;
  private readonly smsCodes: Gate;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly sms: SmsCodes,
    private readonly options: AuthOptions,
    private readonly clock: Clock,
    gates: typeof HALL_GATES = HALL_GATES,
  ) {
    this.throttle = new LoginThrottle(db, options, 'customer');
    this.passwords = new Gate(gates.passwords.limit, gates.passwords.queue);
    this.smsCodes = new Gate(gates.smsCodes.limit, gates.smsCodes.queue);
  }

  /**
   * Sends a code. Registration codes go only to the phone on file of the account named, and only
   * when number, name and phone match; otherwise nothing is sent, but the answer (and the limits)
   * are the same, so the form cannot be used to test who holds which account.
   */
  requestCode(input: SmsCodeRequest) {
    return this.smsCodes.run(() => this.requestCodeNow(input));
  }

  private async requestCodeNow(input: SmsCodeRequest) {
    if (input.purpose === 'register') {
      const account = await this.proof(input);
      return this.sms.issue({
        recipientKey: input.phone,
        phone: account ? input.phone : null,
        purpose: 'register',
        customerId: account?.id ?? null,
      });
    }
    const login = await this.findLogin(input.loginName);
    const firstAccount = login
      ? await this.db('customer_login_accounts')
          .where({ login_id: login.id })
          .orderBy('linked_at')
          .first<{ customer_id: string } | undefined>('customer_id')
      : undefined;
    return this.sms.issue({
      recipientKey: login?.phone ?? `name:${input.loginName.trim().toLowerCase()}`,
      phone: login?.status === 'active' ? login.phone : null,
      purpose: input.purpose,
      customerId: firstAccount?.customer_id ?? null,
    });
  }

  /**
   * Registers: the account is proven by number, name, the phone on file and the code sent there.
   * The phone's login is created (with the password), or the account joins the login it has.
   */
  register(input: Registration, client: Client) {
    return this.passwords.run(() => this.registerNow(input, client));
  }

  private async registerNow(input: Registration, client: Client) {
    const existing = await this.db('customer_logins').where({ phone: input.phone }).first<LoginRow | undefined>('id');
    if (!existing) {
      if (!input.password)
        throw new Invalid('VALIDATION_FAILED', 'a password is required for a new login', [
          { field: 'password', reason: 'required' },
        ]);
      const weak = checkPasswordStrength(input.password);
      if (weak) throw new Invalid('WEAK_PASSWORD', `the password needs ${weak}`, [{ field: 'password', reason: weak }]);
    }
    const account = await this.proveWithCode(input, 'hall.register.failed', client);
    const passwordHash = existing ? null : await hashPassword(input.password as string);
    const loginId = await this.db.transaction(async (trx) => {
      const linked = await trx('customer_login_accounts')
        .where({ customer_id: account.id })
        .first<{ login_id: string } | undefined>('login_id');
      if (linked)
        throw new Conflict('ACCOUNT_ALREADY_REGISTERED', 'this account already belongs to a login; sign in with it');
      let id = existing?.id;
      if (!id) {
        id = randomUUID();
        await trx('customer_logins').insert({
          id,
          phone: input.phone,
          display_name: account.name,
          password_hash: passwordHash,
        });
      }
      await trx('customer_login_accounts').insert({ login_id: id, customer_id: account.id });
      return id;
    });
    await this.record(loginId, account.name, 'hall.register', account, client, { newLogin: !existing });
    return { loginId, addedToExistingLogin: !!existing };
  }

  /** A signed-in customer adds another account, proven the same way as at registration. */
  async addAccount(subject: HallSession, input: AddAccount, client: Client): Promise<void> {
    const account = await this.proveWithCode(input, 'hall.account.add.failed', client, subject);
    await this.db.transaction(async (trx) => {
      const linked = await trx('customer_login_accounts')
        .where({ customer_id: account.id })
        .first<{ login_id: string } | undefined>('login_id');
      if (linked) throw new Conflict('ACCOUNT_ALREADY_REGISTERED', 'this account already belongs to a login');
      await trx('customer_login_accounts').insert({ login_id: subject.loginId, customer_id: account.id });
    });
    await this.record(subject.loginId, subject.displayName, 'hall.account.add', account, client);
  }

  signIn(input: SignIn, client: Client) {
    return this.passwords.run(() => this.signInNow(input, client));
  }

  private async signInNow(input: SignIn, client: Client) {
    const name = input.loginName.trim().toLowerCase();
    const wait = await this.throttle.reserve(name, client.ip);
    if (wait !== null) {
      await this.audit.record(
        null,
        'hall.sign-in.throttled',
        'customer_login',
        name,
        { actorType: 'customer' },
        ctxOf(client),
      );
      throw new AppError(429, 'LOGIN_THROTTLED', `too many failed sign-ins; try again in ${wait} seconds`, [], {
        retryAfter: wait,
      });
    }
    const login = await this.findLogin(name);
    const passwordOk = await verifyPassword(login?.password_hash ?? (await dummyPasswordHash()), input.password);
    // The code is tried only after the password: a wrong password never uses up the customer's code.
    const codeOk = !!login && passwordOk && (await this.sms.consume(login.phone, 'sign-in', input.code));
    if (!login || !codeOk) {
      await this.audit.record(
        login ? customerActor(login.id, login.display_name) : null,
        'hall.sign-in.failed',
        'customer_login',
        login?.id ?? name,
        { actorType: 'customer', loginName: name, reason: !login || !passwordOk ? 'password' : 'code' },
        ctxOf(client),
      );
      throw new AppError(401, 'SIGN_IN_FAILED', SIGN_IN_FAILED);
    }
    if (login.status !== 'active') throw new Forbidden('this login is disabled', 'ACCOUNT_INACTIVE');
    await this.throttle.succeeded(name, client.ip);
    const sessionToken = token();
    const csrfToken = token(24);
    const now = this.clock.now();
    const expiresAt = new Date(
      Math.min(now + this.options.sessionIdleMinutes * 60_000, now + this.options.sessionAbsoluteHours * 3_600_000),
    );
    await this.db('customer_sessions').insert({
      id: sha256(sessionToken),
      login_id: login.id,
      csrf_token: csrfToken,
      created_at: new Date(now),
      last_seen_at: new Date(now),
      expires_at: expiresAt,
      ip: client.ip,
      user_agent: client.userAgent.slice(0, 300),
    });
    await this.record(login.id, login.display_name, 'hall.sign-in', null, client);
    return { sessionToken, csrfToken, expiresAt, session: (await this.fromSession(sessionToken)) as HallSession };
  }

  async signOut(sessionToken: string, subject: HallSession, client: Client): Promise<void> {
    await this.db('customer_sessions')
      .where({ id: sha256(sessionToken) })
      .delete();
    await this.record(subject.loginId, subject.displayName, 'hall.sign-out', null, client);
  }

  /** Sets a new password with a reset code; every session of the login ends. Throttled like sign-in. */
  resetPassword(input: PasswordReset, client: Client): Promise<void> {
    return this.passwords.run(() => this.resetPasswordNow(input, client));
  }

  private async resetPasswordNow(input: PasswordReset, client: Client): Promise<void> {
    const weak = checkPasswordStrength(input.newPassword);
    if (weak)
      throw new Invalid('WEAK_PASSWORD', `the password needs ${weak}`, [{ field: 'newPassword', reason: weak }]);
    const name = input.loginName.trim().toLowerCase();
    const wait = await this.throttle.reserve(name, client.ip);
    if (wait !== null)
      throw new AppError(429, 'LOGIN_THROTTLED', `too many failed attempts; try again in ${wait} seconds`, [], {
        retryAfter: wait,
      });
    const login = await this.findLogin(name);
    if (!login || !(await this.sms.consume(login.phone, 'reset', input.code))) {
      await this.audit.record(
        login ? customerActor(login.id, login.display_name) : null,
        'hall.password-reset.failed',
        'customer_login',
        login?.id ?? name,
        { actorType: 'customer', loginName: name },
        ctxOf(client),
      );
      throw new Invalid('SMS_CODE_INVALID', 'wrong, expired or already used SMS code');
    }
    await this.throttle.succeeded(name, client.ip);
    const passwordHash = await hashPassword(input.newPassword);
    await this.db.transaction(async (trx) => {
      await trx('customer_logins')
        .where({ id: login.id })
        .update({ password_hash: passwordHash, password_changed_at: new Date(this.clock.now()) });
      await trx('customer_sessions').where({ login_id: login.id }).delete();
    });
    await this.record(login.id, login.display_name, 'hall.password-reset', null, client);
  }

  /** The customer behind a session cookie; slides its idle expiry (at most once a minute). */
  async fromSession(sessionToken: string): Promise<HallSession | null> {
    const now = this.clock.now();
    const row = await this.db('customer_sessions as s')
      .join('customer_logins as l', 'l.id', 's.login_id')
      .where('s.id', sha256(sessionToken))
      .where('s.expires_at', '>', new Date(now))
      .where('l.status', 'active')
      .first<
        | {
            id: string;
            login_id: string;
            csrf_token: string;
            created_at: Date | string;
            last_seen_at: Date | string;
            phone: string;
            display_name: string;
            customer_ids: string[];
          }
        | undefined
      >(
        's.id',
        's.login_id',
        's.csrf_token',
        's.created_at',
        's.last_seen_at',
        'l.phone',
        'l.display_name',
        // The login's accounts in the same round trip: every hall request passes through here.
        this.db.raw(
          `coalesce((SELECT array_agg(a.customer_id::text ORDER BY a.linked_at) FROM customer_login_accounts a
                      WHERE a.login_id = s.login_id), '{}') AS customer_ids`,
        ),
      );
    if (!row) return null;
    if (now - new Date(row.last_seen_at).getTime() > 60_000) {
      const absolute = new Date(row.created_at).getTime() + this.options.sessionAbsoluteHours * 3_600_000;
      const expiresAt = new Date(Math.min(now + this.options.sessionIdleMinutes * 60_000, absolute));
      await this.db('customer_sessions')
        .where({ id: row.id })
        .update({ last_seen_at: new Date(now), expires_at: expiresAt });
    }
    return {
      loginId: row.login_id,
      customerIds: row.customer_ids,
      displayName: row.display_name,
      phone: row.phone,
      csrfToken: row.csrf_token,
    };
  }

  /** A login by its name: the phone it was registered with, or the number of an account it holds. */
  private async findLogin(loginName: string): Promise<LoginRow | undefined> {
    const name = loginName.trim();
    const columns = ['l.id', 'l.phone', 'l.display_name', 'l.password_hash', 'l.status'];
    const byPhone = await this.db('customer_logins as l').where('l.phone', name).first<LoginRow | undefined>(columns);
    if (byPhone) return byPhone;
    return this.db('customer_logins as l')
      .join('customer_login_accounts as a', 'a.login_id', 'l.id')
      .join('customers as c', 'c.id', 'a.customer_id')
      .whereRaw('upper(c.account_no) = upper(?)', [name])
      .first<LoginRow | undefined>(columns);
  }

  /** The account the details name, when number, name and the phone on file all match. */
  private async proof(input: { accountNo: string; name: string; phone: string }): Promise<AccountProof | null> {
    const account = await this.db('customers')
      .where('account_no', input.accountNo.trim())
      .first<AccountProof | undefined>('id', 'account_no', 'name', 'phone', 'department_id', 'status');
    if (!account || account.status === 'closed' || account.phone !== input.phone || !sameName(account.name, input.name))
      return null;
    return account;
  }

  /** Uses the registration code sent to the phone, then requires the details to name an account. */
  private async proveWithCode(
    input: { accountNo: string; name: string; phone: string; code: string },
    failure: string,
    client: Client,
    subject?: HallSession,
  ): Promise<AccountProof> {
    const codeOk = await this.sms.consume(input.phone, 'register', input.code);
    const account = codeOk ? await this.proof(input) : null;
    if (!account) {
      await this.audit.record(
        subject ? customerActor(subject.loginId, subject.displayName) : null,
        failure,
        'customer',
        input.accountNo,
        { actorType: 'customer', reason: codeOk ? 'details' : 'code' },
        ctxOf(client),
      );
      if (!codeOk) throw new Invalid('SMS_CODE_INVALID', 'wrong, expired or already used SMS code');
      throw new Invalid('ACCOUNT_NOT_PROVEN', 'the account number, name and phone do not match our records');
    }
    return account;
  }

  private record(
    loginId: string,
    displayName: string,
    action: string,
    account: AccountProof | null,
    client: Client,
    details: Record<string, unknown> = {},
  ) {
    return this.audit.record(
      { ...customerActor(loginId, displayName), departmentId: account?.department_id ?? null },
      action,
      account ? 'customer' : 'customer_login',
      account ? account.id : loginId,
      { actorType: 'customer', ...(account ? { accountNo: account.account_no } : {}), ...details },
      ctxOf(client),
    );
  }
}

/** The audit log's actor for a customer: ids are prefixed so they never read as a staff user's. */
function customerActor(loginId: string, displayName: string) {
  return { id: `customer:${loginId}`, displayName, departmentId: null };
}

function ctxOf(client: Client) {
  return { ip: client.ip, get: () => client.userAgent };
}

import type { Db } from '../db/index.js';

export interface ThrottleOptions {
  /** Failures for one account from one address before each further attempt waits. */
  maxFailures: number;
  /** Failures from one address, whatever the accounts, before each further attempt from it waits. */
  maxFailuresPerAddress: number;
  /** A counter is forgotten this long after its last failure and delay have passed. */
  windowMinutes: number;
  /** The first delay once a limit is reached; each further failure doubles it. */
  firstDelaySeconds: number;
  /** The longest delay: throttling slows guessing down, it never locks an account for good. */
  maxDelaySeconds: number;
}

/** Seconds to wait after `failures` counted against `limit`: none below it, then doubling up to the cap. */
export function throttleDelaySeconds(failures: number, limit: number, first: number, max: number): number {
  if (failures < limit) return 0;
  return Math.min(max, first * 2 ** Math.min(failures - limit, 30));
}

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: Date | string | null;
  blocked_until: Date | string | null;
}

const time = (value: Date | string | null): number => (value === null ? 0 : new Date(value).getTime());

/**
 * Login throttling by growing delays (OWASP Authentication and Credential Stuffing cheat sheets),
 * counted per (account, address) and per address. An attempt is counted as a failure *before*
 * the password is checked and refused without a check while a delay runs, so a burst of parallel
 * guesses cannot outrun the limit; a successful login takes its count back. Failures from one
 * address never slow the same account down from another address.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly options: ThrottleOptions,
    /** A realm's counters are its own (the customer hall's are `customer:…`): realms never slow each other. */
    private readonly realm = '',
  ) {}

  private keys(username: string, address: string) {
    const realm = this.realm ? `${this.realm}:` : '';
    return { pair: `${realm}account:${username}|address:${address}`, address: `${realm}address:${address}` };
  }

  private limit(key: string): number {
    return key.includes('|') ? this.options.maxFailures : this.options.maxFailuresPerAddress;
  }

  /**
   * Counts an attempt against both keys, or refuses it while a delay runs.
   * @returns null when the attempt may check its password, else the seconds to wait.
   */
  async reserve(username: string, address: string): Promise<number | null> {
    const { pair, address: addressKey } = this.keys(username, address);
    const o = this.options;
    // Both rows are locked (in key order, so two attempts cannot deadlock) and decided together:
    // a refused attempt counts against neither key, and parallel attempts queue on the locks.
    return this.db.transaction(async (trx) => {
      await trx('login_throttle')
        .insert([
          { key: pair, failures: 0 },
          { key: addressKey, failures: 0 },
        ])
        .onConflict('key')
        .ignore();
      const rows = await trx('login_throttle')
        .whereIn('key', [pair, addressKey])
        .orderBy('key')
        .forUpdate()
        .select<ThrottleRow[]>('key', 'failures', 'last_failure_at', 'blocked_until');
      // The time once the locks are held (not the transaction's start): a delay set by the attempt
      // this one waited for is measured from when it took effect.
      const clock = await trx.raw<{ rows: { now: Date | string }[] }>('SELECT clock_timestamp() AS now');
      const now = time(clock.rows[0]?.now ?? new Date());
      const waits = rows.map((r) => Math.ceil((time(r.blocked_until) - now) / 1000)).filter((s) => s > 0);
      if (waits.length) return Math.max(...waits);
      const counted = rows.map((row) => {
        const quietSince = Math.max(time(row.last_failure_at), time(row.blocked_until));
        const failures = (now - quietSince > o.windowMinutes * 60_000 ? 0 : Number(row.failures)) + 1;
        const delay = throttleDelaySeconds(failures, this.limit(row.key), o.firstDelaySeconds, o.maxDelaySeconds);
        return [row.key, failures, new Date(now), delay ? new Date(now + delay * 1000) : null] as const;
      });
      // Both rows in one statement.
      await trx.raw(
        `UPDATE login_throttle AS t SET failures = v.failures, last_failure_at = v.at, blocked_until = v.until
           FROM (VALUES ${counted.map(() => '(?::text, ?::int, ?::timestamptz, ?::timestamptz)').join(', ')})
             AS v(key, failures, at, until)
          WHERE t.key = v.key`,
        counted.flat(),
      );
      return null;
    });
  }

  /** A correct password: the (account, address) counter starts over; the address takes back this attempt. */
  async succeeded(username: string, address: string): Promise<void> {
    const { pair, address: addressKey } = this.keys(username, address);
    // One statement, so both changes hold together without a transaction of their own.
    await this.db.raw(
      `WITH forgotten AS (DELETE FROM login_throttle WHERE key = ?)
       UPDATE login_throttle SET failures = GREATEST(failures - 1, 0),
         blocked_until = CASE WHEN failures - 1 < ? THEN NULL ELSE blocked_until END
       WHERE key = ?`,
      [pair, this.options.maxFailuresPerAddress, addressKey],
    );
  }
}

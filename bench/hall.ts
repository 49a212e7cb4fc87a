/**
 * bench/hall — N customers (default 2 000) signing in to the customer hall at once and loading
 * their home, bill list and one bill, over real HTTP on loopback like the browser (cookies, the
 * hall CSRF token).
 *
 *   npm run bench -- hall [--customers 2000] [--concurrency 2000] [--json]
 *
 * One production-mode server process on a fresh PostgreSQL database (the demo organisation and
 * tariffs, no demo customers). Seeded from the bench process, set-based: N customers with 13
 * months of readings, 12 months of bills from the billing run itself (one run per period over
 * all of them, as `generateDemoData` does) and payments, then one login per customer (its phone,
 * password demo1234, one argon2id hash for all). Each virtual customer then requests a sign-in
 * SMS code, reads it from the notifications outbox (the development gateway; one query every
 * 20 ms for every customer waiting, so the harness does not queue 2 000 reads on the database),
 * signs in through the real route with that code, loads home, the bill list and the newest bill.
 * Every customer comes from an address of its own (`X-Forwarded-For`, the server started with
 * TRUST_PROXY=true as the hall tests do): the per-address sign-in counter is the one limit that
 * would otherwise count 2 000 customers as one client.
 *
 * Reports p50/p95/p99 per request kind, errors, requests per second; `--json` ends with one line
 * `{ customers, requests, errors, signIn, home, bills, billDetail, … }`. Aim: p95 of home and bills
 * under 150 ms.
 */
import { loadavg } from 'node:os';
import { createDatabase, NO_DB_TIMEOUTS, type Db } from '../server/db/index.js';
import { generateDemoData, lastMonth } from '../server/db/demo-data.js';
import { DEMO_PASSWORD } from '../server/db/seed.js';
import { hashPassword } from '../server/identity/passwords.js';
import { shiftPeriod } from '../server/marketing/billing-periods.js';
import { ApiClient, type Response } from '../test/support/client.js';
import { freePort, ServerProcess } from '../test/support/server-process.js';
import { benchArgs, withBenchDatabase } from './support.js';
import { report, round, summary } from './stats.js';

const args = benchArgs();
const CUSTOMERS = Number(args.get('customers') ?? 2000);
const CONCURRENCY = Math.max(1, Number(args.get('concurrency') ?? CUSTOMERS));
const JSON_OUTPUT = process.argv.includes('--json');
const HALL = '/api/hall/v1';
const MONTHS = 13;
const KINDS = ['smsCode', 'signIn', 'home', 'bills', 'billDetail'] as const;
type Kind = (typeof KINDS)[number];

/**
 * N customers with bills a customer sees, and a login each. The generator's categories include
 * assessment metering points that are never billed, so a few more are generated than needed.
 */
async function seed(db: Db): Promise<{ phone: string }[]> {
  const last = lastMonth();
  await generateDemoData(db, { customers: Math.ceil(CUSTOMERS * 1.05) + 10, months: MONTHS, lastPeriod: last });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const chosen = await db.raw<{ rows: { phone: string }[] }>(
    `WITH chosen AS (
       SELECT c.id, c.name, c.phone FROM customers c
        WHERE EXISTS (SELECT 1 FROM bills b WHERE b.customer_id = c.id AND b.status IN ('issued', 'partly_paid', 'settled'))
        ORDER BY c.account_no LIMIT ?),
     logins AS (
       INSERT INTO customer_logins (id, phone, display_name, password_hash)
       SELECT md5('hall-login:' || id)::uuid, phone, name, ? FROM chosen RETURNING id, phone),
     linked AS (
       INSERT INTO customer_login_accounts (login_id, customer_id)
       SELECT md5('hall-login:' || id)::uuid, id FROM chosen)
     SELECT phone FROM logins ORDER BY phone`,
    [CUSTOMERS, passwordHash],
  );
  for (const table of ['customers', 'bills', 'payments', 'payment_allocations', 'customer_logins'])
    await db.raw(`VACUUM ANALYZE ${table}`);
  if (chosen.rows.length < CUSTOMERS) throw new Error(`only ${chosen.rows.length} customers have bills`);
  return chosen.rows;
}

/** The SMS codes of the customers waiting for one, read from the outbox together every 20 ms. */
class CodeReader {
  private readonly waiting = new Map<
    string,
    { resolve: (code: string) => void; reject: (e: Error) => void; at: number }
  >();
  private timer: NodeJS.Timeout | null = null;
  private reading = false;

  constructor(private readonly db: Db) {}

  code(phone: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.set(phone, { resolve, reject, at: performance.now() });
      this.timer ??= setInterval(() => void this.poll(), 20);
    });
  }

  private async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const phones = [...this.waiting.keys()];
      const rows = await this.db.raw<{ rows: { recipient: string; body: string }[] }>(
        `SELECT DISTINCT ON (recipient) recipient, body FROM notifications
          WHERE template = 'hall_sms_code' AND recipient = ANY(?::text[])
          ORDER BY recipient, created_at DESC`,
        [phones],
      );
      for (const row of rows.rows) {
        const code = /(\d{6})/.exec(row.body)?.[1];
        const waiter = this.waiting.get(row.recipient);
        if (!code || !waiter) continue;
        this.waiting.delete(row.recipient);
        waiter.resolve(code);
      }
      const now = performance.now();
      for (const [phone, waiter] of this.waiting)
        if (now - waiter.at > 60_000) {
          this.waiting.delete(phone);
          waiter.reject(new Error(`no code was sent to ${phone} within 60 s`));
        }
    } finally {
      this.reading = false;
      if (this.waiting.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }
}

export async function run(): Promise<void> {
  await withBenchDatabase('pmbench_hall', async (url) => {
    const server = new ServerProcess(await freePort(), {
      DATABASE_URL: url,
      DEMO_DATA: 'true',
      DEMO_CUSTOMERS: '0',
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
      JOB_POLL_MS: '1000',
      NODE_ID: 'bench-hall',
    });
    const db = createDatabase({ databaseUrl: url, timeouts: NO_DB_TIMEOUTS, poolMax: 4 });
    try {
      await server.start();
      const t0 = performance.now();
      const logins = await seed(db);
      const seedSeconds = (performance.now() - t0) / 1000;
      const bills = Number((await db('bills').count<{ n: string }[]>('* as n'))[0]?.n ?? 0);

      const codes = new CodeReader(db);
      const samples: Record<Kind, number[]> = { smsCode: [], signIn: [], home: [], bills: [], billDetail: [] };
      const errors: { kind: Kind; status: number; code: string }[] = [];
      let requests = 0;

      /** One request of a kind, timed; false (and an error counted) unless it answered `expected`. */
      async function timed(kind: Kind, expected: number, send: () => Promise<Response>): Promise<Response | null> {
        const start = performance.now();
        let res: Response;
        try {
          res = await send();
        } catch (err) {
          requests += 1;
          // No answer at all: the cause says which (a refused or reset connection, a timeout).
          const cause = (err as Error & { cause?: { code?: string } }).cause;
          errors.push({ kind, status: 0, code: cause?.code ?? String((err as Error).message) });
          return null;
        }
        requests += 1;
        samples[kind].push(performance.now() - start);
        if (res.status !== expected) {
          errors.push({ kind, status: res.status, code: String((res.body as { code?: string })?.code ?? '') });
          return null;
        }
        return res;
      }

      async function customer(phone: string, index: number): Promise<void> {
        const client = new ApiClient(server.url);
        // A private address of its own: 10/8 has room for every customer.
        const from = { 'x-forwarded-for': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` };
        const get = (path: string) => client.request('GET', `${HALL}${path}`, undefined, from);
        const sent = await timed('smsCode', 202, () =>
          client.request('POST', `${HALL}/sms-codes`, { purpose: 'sign-in', loginName: phone }, from),
        );
        if (!sent) return;
        const code = await codes.code(phone).catch(() => null);
        if (code === null) {
          errors.push({ kind: 'smsCode', status: 202, code: 'NO_CODE_IN_OUTBOX' });
          return;
        }
        const session = await timed('signIn', 200, () =>
          client.request('POST', `${HALL}/session`, { loginName: phone, password: DEMO_PASSWORD, code }, from),
        );
        if (!session) return;
        client.csrf = (session.body as { csrfToken: string }).csrfToken;
        const accountId = (session.body as { me: { accounts: { id: string }[] } }).me.accounts[0]?.id;
        if (!accountId) {
          errors.push({ kind: 'signIn', status: 200, code: 'NO_ACCOUNT' });
          return;
        }
        if (!(await timed('home', 200, () => get(`/accounts/${accountId}/home`)))) return;
        const list = await timed('bills', 200, () => get(`/accounts/${accountId}/bills`));
        const billId = (list?.body as { items?: { id: string }[] } | undefined)?.items?.[0]?.id;
        if (!billId) {
          if (list) errors.push({ kind: 'bills', status: 200, code: 'NO_BILL' });
          return;
        }
        await timed('billDetail', 200, () => get(`/accounts/${accountId}/bills/${billId}`));
      }

      const t1 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, logins.length) }, async () => {
          while (next < logins.length) {
            const index = next++;
            await customer((logins[index] as { phone: string }).phone, index);
          }
        }),
      );
      const seconds = (performance.now() - t1) / 1000;
      const figures = Object.fromEntries(
        KINDS.map((kind) => {
          const { count, p50, p95, p99, max } = summary(samples[kind]);
          return [kind, { count, p50, p95, p99, max }];
        }),
      ) as Record<Kind, ReturnType<typeof summary>>;
      const errorsByKind: Record<string, number> = {};
      for (const e of errors)
        errorsByKind[`${e.kind} ${e.status} ${e.code}`] = (errorsByKind[`${e.kind} ${e.status} ${e.code}`] ?? 0) + 1;
      const loadAverage = loadavg().map((x) => round(x, 2));
      report(`hall: ${logins.length.toLocaleString('en')} customers sign in, load home, bills and a bill`, {
        'customers, concurrency': [logins.length, Math.min(CONCURRENCY, logins.length)],
        'bills in the database': bills,
        'periods billed': `${shiftPeriod(lastMonth(), -(MONTHS - 2))} … ${lastMonth()}`,
        'seed s': round(seedSeconds, 1),
        'SMS code request ms': figures.smsCode,
        'sign-in ms': figures.signIn,
        'home ms': figures.home,
        'bill list ms': figures.bills,
        'bill detail ms': figures.billDetail,
        requests,
        errors: errors.length,
        'errors by kind': errorsByKind,
        'load phase s': round(seconds, 1),
        'requests per second': round(requests / seconds, 1),
        'load average': loadAverage,
      });
      if (JSON_OUTPUT) {
        const pick = (kind: Kind) => ({ p50: figures[kind].p50, p95: figures[kind].p95, p99: figures[kind].p99 });
        process.stdout.write(
          `${JSON.stringify({
            customers: logins.length,
            requests,
            errors: errors.length,
            signIn: pick('signIn'),
            home: pick('home'),
            bills: pick('bills'),
            billDetail: pick('billDetail'),
            smsCode: pick('smsCode'),
            seconds: round(seconds, 1),
            requestsPerSecond: round(requests / seconds, 1),
            loadAverage,
          })}\n`,
        );
      }
    } finally {
      await server.stop();
      await db.destroy().catch(() => undefined);
    }
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../../server/domain/decimal.js';
import { shanghaiDateOf } from '../../../server/domain/calendar/index.js';
import type { TariffDefinition } from '../../../server/domain/tariffs/index.js';
import { demoHallLogins, seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { projectedCustomer } from '../../../server/hall/estimate.js';
import { HALL_GATES } from '../../../server/hall/gate.js';
import { TestClock } from '../../../server/lib/clock.js';
import { loadChunk } from '../../../server/marketing/billing-chunk.js';
import { computeBill } from '../../../server/marketing/billing-compute.js';
import { shiftPeriod } from '../../../server/marketing/billing-periods.js';
import { tariffFor } from '../../../server/marketing/billing-tariffs.js';
import { BACKENDS } from '../../support/database.js';
import { ApiClient } from '../../support/client.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

const HALL = '/api/hall/v1';

/**
 * What bench/hall measures, held by tests: many sign-ins at once (more than the hall's password
 * gate lets run together), the home estimate read in fewer round trips than the billing run's two
 * chunks but to the same result, and the bills read through their customer index.
 */
describe.each(BACKENDS)('the customer hall under many customers (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T12:00:00+08:00`);

  async function codeSentTo(phone: string): Promise<string> {
    const row = await db()('notifications')
      .where({ recipient: phone, template: 'hall_sms_code' })
      .orderBy('created_at', 'desc')
      .first<{ body: string }>('body');
    const code = /(\d{6})/.exec(row?.body ?? '')?.[1];
    if (!code) throw new Error(`no code was sent to ${phone}`);
    return code;
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { TRUST_PROXY: 'true' }, clock });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
  }, 240_000);
  afterAll(() => t?.close());

  it('signs in every demo login at once, more than the password gate runs together, each to its own accounts', async () => {
    // given every demo login with a sign-in code, requested all at once
    const logins = demoHallLogins();
    expect(logins.length).toBeGreaterThan(HALL_GATES.passwords.limit);
    const sent = await Promise.all(
      logins.map((l, i) =>
        t.anonymous().request(
          'POST',
          `${HALL}/sms-codes`,
          { purpose: 'sign-in', loginName: l.phone },
          {
            'x-forwarded-for': `198.51.100.${10 + i}`,
          },
        ),
      ),
    );
    expect(sent.map((r) => r.status)).toEqual(logins.map(() => 202));
    const codes = await Promise.all(logins.map((l) => codeSentTo(l.phone)));

    // when they all sign in at once, each from an address of its own
    const clients = logins.map(() => new ApiClient(t.url));
    const signedIn = await Promise.all(
      logins.map((l, i) =>
        clients[i]!.request(
          'POST',
          `${HALL}/session`,
          { loginName: l.phone, password: 'demo1234', code: codes[i] },
          { 'x-forwarded-for': `198.51.100.${10 + i}` },
        ),
      ),
    );

    // then every one is in, and its session (read back in one statement) holds its accounts in order
    expect(signedIn.map((r) => r.status)).toEqual(logins.map(() => 200));
    const accounts = await Promise.all(clients.map((c) => c.get(`${HALL}/accounts`)));
    expect(accounts.map((r) => r.body.items.map((a: { accountNo: string }) => a.accountNo))).toEqual(
      logins.map((l) => l.accounts.map((a) => a.accountNo)),
    );
  });

  it("estimates every demo account's month exactly as pricing the billing run's own reading of the last month would", async () => {
    // A minute after the codes of the sign-ins above: one code a minute per phone.
    clock.advance(61_000);
    const client = new ApiClient(t.url);
    const phone = '13900000002';
    expect((await client.post(`${HALL}/sms-codes`, { purpose: 'sign-in', loginName: phone })).status).toBe(202);
    const session = await client.post(`${HALL}/session`, {
      loginName: phone,
      password: 'demo1234',
      code: await codeSentTo(phone),
    });
    expect(session.status).toBe(200);
    const period = shanghaiDateOf(new Date(clock.now())).slice(0, 7);
    const catalogue = new Map(
      ((await db()('tariffs').select('definition')) as { definition: TariffDefinition }[]).map((r) => [
        r.definition.code,
        r.definition,
      ]),
    );
    // The household and the shop of one login: calendar days and working days.
    for (const account of session.body.me.accounts as { id: string; elecTypeCode: string }[]) {
      const home = await client.get(`${HALL}/accounts/${account.id}/home`);
      expect(home.status).toBe(200);
      expect(home.body.estimate).not.toBeNull();
      const scope = { departmentPath: null, customerId: account.id };
      const [current] = await loadChunk(db(), { period, ...scope }, null, 1);
      const [last] = await loadChunk(db(), { period: shiftPeriod(period, -1), ...scope }, null, 1);
      const customer = (await db()('customers').where({ id: account.id }).first('tariff_code')) as {
        tariff_code: string | null;
      };
      const tariff = tariffFor(account.elecTypeCode, customer.tariff_code, catalogue);
      const outcome = computeBill(
        projectedCustomer(current!, last!, dec(home.body.estimate.kwh))!,
        period,
        new Map([[tariff.code, tariff]]),
      );
      expect(outcome.kind).toBe('bill');
      if (outcome.kind !== 'bill') continue;
      expect(home.body.estimate.amount).toBe(outcome.bill.total);
      expect(home.body.estimate.lines).toEqual(outcome.bill.lines);
    }
  });

  it("reads one customer's bills, newest first, through the customer index rather than the whole table", async () => {
    const customerId = (await db()('customer_login_accounts').first<{ customer_id: string }>('customer_id'))
      .customer_id;
    const plan = await db().transaction(async (trx) => {
      // Few rows here: forbid the sequential scan the planner would pick on a table this small.
      await trx.raw('SET LOCAL enable_seqscan = off');
      const explained = await trx.raw<{ rows: { 'QUERY PLAN': string }[] }>(
        `EXPLAIN SELECT id FROM bills WHERE customer_id = ? AND status = ANY(?::text[])
          ORDER BY period DESC, issued_at DESC LIMIT 20`,
        [customerId, '{issued,partly_paid,settled,written_off}'],
      );
      return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('bills_customer_period_index');
    expect(plan).not.toMatch(/\bSort\b/);
  });
});

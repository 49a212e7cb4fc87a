import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { TestClock, utilityToday } from '../../../server/lib/clock.js';
import { deadlineCalendar } from '../../../server/lib/deadlines.js';
import { BACKENDS } from '../../support/database.js';
import { ApiClient } from '../../support/client.js';
import { HALL, signInToHallApi } from './sign-in.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

const LIMITS = { maxFailures: 3, maxFailuresPerAddress: 50, firstDelaySeconds: 60, maxDelaySeconds: 200 };
// Demo logins (server/hall/demo-customers.ts): the two-part factory (large industry, 630 kVA, Yuhang),
// 赵丽's household, 王小明's household, 李华's home and shop (Xihu).
const FACTORY = { phone: '13900000005', accountNo: 'H3301000005' };
const ZHAO = { phone: '13900000006', accountNo: 'H3301000006' };
const WANG = { phone: '13900000001', accountNo: 'H3301000001' };
const LI = { phone: '13900000002', shop: 'H3301000003' };

type Words = { zh: string; en: string };
type Detail = {
  id: string;
  number: string;
  kind: string;
  state: string;
  currentStep: Words | null;
  refusalReason: string | null;
  timeline: { code: string; title: Words }[];
};

/*
 * Changes of service (DOMAIN.md §9) applied for in the hall: each starts the real process with
 * channel 'online hall' and the applicant, is listed with the login's other applications, and
 * shows its steps in customer words. Monday 9 June 2025, 10:00 in Shanghai.
 */
describe.each(BACKENDS)('changes of service from the customer hall (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  const clock = new TestClock('2025-06-09T10:00:00+08:00');
  const accounts: Record<string, string> = {};
  const logins: Record<string, string> = {};
  const clients: Record<string, ApiClient> = {};

  const signIn = (phone: string) => signInToHallApi(t, clock, phone);

  const instances = async () =>
    Number(
      (
        await db()('process_instances')
          .whereIn('definition_key', ['capacity-change', 'ownership-transfer', 'account-closure'])
          .count<{ n: string }[]>('* as n')
      )[0]!.n,
    );

  /** Applies; answers the application once its process waits or ended. */
  async function apply(client: ApiClient, kind: string, body: Record<string, unknown>): Promise<Detail> {
    const res = await client.post(`${HALL}/applications/${kind}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await t.platform.executor.drain();
    return (await client.get(`${HALL}/applications/${res.body.id}`)).body as Detail;
  }

  const workingDaysAhead = (n: number) => deadlineCalendar().addWorkingDays(utilityToday(clock), n);

  beforeAll(async () => {
    t = await startTestPlatform(backend, { auth: LIMITS, clock });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
    for (const [name, who] of Object.entries({ FACTORY, ZHAO, WANG, LI })) {
      const no = 'accountNo' in who ? who.accountNo : who.shop;
      accounts[name] = (await db()('customers').where({ account_no: no }).first<{ id: string }>('id')).id;
      logins[name] = (await db()('customer_logins').where({ phone: who.phone }).first<{ id: string }>('id')).id;
      clients[name] = await signIn(who.phone);
    }
  }, 240_000);
  afterAll(() => t?.close());

  it('starts a suspension of the two-part factory as the real process, listed with its steps', async () => {
    // given the factory's offer: suspension and reduction (nothing sealed yet, so no restoration)
    const offers = (await clients.FACTORY!.get(`${HALL}/applications/changes`)).body.items;
    expect(offers).toEqual([
      {
        accountId: accounts.FACTORY,
        kinds: ['suspension', 'capacity-reduction', 'ownership-transfer', 'account-closure'],
        capacityKva: 630,
      },
    ]);
    // when a suspension is applied for 6 working days ahead
    const plannedOn = workingDaysAhead(6);
    const app = await apply(clients.FACTORY!, 'suspension', {
      accountId: accounts.FACTORY,
      plannedOn,
      plannedEndOn: '2025-09-30',
      kva: 400,
    });
    // then it waits for the Yuhang clerk's acceptance, with the applicant on the instance
    expect(app).toMatchObject({ kind: 'suspension', state: 'in-progress', refusalReason: null });
    expect(app.number).toMatch(/^BG-H20250609-\d{6}$/);
    expect(app.currentStep).toEqual({ zh: '受理申请', en: 'Application accepted' });
    expect(app.timeline.map((s) => s.code)).toEqual(['CC01']);
    const row = await db()('process_instances')
      .where({ id: app.id })
      .first<{ definition_key: string; department_id: string; variables: Record<string, unknown> }>(
        'definition_key',
        'department_id',
        'variables',
      );
    expect(row.definition_key).toBe('capacity-change');
    expect(row.department_id).toBe('ZJ-HZ-YH');
    expect(row.variables).toMatchObject({
      channel: 'online hall',
      applicantLoginId: logins.FACTORY,
      customerId: accounts.FACTORY,
      changeCode: '203',
      plannedOn,
      accepted: true,
    });
    // audited as the customer, like the other hall applications
    const audit = await db()('audit_log')
      .where({ object_id: app.id, action: 'instance.start' })
      .first<{ actor_id: string }>('actor_id');
    expect(audit.actor_id).toBe(`customer:${logins.FACTORY}`);
    const list = (await clients.FACTORY!.get(`${HALL}/applications`)).body.items as Detail[];
    expect(list.find((a) => a.id === app.id)).toMatchObject({ kind: 'suspension', state: 'in-progress' });
  });

  it('lets the process refuse a suspension with too short a notice, and shows why', async () => {
    // when the suspension starts tomorrow (the policy asks for 5 working days)
    const app = await apply(clients.FACTORY!, 'suspension', {
      accountId: accounts.FACTORY,
      plannedOn: workingDaysAhead(1),
      plannedEndOn: '2025-09-30',
    });
    // then the process refuses it, naming the earliest day, and the timeline says so
    const earliest = workingDaysAhead(5);
    expect(app.state).toBe('refused');
    expect(app.refusalReason).toContain(`on or after ${earliest}`);
    expect(app.timeline.map((s) => [s.code, s.title.en])).toEqual([['CC_REFUSE_NOTICE', 'Not accepted']]);
  });

  it('starts a capacity reduction, a restoration, a transfer and a closure, each in the list', async () => {
    const reduction = await apply(clients.FACTORY!, 'capacity-reduction', {
      accountId: accounts.FACTORY,
      kva: 200,
      plannedOn: workingDaysAhead(7),
    });
    expect(reduction).toMatchObject({ kind: 'capacity-reduction', state: 'in-progress' });
    expect((await db()('process_instances').where({ id: reduction.id }).first()).variables).toMatchObject({
      changeCode: '201',
      kva: '200.00',
      channel: 'online hall',
    });

    // a restoration with nothing sealed is started, and the process refuses it
    const restoration = await apply(clients.FACTORY!, 'restoration', {
      accountId: accounts.FACTORY,
      restores: 'suspension',
      plannedOn: workingDaysAhead(2),
    });
    expect(restoration).toMatchObject({ kind: 'suspension-restoration', state: 'refused' });
    expect(restoration.refusalReason).toBe('no sealed capacity to restore');

    const transfer = await apply(clients.WANG!, 'ownership-transfer', {
      accountId: accounts.WANG,
      newOwnerName: '王新',
      newOwnerIdNo: '33010619900101123x',
      newOwnerPhone: '13700001111',
      transferOn: '2025-06-20',
      arrears: 'settled',
    });
    expect(transfer).toMatchObject({ kind: 'ownership-transfer', state: 'in-progress' });
    expect(transfer.number).toMatch(/^GH-H20250609-\d{6}$/);
    expect(transfer.timeline.map((s) => s.title.zh)).toEqual(['受理申请']);
    expect((await db()('process_instances').where({ id: transfer.id }).first()).variables).toMatchObject({
      newOwnerIdNo: '33010619900101123X',
      assumedInWriting: false,
      applicantLoginId: logins.WANG,
      channel: 'online hall',
    });

    const closure = await apply(clients.LI!, 'account-closure', {
      accountId: accounts.LI,
      closeOn: '2025-06-30',
      refundAccount: '6222 0212 0000 1234',
    });
    expect(closure).toMatchObject({ kind: 'account-closure', state: 'in-progress' });
    expect(closure.currentStep).toEqual({ zh: '受理申请', en: 'Application accepted' });
    expect((await db()('process_instances').where({ id: closure.id }).first()).variables).toMatchObject({
      closeOn: '2025-06-30',
      refundAccount: '6222 0212 0000 1234',
      channel: 'online hall',
    });

    // each is in its applicant's list, and nobody else's
    const ids = async (who: string) =>
      ((await clients[who]!.get(`${HALL}/applications`)).body.items as Detail[]).map((a) => a.id);
    expect(await ids('FACTORY')).toEqual(expect.arrayContaining([reduction.id, restoration.id]));
    expect(await ids('WANG')).toEqual([transfer.id]);
    expect(await ids('LI')).toEqual([closure.id]);
    expect((await clients.ZHAO!.get(`${HALL}/applications/${closure.id}`)).status).toBe(404);
  });

  it("refuses another login's account (404), a household's suspension (409) and bad input (400), starting nothing", async () => {
    const before = await instances();
    const plannedOn = workingDaysAhead(6);
    // another login's account: as if it did not exist
    const other = await clients.ZHAO!.post(`${HALL}/applications/suspension`, {
      accountId: accounts.FACTORY,
      plannedOn,
      plannedEndOn: '2025-09-30',
    });
    expect(other.status).toBe(404);
    const otherClosure = await clients.ZHAO!.post(`${HALL}/applications/account-closure`, {
      accountId: accounts.LI,
      closeOn: '2025-06-30',
      refundAccount: '6222 0212 0000 1234',
    });
    expect(otherClosure.status).toBe(404);
    // a household asks for a suspension or a reduction: not a two-part customer
    const household = await clients.ZHAO!.post(`${HALL}/applications/suspension`, {
      accountId: accounts.ZHAO,
      plannedOn,
      plannedEndOn: '2025-09-30',
    });
    expect(household.status).toBe(409);
    expect(household.body.code).toBe('NOT_TWO_PART');
    const reduction = await clients.ZHAO!.post(`${HALL}/applications/capacity-reduction`, {
      accountId: accounts.ZHAO,
      kva: 2,
      plannedOn,
    });
    expect(reduction.status).toBe(409);
    // and the household is offered neither
    const offer = (await clients.ZHAO!.get(`${HALL}/applications/changes`)).body.items;
    expect(offer).toEqual([
      { accountId: accounts.ZHAO, kinds: ['ownership-transfer', 'account-closure'], capacityKva: 8 },
    ]);
    // bad input
    const bad = async (kind: string, body: Record<string, unknown>) => {
      const res = await clients.FACTORY!.post(`${HALL}/applications/${kind}`, body);
      expect(res.status, `${kind} ${JSON.stringify(body)}`).toBe(400);
    };
    const factory = accounts.FACTORY;
    await bad('suspension', { accountId: factory, plannedOn: '2025-02-30', plannedEndOn: '2025-09-30' });
    await bad('suspension', { accountId: factory, plannedOn, plannedEndOn: '2025-06-01' });
    await bad('suspension', { accountId: factory, plannedOn, plannedEndOn: '2025-09-30', kva: 5000 });
    await bad('capacity-reduction', { accountId: factory, kva: 630, plannedOn });
    await bad('capacity-reduction', { accountId: factory, kva: -1, plannedOn });
    await bad('restoration', { accountId: factory, restores: 'everything', plannedOn });
    await bad('ownership-transfer', {
      accountId: factory,
      newOwnerName: '新主',
      newOwnerIdNo: '330106199001011234',
      newOwnerPhone: '12345',
      transferOn: '2025-06-20',
      arrears: 'settled',
    });
    await bad('ownership-transfer', {
      accountId: factory,
      newOwnerName: '新主',
      newOwnerIdNo: '330106199001011234',
      newOwnerPhone: '13700001111',
      transferOn: '2025-06-20',
      arrears: 'later',
    });
    await bad('account-closure', { accountId: factory, closeOn: '2025-06-30', refundAccount: 'abc' });
    await bad('account-closure', { accountId: 'not-a-guid', closeOn: '2025-06-30', refundAccount: '6222021200001234' });
    // unsigned
    expect((await t.anonymous().post(`${HALL}/applications/suspension`, {})).status).toBe(401);
    // then nothing was started
    await t.platform.executor.drain();
    expect(await instances()).toBe(before);
  });
});

import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { DEMO_PASSWORD } from '../db/seed.js';
import { lastMonth } from '../db/demo-data.js';
import { hashPassword } from '../identity/passwords.js';
import { seedDemoBankAccounts } from '../payments/bank-simulator.js';
import type { Actor } from '../lib/actor.js';
import type { Logger } from '../lib/logger.js';
import { executeBillingRun } from '../marketing/billing-run.js';
import { dueDateOf, shiftPeriod } from '../marketing/billing-periods.js';
import { dec } from '../domain/decimal.js';
import { shanghaiDateOf } from '../domain/calendar/index.js';
import type { InstancesService } from '../workflow/instances.service.js';
import type { TasksService } from '../tasks/tasks.service.js';

type Pays = 'all-due' | 'arrears';

interface DemoAccount {
  accountNo: string;
  name: string;
  address: string;
  phone: string;
  departmentId: string;
  elecTypeCode: string;
  voltageLevel: string;
  capacityKva: number;
  pfStandard: string | null;
  multiplier: number;
  tou: 'household' | 'business' | null;
  /** Register units a month, by month index: small swings, so no audit rule holds a bill. */
  units: (k: number) => number;
  reactive: boolean;
  maxDemand: number | null;
  pays: Pays;
  /** What the README says of the account. */
  who: string;
}

/** One login per phone; the accounts it holds. */
interface DemoLogin {
  phone: string;
  accounts: DemoAccount[];
}

const swing = (base: number, step: number) => (k: number) => base + step * (k % 3);

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

/** The hall's demo customers (README "Demo customers"): each in a different situation. */
export function demoHallLogins(): DemoLogin[] {
  const account = (
    a: Omit<DemoAccount, 'voltageLevel' | 'pfStandard' | 'multiplier' | 'reactive' | 'maxDemand'> &
      Partial<DemoAccount>,
  ): DemoAccount => ({
    voltageLevel: '0.22kV',
    pfStandard: null,
    multiplier: 1,
    reactive: false,
    maxDemand: null,
    ...a,
  });
  return [
    {
      phone: '13900000001',
      accounts: [
        account({
          accountNo: 'H3301000001',
          name: '王小明',
          address: '杭州市西湖区文三路 1 号 3 幢 201 室',
          phone: '13900000001',
          departmentId: XH,
          elecTypeCode: '202',
          capacityKva: 8,
          tou: 'household',
          units: swing(290, 10),
          pays: 'all-due',
          who: 'residential TOU household part-way through its tiers',
        }),
      ],
    },
    {
      phone: '13900000002',
      accounts: [
        account({
          accountNo: 'H3301000002',
          name: '李华',
          address: '杭州市西湖区古荡新村 12 幢 101 室',
          phone: '13900000002',
          departmentId: XH,
          elecTypeCode: '202',
          capacityKva: 8,
          tou: null,
          units: swing(180, 10),
          pays: 'all-due',
          who: 'one login holding two accounts: the home (flat-rate household)',
        }),
        account({
          accountNo: 'H3301000003',
          name: '李华',
          address: '杭州市西湖区古荡路 88 号 商铺',
          phone: '13900000002',
          departmentId: XH,
          elecTypeCode: '400',
          voltageLevel: '0.4kV',
          capacityKva: 50,
          tou: null,
          units: swing(1500, 50),
          pays: 'all-due',
          who: '… and the shop (general commercial, single-part, estimated by working days)',
        }),
      ],
    },
    {
      phone: '13900000004',
      accounts: [
        account({
          accountNo: 'H3301000004',
          name: '陈刚',
          address: '杭州市西湖区翠苑一区 5 幢 402 室',
          phone: '13900000004',
          departmentId: XH,
          elecTypeCode: '202',
          capacityKva: 8,
          tou: null,
          units: swing(240, 10),
          pays: 'arrears',
          who: 'household with arrears: the last two bills unpaid, a late fee accruing',
        }),
      ],
    },
    {
      phone: '13900000005',
      accounts: [
        account({
          accountNo: 'H3301000005',
          name: '杭州明远机械有限公司',
          address: '杭州市余杭区良渚街道 工业园 18 号',
          phone: '13900000005',
          departmentId: YH,
          elecTypeCode: '100',
          voltageLevel: '10kV',
          capacityKva: 630,
          pfStandard: '0.90',
          multiplier: 100,
          tou: 'business',
          units: swing(1100, 40),
          reactive: true,
          maxDemand: 3.6,
          pays: 'all-due',
          who: 'two-part business customer (large industry, 630 kVA, TOU, PF 0.90)',
        }),
      ],
    },
    {
      phone: '13900000006',
      accounts: [
        account({
          accountNo: 'H3301000006',
          name: '赵丽',
          address: '杭州市西湖区留下街道 杨家牌楼 6 号',
          phone: '13900000006',
          departmentId: XH,
          elecTypeCode: '201',
          capacityKva: 8,
          tou: null,
          units: swing(150, 10),
          pays: 'all-due',
          who: 'household with a new-connection application in progress (YK-HALL-0001)',
        }),
      ],
    },
  ];
}

/** README / `npm start` lines: `login / password` — customer, who, account. */
export function demoHallLoginLines(): string[] {
  return demoHallLogins().flatMap((login) =>
    login.accounts.map((a) => `${login.phone} / ${DEMO_PASSWORD} — ${a.name}, ${a.who}, ${a.accountNo}`),
  );
}

const MONTHS = 13;

/**
 * Registers of one month: cumulative units since a start value; a TOU household splits 60 % peak /
 * 40 % valley, a business 40 % peak / 35 % flat / 25 % valley, so the TOU registers add up to the
 * total exactly (audit rule 5).
 */
function readingsOf(a: DemoAccount, meterId: string, first: string) {
  let total = dec(1000);
  let peak = dec(600);
  let flat = dec(a.tou === 'business' ? 250 : 0);
  let valley = dec(a.tou === 'business' ? 150 : 400);
  let reactive = dec(400);
  const rows = [];
  for (let k = 0; k < MONTHS; k++) {
    const units = dec(a.units(k));
    if (k > 0) {
      total = total.plus(units);
      const p = units.times(a.tou === 'business' ? 0.4 : 0.6).toDecimalPlaces(2);
      const f = a.tou === 'business' ? units.times(0.35).toDecimalPlaces(2) : dec(0);
      peak = peak.plus(p);
      flat = flat.plus(f);
      valley = valley.plus(units.minus(p).minus(f));
      reactive = reactive.plus(units.times(0.4).toDecimalPlaces(2));
    }
    const period = shiftPeriod(first, k);
    rows.push({
      id: randomUUID(),
      meter_id: meterId,
      period,
      total: total.toFixed(2),
      peak: a.tou ? peak.toFixed(2) : null,
      flat: a.tou === 'business' ? flat.toFixed(2) : null,
      valley: a.tou ? valley.toFixed(2) : null,
      reactive_kvarh: a.reactive ? reactive.toFixed(2) : null,
      max_demand_kw: a.maxDemand === null ? null : a.maxDemand.toFixed(2),
      reading_type: '01',
      read_at: new Date(`${period}-27T01:00:00Z`),
      recorded_by: 'demo',
    });
  }
  return rows;
}

/**
 * The hall's demo customers, their logins (password demo1234), meters, 13 months of readings up to
 * last month, bills from the billing run itself, and payments: every bill paid a few days before
 * its due date once that date has passed — except the arrears customer's last two. Created only
 * with the demo data; idempotent (skipped when the first demo account exists).
 */
export async function seedDemoHallCustomers(db: Db, logger?: Logger, now = new Date()): Promise<boolean> {
  const logins = demoHallLogins();
  // Seeded before the early return, so a demo database made before the simulator existed gets them.
  await seedDemoBankAccounts(db);
  const exists = await db('customers')
    .where({ account_no: logins[0]?.accounts[0]?.accountNo ?? '' })
    .first<{ id: string } | undefined>('id');
  if (exists) return false;
  const last = lastMonth(now);
  const first = shiftPeriod(last, -(MONTHS - 1));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: { id: string; spec: DemoAccount }[] = [];
  await db.transaction(async (trx) => {
    for (const login of logins) {
      const loginId = randomUUID();
      await trx('customer_logins').insert({
        id: loginId,
        phone: login.phone,
        display_name: login.accounts[0]?.name ?? login.phone,
        password_hash: passwordHash,
      });
      for (const a of login.accounts) {
        const id = randomUUID();
        const meterId = randomUUID();
        await trx('customers').insert({
          id,
          account_no: a.accountNo,
          name: a.name,
          address: a.address,
          phone: a.phone,
          department_id: a.departmentId,
          elec_type_code: a.elecTypeCode,
          voltage_level: a.voltageLevel,
          capacity_kva: a.capacityKva,
          pf_standard: a.pfStandard,
          credit_grade: a.pays === 'arrears' ? 'B' : 'A',
          status: 'active',
        });
        await trx('meters').insert({
          id: meterId,
          asset_no: `HALL-${a.accountNo}`,
          customer_id: id,
          accuracy_class: a.multiplier > 1 ? '0.5S' : '2.0',
          multiplier: a.multiplier,
          register_digits: 8,
          tou_capable: a.tou !== null,
          device_class: a.multiplier > 1 ? 'III' : 'V',
          install_date: `${shiftPeriod(first, -24)}-10`,
          last_test_date: `${shiftPeriod(first, -24)}-10`,
        });
        await trx('readings').insert(readingsOf(a, meterId, first));
        await trx('customer_login_accounts').insert({ login_id: loginId, customer_id: id });
        accounts.push({ id, spec: a });
      }
    }
  });
  for (const { id } of accounts) {
    for (let k = 1; k < MONTHS; k++) {
      const run = randomUUID();
      const period = shiftPeriod(first, k);
      await db('billing_runs').insert({ id: run, period, node_id: 'demo-data', started_by: 'demo' });
      await executeBillingRun(db, run, { period, departmentPath: null, customerId: id }, 'demo');
    }
  }
  // A bill the demo's audit rules held is released as the auditor would: the demo shows issued bills.
  const ids = accounts.map((a) => a.id);
  const held = await db('bills').whereIn('customer_id', ids).where({ status: 'held' }).select<
    {
      id: string;
      period: string;
    }[]
  >('id', 'period');
  for (const bill of held)
    await db('bills')
      .where({ id: bill.id })
      .update({ status: 'issued', due_date: dueDateOf(bill.period) });
  await payDemoBills(db, accounts, last, now);
  logger?.info({ accounts: accounts.length }, 'customer hall demo customers created');
  return true;
}

async function payDemoBills(db: Db, accounts: { id: string; spec: DemoAccount }[], last: string, now: Date) {
  const today = shanghaiDateOf(now);
  for (const { id, spec } of accounts) {
    const bills = await db('bills')
      .where({ customer_id: id, status: 'issued' })
      .orderBy('period')
      .select<{ id: string; period: string; total: string; due_date: string }[]>(
        'id',
        'period',
        db.raw('total::text as total'),
        db.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
      );
    for (const bill of bills) {
      const unpaid = spec.pays === 'arrears' && bill.period >= shiftPeriod(last, -1);
      if (unpaid || bill.due_date >= today || dec(bill.total).isZero()) continue;
      const paymentId = randomUUID();
      const paidAt = new Date(`${bill.due_date}T02:00:00Z`);
      paidAt.setUTCDate(paidAt.getUTCDate() - 3);
      await db.transaction(async (trx) => {
        await trx('payments').insert({
          id: paymentId,
          customer_id: id,
          kind: 'payment',
          channel: 'app',
          amount: bill.total,
          paid_at: paidAt,
          idempotency_key: `demo-hall:${bill.id}`,
          created_by: 'demo',
        });
        await trx('payment_allocations').insert({ payment_id: paymentId, bill_id: bill.id, amount: bill.total });
        await trx('bills').where({ id: bill.id }).update({ paid_amount: bill.total, status: 'settled' });
      });
    }
  }
}

/**
 * The demo customer's application in progress (business key YK-HALL-0001): a new connection for a
 * second property, applied for online by 赵丽's login (channel 'online hall', applicant on the
 * instance), accepted by the Xihu clerk and surveyed — so it waits for her to sign the supply
 * contract in the hall. Started with the demo processes; idempotent.
 */
export async function seedDemoHallApplication(
  db: Db,
  instances: Pick<InstancesService, 'start'>,
  clerk: Actor,
  staff?: {
    tasks: Pick<TasksService, 'claim' | 'complete'>;
    actorOf: (username: string) => Promise<Actor | null>;
  },
): Promise<void> {
  const exists = await db('process_instances')
    .where({ business_key: 'YK-HALL-0001' })
    .first<{ id: string } | undefined>('id');
  if (exists) return;
  const applicant = demoHallLogins()[4]?.accounts[0];
  if (!applicant) return;
  const login = await db('customer_logins').where({ phone: applicant.phone }).first<{ id: string } | undefined>('id');
  const started = await instances.start(
    {
      definitionKey: 'new-connection',
      businessKey: 'YK-HALL-0001',
      departmentId: applicant.departmentId,
      variables: {
        customerName: applicant.name,
        phone: applicant.phone,
        address: '杭州市西湖区留下街道 杨家牌楼 8 号',
        acceptClass: '01',
        elecTypeCode: '202',
        capacityKva: 8,
        applicantAccountNo: applicant.accountNo,
        ...(login ? { applicantLoginId: login.id, channel: 'online hall' } : {}),
      },
    },
    login
      ? {
          ...clerk,
          id: `customer:${login.id}`,
          kind: 'system',
          username: `customer:${login.id}`,
          displayName: applicant.name,
        }
      : clerk,
  );
  if (!staff) return;
  const surveyor = await staff.actorOf('xh.surveyor');
  const steps: [Actor | null, string, Record<string, unknown>][] = [
    [clerk, 'A01', { acceptClass: '01', elecTypeCode: '202', capacityKva: 8, documentsMissing: false }],
    [surveyor, 'A02', { surveyDate: shanghaiDateOf(new Date()), surveyFindings: '表箱已具备，可直接接入' }],
  ];
  for (const [actor, elementId, variables] of steps) {
    if (!actor) return;
    const task = await db('tasks')
      .where({ instance_id: started.id, element_id: elementId, status: 'open' })
      .first<{ id: string } | undefined>('id');
    if (!task) return;
    await staff.tasks.claim(task.id, actor);
    await staff.tasks.complete(task.id, variables, actor);
  }
}

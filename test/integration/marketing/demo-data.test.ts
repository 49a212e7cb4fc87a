import { describe, expect, it } from 'vitest';
import { migrate } from '../../../server/db/index.js';
import { demoDataChecksum, generateDemoData } from '../../../server/db/demo-data.js';
import { seedBaseline, seedDemoOrganisation } from '../../../server/db/seed.js';
import { BACKENDS, createTestDatabase } from '../../support/database.js';

async function generated(backend: (typeof BACKENDS)[number], seed: string) {
  const database = await createTestDatabase(backend);
  try {
    await migrate(database.db);
    await seedBaseline(database.db);
    await seedDemoOrganisation(database.db);
    const summary = await generateDemoData(database.db, { customers: 1100, seed, months: 3, lastPeriod: '2025-03' });
    const held = await database.db('bills').where({ status: 'held' }).count<{ n: number }[]>('* as n');
    const arrears = await database
      .db('bills')
      .whereIn('status', ['issued', 'partly_paid'])
      .where('period', '<', '2025-03');
    // main meters with sub-meters behind them (audit rule 8), each sub-meter a household of the building's department
    const subMeters = await database
      .db('meters as s')
      .join('meters as m', 'm.id', 's.main_meter_id')
      .join('customers as sc', 'sc.id', 's.customer_id')
      .join('customers as mc', 'mc.id', 'm.customer_id')
      .select(
        's.main_meter_id',
        'sc.elec_type_code as sub',
        'mc.elec_type_code as main',
        'sc.department_id as subDept',
        'mc.department_id as mainDept',
      );
    return {
      summary,
      subMeters,
      checksum: await demoDataChecksum(database.db),
      held: Number(held[0]?.n),
      arrears: arrears.length,
    };
  } finally {
    await database.drop();
  }
}

describe.each(BACKENDS)('the demo data generator (%s)', (backend) => {
  // One generation per case: each builds a database of its own (on PGlite a fresh migration), and
  // three of them in one case outlast a case's time on a loaded machine.
  let a: Awaited<ReturnType<typeof generated>>;

  it('generates customers, readings, held bills, arrears and sub-meters from a seed', async () => {
    a = await generated(backend, 'seed-1');
    expect(a.summary).toMatchObject({ customers: 1100, meters: 1100, readings: 3300, periods: ['2025-02', '2025-03'] });
    // anomalies trip audit rules, and some customers leave bills unpaid
    expect(a.held).toBeGreaterThan(0);
    expect(a.arrears).toBeGreaterThan(0);
    expect(a.summary.payments).toBeGreaterThan(0);
    // and some buildings have households (at most two each) metered behind their main meter
    const perMain = new Map<string, number>();
    for (const s of a.subMeters) perMain.set(s.main_meter_id, (perMain.get(s.main_meter_id) ?? 0) + 1);
    expect(perMain.size).toBeGreaterThan(3);
    expect([...perMain.values()].filter((n) => n === 2).length).toBeGreaterThan(3);
    expect([...perMain.values()].every((n) => n <= 2)).toBe(true);
    expect(a.subMeters.every((s) => s.main === '400' && s.sub === '202' && s.subDept === s.mainDept)).toBe(true);
  }, 60_000);

  it('makes the same rows from the same seed', async () => {
    expect((await generated(backend, 'seed-1')).checksum).toBe(a.checksum);
  }, 60_000);

  it('makes other rows from another seed', async () => {
    expect((await generated(backend, 'seed-2')).checksum).not.toBe(a.checksum);
  }, 60_000);
});

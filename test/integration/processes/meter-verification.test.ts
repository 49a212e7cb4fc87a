import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { openSteps, waitForTask, work } from '../../support/processes.js';
import { instance, start } from '../../support/workflow.js';

/** An hour of a day in Asia/Shanghai, as an instant. */
const at = (date: string, hour = 9) => new Date(Date.parse(`${date}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();

describe.each(BACKENDS)('meter verification (计量装置校验), end to end through the API (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock(at('2025-03-03'));

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
  });
  afterAll(() => t?.close());

  async function customerWithMeter(
    accountNo: string,
    meter: { assetNo: string; accuracyClass: string; deviceClass: string; installDate: string; lastTestDate?: string },
  ) {
    const clerk = await t.as('xh.clerk');
    const customer = await clerk.post('/api/v1/customers', {
      accountNo,
      name: `客户 ${accountNo}`,
      phone: '13800001234',
      elecTypeCode: meter.deviceClass === 'V' ? '202' : '400',
      departmentId: 'ZJ-HZ-XH',
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const installed = await (await t.as('xh.meter')).post(`/api/v1/customers/${customer.body.id}/meters`, meter);
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    return { customerId: customer.body.id as string, meterId: installed.body.id as string };
  }

  it('tests a customer-requested meter +3 % fast: replaced, 174.76 kWh refunded, fee refunded, notified (DOMAIN.md §3)', async () => {
    // given a household class 2.0 meter and the customer's request on Monday 3 March 2025 (type 304)
    clock.set(at('2025-03-03'));
    const { customerId, meterId } = await customerWithMeter('3300000101', {
      assetNo: 'MV-HH-0101',
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2023-05-10',
    });
    const clerk = await t.as('xh.clerk');
    const { id } = await start(clerk, 'meter-verification', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'SQ304-2025-0001',
      variables: { origin: 'customer', applicationType: '304', meterAssetNo: 'MV-HH-0101' },
    });
    await work(t, 'xh.clerk', id, 'MV01', { testFee: 50, testFeePaid: true });

    // the result is due within 5 WD: the end of Monday 10 March
    const leader = await t.as('xh.leader');
    const schedule = await waitForTask(leader, id, 'MV02');
    expect(new Date(schedule.dueAt as string).toISOString()).toBe('2025-03-10T15:59:59.999Z');
    // (the whole order's deadline too, which the monitor's SLA alerts watch)
    expect((await instance(leader, id)).dueAt).toBe('2025-03-10T15:59:59.999Z');
    await work(t, 'xh.leader', id, 'MV02', { scheduledOn: '2025-03-04', testTechnician: 'xh.meter' });

    // the technician's invalid entries are refused with field errors
    const technician = await t.as('xh.meter');
    const test = await waitForTask(technician, id, 'MV03');
    await technician.post(`/api/v1/tasks/${test.id}/claim`);
    const bad = await technician.post(`/api/v1/tasks/${test.id}/complete`, {
      variables: { errorPercent: 'three', recordedKwh: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string; reason: string }) => `${d.field}:${d.reason}`)).toEqual([
      'errorPercent:type',
      'recordedKwh:min',
      'testedOn:required',
    ]);
    expect(await openSteps(technician, id)).toEqual(['MV03']);

    // when the meter tests +3 % over 12 000 kWh (beyond ±2 %)
    clock.set(at('2025-03-04'));
    await work(t, 'xh.meter', id, 'MV03', { errorPercent: 3, recordedKwh: 12000, testedOn: '2025-03-04' });
    expect((await instance(leader, id)).variables).toMatchObject({
      testResult: 'fail',
      allowedErrorPercent: '2',
      withinTolerance: false,
    });

    // then it must be replaced within 3 WD; on the 4th working day the team leader is told
    const replacement = await waitForTask(technician, id, 'MV04');
    expect(new Date(replacement.dueAt as string).toISOString()).toBe('2025-03-07T15:59:59.999Z');
    clock.set(at('2025-03-10', 8));
    await t.platform.executor.drain();
    const escalation = await waitForTask(leader, id, 'MV04_ESC');
    expect(escalation.candidateGroups).toEqual(['team_leader']);
    await work(t, 'xh.leader', id, 'MV04_ESC', { escalationAction: 'urged', escalationComment: '今日必须换表' });
    await work(t, 'xh.meter', id, 'MV04', {
      newMeterAssetNo: 'MV-HH-0102',
      newMeterAccuracyClass: '2.0',
      replacedOn: '2025-03-10',
    });

    // the adjustment: true 11 650.49, delta −349.51, half of it refunded: 174.76 kWh
    const approval = await waitForTask(leader, id, 'MV05');
    const form = await leader.get(`/api/v1/tasks/${approval.id}/form`);
    expect(form.body.data).toMatchObject({ adjustKwh: '-174.76', adjustDirection: 'refund' });
    expect((await instance(leader, id)).variables).toMatchObject({
      trueKwh: '11650.49',
      deltaKwh: '-349.51',
      adjustKwh: '-174.76',
    });
    await work(t, 'xh.leader', id, 'MV05', { adjustmentApproved: 'yes' });

    // the fee is refunded, the meter replaced in the master data, and the customer told
    const done = await instance(leader, id);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ testFeeRefunded: true, refundAmount: '50' });
    const meters = (await technician.get(`/api/v1/customers/${customerId}/meters`)).body.items as {
      id: string;
      assetNo: string;
      status: string;
    }[];
    expect(meters.map((m) => [m.assetNo, m.status])).toEqual([
      ['MV-HH-0101', 'removed'],
      ['MV-HH-0102', 'in_service'],
    ]);
    expect(meters.find((m) => m.id === meterId)).toBeTruthy();
    const notices = await leader.get(`/api/v1/notifications?instanceId=${id}`);
    expect(notices.body.items).toEqual([expect.objectContaining({ template: 'meter_test_result', customerId })]);
    expect(notices.body.items[0].body).toContain('MV-HH-0101');
  });

  it('opens periodic test orders due within 30 days by device class, once, and closes a passed test', async () => {
    // given a class III meter last tested 20 March 2024 (due 20 March 2025, yearly) and a class II
    // meter tested 10 February 2025 (due 10 August 2025, half-yearly)
    await customerWithMeter('3300000201', {
      assetNo: 'PT-III-0201',
      accuracyClass: '1.0',
      deviceClass: 'III',
      installDate: '2024-03-10',
      lastTestDate: '2024-03-20',
    });
    await customerWithMeter('3300000202', {
      assetNo: 'PT-II-0202',
      accuracyClass: '0.5S',
      deviceClass: 'II',
      installDate: '2023-01-05',
      lastTestDate: '2025-02-10',
    });
    // and a class I meter commissioned on 1 February 2025, never tested on site (first test within 1 month)
    await customerWithMeter('3300000203', {
      assetNo: 'PT-I-0203',
      accuracyClass: '0.2S',
      deviceClass: 'I',
      installDate: '2025-02-01',
    });
    const jobs = t.platform.services.processes.dailyJobs;

    // when the daily job runs on 18 February 2025 (30 days before 20 March) at 03:30
    clock.set(at('2025-02-18', 2));
    expect(await jobs.tick()).not.toContain('meter-test-orders');
    clock.set(at('2025-02-18', 3));
    expect(await jobs.tick()).toContain('meter-test-orders');
    expect(await jobs.tick()).not.toContain('meter-test-orders');
    clock.set(at('2025-02-19', 4));
    await jobs.tick();

    // then one order per meter due within 30 days exists (not the class II meter, due in August)
    const leader = await t.as('xh.leader');
    const orders = await leader.get('/api/v1/process-instances?definitionKey=meter-verification&limit=200');
    const periodic = orders.body.items.filter((i: { businessKey: string }) => i.businessKey.startsWith('MV-PT-'));
    expect(periodic.map((i: { businessKey: string }) => i.businessKey).sort()).toEqual([
      'MV-PT-I-0203-2025-03-01',
      'MV-PT-III-0201-2025-03-20',
    ]);
    const id = periodic.find((i: { businessKey: string }) => i.businessKey.startsWith('MV-PT-III')).id as string;
    const schedule = await waitForTask(leader, id, 'MV02');
    expect(new Date(schedule.dueAt as string).toISOString()).toBe('2025-03-20T15:59:59.999Z');

    // and a test within ±1 % closes it with a notice, the fee untouched, the test date recorded
    await work(t, 'xh.leader', id, 'MV02', { scheduledOn: '2025-03-03' });
    clock.set(at('2025-03-03'));
    await work(t, 'xh.meter', id, 'MV03', { errorPercent: -0.8, recordedKwh: 250000, testedOn: '2025-03-03' });
    const done = await instance(leader, id);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ testResult: 'pass', withinTolerance: true });
    expect(done.variables.testFeeRefunded).toBeUndefined();
    const meter = await t.platform.db('meters').where({ asset_no: 'PT-III-0201' }).first();
    expect(meter.status).toBe('in_service');
    const notices = await leader.get(`/api/v1/notifications?instanceId=${id}`);
    expect(notices.body.items[0].body).toContain('合格');
    // the next day's run does not open it again
    clock.set(at('2025-03-04', 4));
    await jobs.tick();
    const again = await leader.get('/api/v1/process-instances?definitionKey=meter-verification&limit=200');
    expect(again.body.items.filter((i: { businessKey: string }) => i.businessKey.startsWith('MV-PT-'))).toHaveLength(2);
  });

  it('posts an approved refund as money on the account and tells the customer (DOMAIN.md §3 worked example, priced by month)', async () => {
    // given a household on ZJ-RES whose meter was last tested on 1 November 2024, billed 2 000 kWh
    // in October, then 600 kWh in November and December
    clock.set(at('2025-01-06'));
    const { customerId } = await customerWithMeter('3300000301', {
      assetNo: 'MV-HH-0301',
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2023-05-10',
      lastTestDate: '2024-11-01',
    });
    for (const [period, kwh, total] of [
      ['2024-10', '2000', '1076.00'],
      ['2024-11', '600', '322.80'],
      ['2024-12', '600', '344.80'],
    ] as const) {
      await t.platform.services.bills.issue(
        {
          customerId,
          period,
          total,
          dueDate: `${period}-28`,
          lines: [{ type: '01', label: 'Energy', quantity: kwh, unitPrice: '0.538', amount: total }],
        },
        SYSTEM_ACTOR,
      );
    }
    const leader = await t.as('xh.leader');
    const { id } = await start(leader, 'meter-verification', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'MV-PT-HH-0301',
      variables: { origin: 'periodic', meterAssetNo: 'MV-HH-0301', testDueOn: '2025-01-10' },
    });
    await work(t, 'xh.leader', id, 'MV02', { scheduledOn: '2025-01-08' });

    // when the meter tests +3 % over 12 000 kWh, is replaced, and the refund of 174.76 kWh approved
    clock.set(at('2025-01-08'));
    await work(t, 'xh.meter', id, 'MV03', { errorPercent: 3, recordedKwh: 12000, testedOn: '2024-12-20' });
    await work(t, 'xh.meter', id, 'MV04', {
      newMeterAssetNo: 'MV-HH-0302',
      newMeterAccuracyClass: '2.0',
      replacedOn: '2025-01-08',
    });
    await work(t, 'xh.leader', id, 'MV05', { adjustmentApproved: 'yes' });

    // then the 174.76 kWh are spread over November and December (87.38 each) and priced in their
    // tiers: November after 2 000 kWh −47.01, December after 2 600 kWh −55.75, −102.76 credited
    const done = await instance(leader, id);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ adjustKwh: '-174.76', adjustMoney: '-102.76', adjustmentPosting: 'credit' });
    const collector = await t.as('xh.collector');
    const payments = (await collector.get(`/api/v1/customers/${customerId}/payments`)).body.items;
    expect(payments).toEqual([expect.objectContaining({ kind: 'adjustment', amount: '102.76' })]);
    // the credit settles what it can of the oldest bill: 1 743.60 owed, 1 640.84 left
    const arrears = (await collector.get(`/api/v1/customers/${customerId}/arrears?asOf=2025-01-08`)).body;
    expect(arrears.totalArrears).toBe('1640.84');
    // on the record, and the customer has both notices: the money posted and the test result
    const audit = await t.platform
      .db('audit_log')
      .where({ action: 'metering.adjustment-posted', object_id: customerId })
      .select('details');
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({
      posting: 'credit',
      amount: '-102.76',
      months: [
        { month: '2024-11', adjustKwh: '-87.38', amount: '-47.01' },
        { month: '2024-12', adjustKwh: '-87.38', amount: '-55.75' },
      ],
    });
    const notices = (await leader.get(`/api/v1/notifications?instanceId=${id}`)).body.items as {
      template: string;
      body: string;
    }[];
    expect(notices.map((n) => n.template).sort()).toEqual(['adjustment_posted', 'meter_test_result']);
    expect(notices.find((n) => n.template === 'adjustment_posted')?.body).toContain('退补电费-102.76元');
  });

  it('posts nothing when the adjustment is not approved', async () => {
    clock.set(at('2025-01-06'));
    const { customerId } = await customerWithMeter('3300000401', {
      assetNo: 'MV-HH-0401',
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2023-05-10',
      lastTestDate: '2024-11-01',
    });
    await t.platform.services.bills.issue(
      {
        customerId,
        period: '2024-11',
        total: '322.80',
        dueDate: '2024-11-28',
        lines: [{ type: '01', label: 'Energy', quantity: '600', unitPrice: '0.538', amount: '322.80' }],
      },
      SYSTEM_ACTOR,
    );
    const leader = await t.as('xh.leader');
    const { id } = await start(leader, 'meter-verification', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'MV-PT-HH-0401',
      variables: { origin: 'periodic', meterAssetNo: 'MV-HH-0401', testDueOn: '2025-01-10' },
    });
    await work(t, 'xh.leader', id, 'MV02', { scheduledOn: '2025-01-08' });
    await work(t, 'xh.meter', id, 'MV03', { errorPercent: 3, recordedKwh: 12000, testedOn: '2024-12-20' });
    await work(t, 'xh.meter', id, 'MV04', {
      newMeterAssetNo: 'MV-HH-0402',
      newMeterAccuracyClass: '2.0',
      replacedOn: '2025-01-08',
    });
    await work(t, 'xh.leader', id, 'MV05', { adjustmentApproved: 'no' });
    expect((await instance(leader, id)).status).toBe('completed');
    expect(await t.platform.db('payments').where({ customer_id: customerId })).toEqual([]);
    expect(
      await t.platform.db('audit_log').where({ action: 'metering.adjustment-posted', object_id: customerId }),
    ).toEqual([]);
  });
});

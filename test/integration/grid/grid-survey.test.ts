import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { waitForTask, work } from '../../support/processes.js';
import { instance, start } from '../../support/workflow.js';

/**
 * The site survey picks the transformer area the new connection goes on: the survey form's
 * `transformerAreaId` takes its options from the `grid.transformerAreas` lookup (the public areas
 * of the task's department subtree, each with its spare capacity), and the completion is checked
 * against the same options, whatever the client sends.
 */
describe.each(BACKENDS)('site survey: transformer area with spare capacity (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  let taskId: string;
  let instanceId: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
    const db = t.platform.services.db;
    await db('substations').insert([
      { id: 'S-XH', name: '110kV 西湖测试变', department_id: 'ZJ-HZ-XH' },
      { id: 'S-YH', name: '110kV 余杭测试变', department_id: 'ZJ-HZ-YH' },
    ]);
    await db('feeders').insert([
      { id: 'F-XH', substation_id: 'S-XH', name: '10kV 西湖1号线', department_id: 'ZJ-HZ-XH' },
      { id: 'F-YH', substation_id: 'S-YH', name: '10kV 余杭1号线', department_id: 'ZJ-HZ-YH' },
    ]);
    await db('transformer_areas').insert([
      { id: 'XH-A', feeder_id: 'F-XH', name: '西湖测试1号台区', rated_kva: 400, department_id: 'ZJ-HZ-XH' },
      // A station's area is in the county's subtree.
      { id: 'LY-A', feeder_id: 'F-XH', name: '灵隐测试1号台区', rated_kva: 315, department_id: 'ZJ-HZ-XH-LY' },
      {
        id: 'XH-D',
        feeder_id: 'F-XH',
        name: '某厂专变',
        kind: 'dedicated',
        rated_kva: 800,
        department_id: 'ZJ-HZ-XH',
      },
      { id: 'YH-A', feeder_id: 'F-YH', name: '余杭测试1号台区', rated_kva: 400, department_id: 'ZJ-HZ-YH' },
    ]);
    const clerk = await t.as('xh.clerk');
    const started = await start(clerk, 'new-connection', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: `GRID-SURVEY-${backend}`,
      variables: {
        customerName: '西湖测试商铺',
        phone: '13900002222',
        address: '杭州市西湖区文二路 8 号',
        elecTypeCode: '400',
        capacityKva: 50,
        acceptClass: '03',
      },
    });
    instanceId = started.id;
    await work(t, 'xh.clerk', instanceId, 'A01', { acceptClass: '03' });
    const surveyor = await t.as('xh.surveyor');
    const task = await waitForTask(surveyor, instanceId, 'A02');
    taskId = task.id;
    if (task.assignee !== 'xh.surveyor')
      expect((await surveyor.post(`/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
  }, 180_000);

  afterAll(() => t?.close());

  it("offers the public areas of the task's department subtree with their spare capacity", async () => {
    const form = await (await t.as('xh.surveyor')).get(`/api/v1/tasks/${taskId}/form`);
    expect(form.status).toBe(200);
    expect(form.body.data.transformerAreaOptions).toEqual([
      { value: 'LY-A', label: '灵隐测试1号台区 · 剩余 spare 315.00 / 315 kVA' },
      { value: 'XH-A', label: '西湖测试1号台区 · 剩余 spare 400.00 / 400 kVA' },
    ]);
  });

  it('refuses an area outside the options, even with options of the client’s own', async () => {
    const surveyor = await t.as('xh.surveyor');
    const base = { surveyDate: '2025-03-04', surveyFindings: '可接入' };
    const other = await surveyor.post(`/api/v1/tasks/${taskId}/complete`, {
      variables: { ...base, transformerAreaId: 'YH-A' },
    });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('FORM_INVALID');
    const widened = await surveyor.post(`/api/v1/tasks/${taskId}/complete`, {
      variables: {
        ...base,
        transformerAreaId: 'XH-D',
        transformerAreaOptions: [{ value: 'XH-D', label: '某厂专变' }],
      },
    });
    expect(widened.status).toBe(400);
    expect(widened.body.code).toBe('FORM_INVALID');
  });

  it('completes the survey with an offered area', async () => {
    await work(t, 'xh.surveyor', instanceId, 'A02', {
      surveyDate: '2025-03-04',
      surveyFindings: '可接入',
      transformerAreaId: 'XH-A',
    });
    const variables = (await instance(await t.as('xh.clerk'), instanceId)).variables;
    expect(variables.transformerAreaId).toBe('XH-A');
    expect(variables.transformerAreaOptions).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeAt, deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

/** Camunda 7's variable mappings and retry cycle, run to the end on files in Camunda's dialect. */
describe.each(BACKENDS)('Camunda 7 mappings (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  const calls: Record<string, unknown>[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    t = await startTestPlatform(backend, {
      clock,
      jobs: false,
      services: [
        {
          name: 'quote',
          description: 'quotes a bill',
          handler: (call) => {
            calls.push(call.variables);
            if (failuresLeft > 0) {
              failuresLeft -= 1;
              throw new Error('tariff service down');
            }
            return { amount: 120, tariff: 'seen only by the task' };
          },
        },
      ],
    });
    const designer = await t.as('designer');
    for (const file of ['camunda-io.user-and-service.bpmn', 'camunda-call.child.bpmn', 'camunda-call.parent.bpmn']) {
      await deploy(designer, fixture(file));
    }
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  const begin = (key: string, variables: Record<string, unknown>) =>
    start(clerk, key, { departmentId: 'ZJ-HZ-XH', businessKey: `BK-${Math.random()}`, variables });

  it('gives a service task and a user task their input parameters and maps only their outputs back', async () => {
    // given a quote whose service task and user task have text, expression, list and map inputs
    calls.length = 0;
    const { id } = await begin('camundaIo', {
      reading: { kwh: 310 },
      customer: 'Li Wei',
      month: '2025-02',
      meter: 'M-7',
    });
    // when the service job runs
    await t.platform.executor.drain();
    // then the service saw its locals, evaluated when the task started
    expect(calls[0]).toMatchObject({
      tariff: 'residential',
      kwh: 310,
      greeting: 'Dear Li Wei',
      months: ['2025-01', '2025-02'],
      address: { city: 'Hangzhou', meters: ['M-7'] },
    });
    // and only the output parameter reached the instance: the service's result named like a local stayed local
    let after = await instance(clerk, id);
    expect(after.variables).toMatchObject({ quotedAmount: 120, amount: 120 });
    expect(after.variables).not.toHaveProperty('tariff');
    expect(after.variables).not.toHaveProperty('greeting');
    // and the user task shows its own locals
    const [task] = await openTasks(clerk, id);
    expect(task!.locals).toMatchObject({ shown: 120, approved: false, labels: { title: 'Quote for Li Wei' } });
    // when the clerk completes it, setting the local `approved`
    await completeAt(clerk, id, 'Confirm', { approved: true });
    // then the output maps it out, and the local itself does not leak
    after = await instance(clerk, id);
    expect(after.status).toBe('completed');
    expect(after.variables.confirmed).toBe(true);
    expect(after.variables).not.toHaveProperty('approved');
    expect(after.variables).not.toHaveProperty('shown');
  });

  it('retries a failing service by its failedJobRetryTimeCycle R2/PT5M, then raises an incident', async () => {
    // given a service that fails every time
    failuresLeft = 10;
    const { id } = await begin('camundaIo', { reading: { kwh: 1 }, customer: 'Wang', month: '2025-02', meter: 'M-1' });
    const job = () => t.database.db('jobs').where({ instance_id: id, type: 'service' }).first();
    expect((await job()).retries).toBe(2);
    // when the first attempt fails
    await t.platform.executor.drain();
    // then one retry is left, due five minutes later by the test clock
    let row = await job();
    expect(row.retries).toBe(1);
    expect(new Date(row.due_at).getTime() - clock.now()).toBe(5 * 60_000);
    clock.advance('PT4M');
    await t.platform.executor.drain();
    expect((await job()).retries).toBe(1);
    // when the cycle's wait has passed and the second attempt fails too
    clock.advance('PT1M');
    await t.platform.executor.drain();
    // then the retries are spent: an incident at the service task
    row = await job();
    expect(row.retries).toBe(0);
    const incidents = await t.database.db('incidents').where({ instance_id: id, status: 'open' });
    expect(incidents.map((i: { element_id: string }) => i.element_id)).toEqual(['Quote']);
    failuresLeft = 0;
  });

  it('passes a called process exactly its camunda:in and takes back exactly its camunda:out', async () => {
    // given a caller with variables the mapping does not name
    const { id } = await begin('camundaCallParent', {
      applicationId: 'A-17',
      address: { city: 'Ningbo' },
      secret: 'x',
    });
    const parent = await instance(clerk, id);
    const child = await instance(clerk, parent.children[0].id);
    // then the child has the mapped variables and business key only
    expect(child.variables).toEqual({ applicationId: 'A-17', siteCity: 'Ningbo' });
    expect(child.businessKey).toBe('SURVEY-A-17');
    // when the child ends with variables of its own
    await completeAt(clerk, child.id, 'Survey', { report: 'ok', loadKva: 40, scratch: 1 });
    await t.platform.executor.drain();
    // then the caller receives the camunda:out targets and nothing else
    const after = await instance(clerk, id);
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['After']);
    expect(after.variables).toEqual({
      applicationId: 'A-17',
      address: { city: 'Ningbo' },
      secret: 'x',
      surveyReport: 'ok',
      requestedKva: 80,
    });
  });
});

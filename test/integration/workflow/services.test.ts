import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { BpmnBusinessError, type ServiceCall } from '../../../server/services/registry.js';
import { deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('service tasks, retries and incidents (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let leader: ApiClient;
  const calls: ServiceCall[] = [];
  let flakyFailures = 0;

  beforeAll(async () => {
    t = await startTestPlatform(backend, {
      services: [
        {
          name: 'quote',
          description: 'doubles an amount',
          handler: (call) => {
            calls.push(call);
            return { doubled: Number(call.variables.amount) * 2 };
          },
        },
        {
          name: 'broken',
          description: 'fails until repaired',
          handler: () => {
            if (flakyFailures-- > 0) throw new Error('gateway timeout');
            return { repaired: true };
          },
        },
        {
          name: 'creditCheck',
          description: 'refuses credit',
          handler: () => {
            throw new BpmnBusinessError('CREDIT_REFUSED', 'credit refused');
          },
        },
      ],
    });
    const designer = await t.as('designer');
    for (const name of ['quote', 'broken', 'creditCheck']) {
      await deploy(
        designer,
        fixture('service-task.echo.bpmn')
          .replace('${$service}', `\${${name}}`)
          .replace('id="service"', `id="svc_${name}"`),
      );
    }
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
  });
  afterAll(() => t?.close());

  it('calls the registered service outside the step and merges its output', async () => {
    const { id } = await start(clerk, 'svc_quote', { departmentId: 'ZJ-HZ-XH', variables: { amount: 21 } });
    await eventually(async () => (await openTasks(clerk, id)).length === 1, 5000, 'the service job');
    expect((await instance(clerk, id)).variables.doubled).toBe(42);
    expect(calls.at(-1)).toMatchObject({
      instanceId: id,
      elementId: 'call',
      idempotencyKey: expect.stringContaining(id),
    });
  });

  it('retries a failing service with backoff, then raises an incident that a retry resolves', async () => {
    flakyFailures = 3;
    const { id } = await start(clerk, 'svc_broken', { departmentId: 'ZJ-HZ-XH' });
    const incident = await eventually(
      async () => (await leader.get(`/api/v1/incidents?instanceId=${id}`)).body.items[0],
      8000,
      'an incident',
    );
    expect(incident).toMatchObject({
      type: 'failed-job',
      elementId: 'call',
      message: 'gateway timeout',
      status: 'open',
    });
    const stuck = await instance(clerk, id);
    expect(stuck.openIncidents).toBe(1);
    expect(stuck.waitingActivities.find((w: { kind: string }) => w.kind === 'service')).toMatchObject({
      retries: 0,
      suspended: true,
      lastError: 'gateway timeout',
    });

    flakyFailures = 0;
    expect((await leader.post(`/api/v1/incidents/${incident.id}/retry`)).status).toBe(200);
    await eventually(async () => (await openTasks(clerk, id)).length === 1, 5000, 'the retried job');
    const healed = await instance(clerk, id);
    expect(healed.variables.repaired).toBe(true);
    expect(healed.openIncidents).toBe(0);
    expect((await leader.post(`/api/v1/incidents/${incident.id}/retry`)).status).toBe(409);
  });

  it('turns a business error into the error boundary path, without retries or incidents', async () => {
    const { id } = await start(clerk, 'svc_creditCheck', { departmentId: 'ZJ-HZ-XH' });
    await eventually(
      async () => (await openTasks(clerk, id)).some((x) => x.elementId === 'handleRefusal'),
      5000,
      'the error path',
    );
    expect((await leader.get(`/api/v1/incidents?instanceId=${id}`)).body.items).toHaveLength(0);
  });

  it('lets a clerk read incidents only if the policy says so', async () => {
    expect((await clerk.get('/api/v1/incidents')).status).toBe(403);
  });
});

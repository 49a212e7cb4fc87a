import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ServiceDefinition } from '../../../server/services/registry.js';
import { BACKENDS } from '../../support/database.js';
import { camundaClient } from '../../support/engine-rest.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeAt, deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

interface Job {
  id: string;
  type: string;
  elementId: string;
  retries: number;
  dueAt: string;
}

/** camunda:asyncBefore / asyncAfter as transaction boundaries: committed there, continued by a job. */
describe.each(BACKENDS)('async continuations (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let leader: ApiClient;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  let meterDown = false;
  const services: ServiceDefinition[] = [
    {
      name: 'meterCheck',
      description: 'checks a meter',
      handler: () => {
        if (meterDown) throw new Error('meter service down');
        return { meterOk: true };
      },
    },
  ];

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false, services });
    const designer = await t.as('designer');
    for (const file of [
      'async-before.user-task.bpmn',
      'async-before.service-task.bpmn',
      'async-after.user-task-gateway.bpmn',
      'async-before.gateway.bpmn',
    ]) {
      await deploy(designer, fixture(file));
    }
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
  });
  afterAll(() => t?.close());

  const begin = (key: string, variables: Record<string, unknown> = {}) =>
    start(clerk, key, { departmentId: 'ZJ-HZ-XH', businessKey: `BK-${Math.random()}`, variables });
  const jobs = async (instanceId: string): Promise<Job[]> => {
    const res = await leader.get(`/api/v1/jobs?instanceId=${instanceId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Job[];
  };
  const openIncidents = async (instanceId: string) => {
    const res = await leader.get(`/api/v1/incidents?instanceId=${instanceId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as { id: string; elementId: string; message: string }[];
  };
  const retry = async (incidentId: string) => {
    const res = await leader.post(`/api/v1/incidents/${incidentId}/retry`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const setVariable = async (instanceId: string, name: string, value: string) => {
    const res = await leader.patch(`/api/v1/process-instances/${instanceId}/variables`, {
      typedVariables: { [name]: { type: 'number', value } },
      reason: 'the amount was missing',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  it('creates a user task with asyncBefore only when its job has run, and lists that job', async () => {
    // given an instance that reached the boundary before the task
    const started = await begin('asyncBeforeUserTask', { amount: 21 });
    // then the step committed there: no task yet, one async-continuation job at the task
    expect(started.status).toBe('running');
    expect(await openTasks(clerk, started.id)).toEqual([]);
    const [job] = await jobs(started.id);
    expect(job).toMatchObject({ type: 'async-continuation', elementId: 'Review', retries: 3 });
    const camunda = await camundaClient(t.url, 'xh.leader').get(`/job?processInstanceId=${started.id}&messages=true`);
    expect(camunda.status, JSON.stringify(camunda.body)).toBe(200);
    expect(camunda.body).toMatchObject([{ id: job!.id, processInstanceId: started.id, retries: 3 }]);
    // when the job executor runs it
    await t.platform.executor.drain();
    // then the task exists, its input mapping evaluated in the job, and the job is gone
    const [task] = await openTasks(clerk, started.id);
    expect(task).toMatchObject({ elementId: 'Review', locals: { shown: 42 } });
    expect(await jobs(started.id)).toEqual([]);
  });

  it('raises the incident of a failing service after its boundary; a retry once fixed ends the instance', async () => {
    // given a service that is down, after a start event and a service task with asyncBefore
    meterDown = true;
    const started = await begin('asyncBeforeService');
    // then the instance is created and committed before its start event ran
    expect((await jobs(started.id)).map((j) => [j.type, j.elementId])).toEqual([['async-continuation', 'Start']]);
    // when the jobs run: the start, the service task's boundary, the service call (R1: one attempt)
    await t.platform.executor.drain();
    // then the incident sits at the service task
    const [incident] = await openIncidents(started.id);
    expect(incident).toMatchObject({ elementId: 'CheckMeter', message: 'meter service down' });
    // when the service is back and an operator retries
    meterDown = false;
    await retry(incident!.id);
    await t.platform.executor.drain();
    // then the instance ends
    const after = await instance(clerk, started.id);
    expect(after.status).toBe('completed');
    expect(after.variables.meterOk).toBe(true);
  });

  it('keeps a task completion before asyncAfter when the gateway after it fails; the retry continues', async () => {
    // given a task whose outgoing gateway reads `amount`, which is missing
    const started = await begin('asyncAfterApproval');
    // when the clerk completes it
    const done = await completeAt(clerk, started.id, 'Approve');
    // then the completion is committed and a job waits after the task
    expect(done.instanceStatus).toBe('running');
    expect(await openTasks(clerk, started.id)).toEqual([]);
    expect((await jobs(started.id)).map((j) => [j.type, j.elementId])).toEqual([['async-continuation', 'Approve']]);
    // when the job runs, the gateway fails in it: the incident sits after the task (R1: one attempt)
    await t.platform.executor.drain();
    const [incident] = await openIncidents(started.id);
    expect(incident).toMatchObject({ elementId: 'Approve' });
    expect((await instance(clerk, started.id)).status).toBe('running');
    const completedTasks = await t.database
      .db('tasks')
      .where({ instance_id: started.id, element_id: 'Approve' })
      .pluck('status');
    expect(completedTasks).toEqual(['completed']);
    // when the variable is set and the incident retried
    await setVariable(started.id, 'amount', '80');
    await retry(incident!.id);
    await t.platform.executor.drain();
    // then the gateway takes its flow and the instance ends there
    const after = await instance(clerk, started.id);
    expect(after.status).toBe('completed');
    const ran = await t.database.db('activity_history').where({ instance_id: started.id }).pluck('element_id');
    expect(ran).toContain('Small');
    expect(ran).not.toContain('Large');
  });

  it('retries a gateway with asyncBefore by its failedJobRetryTimeCycle, counted on the platform clock', async () => {
    // given an exclusive gateway (asyncBefore, R3/PT10M) whose conditions read a missing variable
    const started = await begin('asyncBeforeGateway');
    // when its job runs and fails
    await t.platform.executor.drain();
    // then two attempts are left, the next due ten minutes later
    let [job] = await jobs(started.id);
    expect(job).toMatchObject({ type: 'async-continuation', elementId: 'Route', retries: 2 });
    expect(new Date(job!.dueAt).getTime() - clock.now()).toBe(10 * 60_000);
    clock.advance('PT9M');
    await t.platform.executor.drain();
    expect((await jobs(started.id))[0]!.retries).toBe(2);
    clock.advance('PT1M');
    await t.platform.executor.drain();
    [job] = await jobs(started.id);
    expect(job!.retries).toBe(1);
    expect(await openIncidents(started.id)).toEqual([]);
    clock.advance('PT10M');
    await t.platform.executor.drain();
    // then the retries are spent: an incident at the gateway
    const [incident] = await openIncidents(started.id);
    expect(incident).toMatchObject({ elementId: 'Route' });
    // when the amount is set and the incident retried, the gateway chooses by it
    await setVariable(started.id, 'amount', '500');
    await retry(incident!.id);
    await t.platform.executor.drain();
    expect((await instance(clerk, started.id)).status).toBe('completed');
  });

  it('continues at the boundary on a new platform over the same database', async () => {
    // given an instance committed at its boundary (this platform runs no jobs)
    const started = await begin('asyncBeforeUserTask', { amount: 5 });
    expect(await openTasks(clerk, started.id)).toEqual([]);
    // when another platform starts on the same database and runs due jobs
    const next = await startTestPlatform(backend, { database: t.database, clock, jobs: false, services });
    try {
      await next.platform.executor.drain();
      // then the task was created from the stored state
      const [task] = await openTasks(await next.as('xh.clerk'), started.id);
      expect(task).toMatchObject({ elementId: 'Review', locals: { shown: 10 } });
    } finally {
      await next.close();
    }
  });
});

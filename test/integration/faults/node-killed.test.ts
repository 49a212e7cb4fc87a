import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/client.js';
import type { TestDatabase } from '../../support/database.js';
import { eventually, serverDatabase } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { newCustomer } from '../marketing/accounts.js';

// A service call, then a timer, then a user task: the service jobs are leased by whichever node
// polls first, the timers fall due a few seconds after the step that created them.
const RELAY = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="relay" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="notify" />
    <serviceTask id="notify" camunda:delegateExpression="\${notifyCustomer}">
      <extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="template">reconnected</camunda:inputParameter>
        </camunda:inputOutput>
      </extensionElements>
    </serviceTask>
    <sequenceFlow id="f2" sourceRef="notify" targetRef="wait" />
    <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT3S</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="wait" targetRef="after" />
    <userTask id="after" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f4" sourceRef="after" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

const INSTANCES = 60;

/**
 * Two nodes on one PostgreSQL database; one is killed (kill -9) while it holds leases on service
 * jobs and has timers due soon. The survivor takes the jobs over once their leases expire, fires
 * the timers, and no step is lost or done twice.
 */
describe('one of two nodes killed in the middle of a command', () => {
  let database: TestDatabase;
  const nodes: ServerProcess[] = [];
  afterAll(async () => {
    for (const node of nodes) await node.kill();
    await database?.drop();
  });

  it('lets the survivor run the jobs and fire the timers of the killed node, each step once', async () => {
    // given: two nodes with short job leases on one database
    const prepared = await serverDatabase('postgres');
    database = prepared.database;
    const env = { ...prepared.env, JOB_LOCK_MS: '1000' };
    const doomed = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-doomed' });
    const survivor = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-survivor' });
    nodes.push(doomed, survivor);
    await doomed.start();
    await survivor.start();
    const designer = await new ApiClient(doomed.url).login('designer');
    expect((await designer.post('/api/v1/deployments', { xml: RELAY })).status).toBe(201);
    const clerk = await new ApiClient(doomed.url).login('xh.clerk');
    const customer = await newCustomer(clerk, { phone: '13900002222' });

    // and: instances started on the doomed node, whose executor leases their service jobs at once
    const starts = Array.from({ length: INSTANCES }, () =>
      clerk
        .post('/api/v1/process-instances', {
          definitionKey: 'relay',
          departmentId: 'ZJ-HZ-XH',
          variables: { customerId: customer.id },
        })
        .catch(() => null),
    );
    const db = database.db;
    await eventually(
      async () => {
        const leased = await db('jobs').where({ locked_by: 'node-doomed' }).where('locked_until', '>', db.fn.now());
        return leased.length > 0;
      },
      20_000,
      'the doomed node to lease jobs',
    );

    // when: it is killed in the middle of its work
    await doomed.kill();
    const orphaned = (await db('jobs').where({ locked_by: 'node-doomed' }).select('id', 'type', 'instance_id')) as {
      id: string;
      type: string;
      instance_id: string;
    }[];
    await Promise.all(starts);
    expect(orphaned.length, 'jobs leased by the killed node').toBeGreaterThan(0);

    // then: the survivor runs the orphaned jobs and fires every timer
    const instances = (await db('process_instances').where({ definition_key: 'relay' }).select('id')) as {
      id: string;
    }[];
    expect(instances.length).toBeGreaterThan(0);
    await eventually(
      async () => {
        const [row] = (await db('tasks')
          .join('process_instances as i', 'i.id', 'tasks.instance_id')
          .where({ 'i.definition_key': 'relay', 'tasks.element_id': 'after' })
          .count('* as n')) as { n: number }[];
        return Number(row?.n) === instances.length;
      },
      30_000,
      'every instance to reach the task after the timer',
    );
    expect(
      await db('jobs').whereIn(
        'id',
        orphaned.map((job) => job.id),
      ),
    ).toEqual([]);
    expect(
      await db('jobs').whereIn(
        'instance_id',
        instances.map((i) => i.id),
      ),
    ).toEqual([]);
    expect(
      await db('incidents').whereIn(
        'instance_id',
        instances.map((i) => i.id),
      ),
    ).toEqual([]);

    // and: each step happened exactly once: one ended history entry per element, one task, one notice
    const history = (await db('activity_history')
      .whereIn(
        'instance_id',
        instances.map((i) => i.id),
      )
      .whereIn('element_id', ['notify', 'wait', 'after'])
      .select('instance_id', 'element_id', 'ended_at')) as {
      instance_id: string;
      element_id: string;
      ended_at: Date | null;
    }[];
    const tasks = (await db('tasks').whereIn(
      'instance_id',
      instances.map((i) => i.id),
    )) as {
      instance_id: string;
      status: string;
    }[];
    const notices = (await db('notifications').whereIn(
      'instance_id',
      instances.map((i) => i.id),
    )) as {
      instance_id: string;
    }[];
    for (const { id } of instances) {
      const mine = history.filter((h) => h.instance_id === id);
      const entries = (element: string) => mine.filter((h) => h.element_id === element);
      expect(
        entries('notify').filter((h) => h.ended_at),
        id,
      ).toHaveLength(1);
      expect(
        entries('wait').filter((h) => h.ended_at),
        id,
      ).toHaveLength(1);
      expect(entries('after'), id).toHaveLength(1);
      expect(
        tasks.filter((task) => task.instance_id === id).map((task) => task.status),
        id,
      ).toEqual(['open']);
      expect(
        notices.filter((n) => n.instance_id === id),
        id,
      ).toHaveLength(1);
    }

    // and: the survivor still serves, and one of the taken-over instances finishes on it
    const onSurvivor = await new ApiClient(survivor.url).login('xh.clerk');
    const task = (await onSurvivor.get(`/api/v1/tasks?instanceId=${orphaned[0]!.instance_id}`)).body.items[0];
    expect((await onSurvivor.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const done = await onSurvivor.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await survivor.stop();
  }, 180_000);
});

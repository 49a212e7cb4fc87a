import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { serverDatabase, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { deploy, instance, openTasks, start } from '../../support/workflow.js';

/**
 * A node keeps the live engine of the instances it stepped last (server/engine/engine-cache.ts),
 * keyed by the row's revision. The cache is only a cache: whatever else moved the instance — another
 * node, an operator, a rolled-back step, a killed process — the next step continues from the row.
 */

/** first → (route) → left | right → last → end, all for the acceptance clerks. */
function routedProcess(key: string, lastName = 'Last'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="first" />
    <userTask id="first" name="First" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f2" sourceRef="first" targetRef="route" />
    <exclusiveGateway id="route" default="toRight" />
    <sequenceFlow id="toLeft" sourceRef="route" targetRef="left"><conditionExpression xsi:type="tFormalExpression">\${route == 'left'}</conditionExpression></sequenceFlow>
    <sequenceFlow id="toRight" sourceRef="route" targetRef="right" />
    <userTask id="left" name="Left" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <userTask id="right" name="Right" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f3" sourceRef="left" targetRef="last" />
    <sequenceFlow id="f4" sourceRef="right" targetRef="last" />
    <userTask id="last" name="${lastName}" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f5" sourceRef="last" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;
}

/** Claims and completes the open task at `elementId`; the response as it came. */
async function completeAt(client: ApiClient, instanceId: string, elementId: string, variables = {}) {
  const task = (await openTasks(client, instanceId)).find((x) => x.elementId === elementId);
  expect(task, `an open task at ${elementId}`).toBeTruthy();
  if (!task!.assignee) expect((await client.post(`/api/v1/tasks/${task!.id}/claim`)).status).toBe(200);
  return client.post(`/api/v1/tasks/${task!.id}/complete`, { variables });
}

async function openElements(client: ApiClient, id: string): Promise<string[]> {
  return (await openTasks(client, id)).map((x) => x.elementId).sort();
}

const counts = (t: TestPlatform) => t.platform.services.metrics.engineCacheCounts();

describe.each(BACKENDS)('engine cache on one node (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    const designer = await t.as('designer');
    await deploy(designer, routedProcess('cacheRouted'));
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(() => t?.close());

  it('continues the live engine of the row it left, step after step', async () => {
    // given: an instance started here
    const { id } = await start(clerk, 'cacheRouted', { departmentId: 'ZJ-HZ-XH' });
    const before = counts(t);
    // when: its tasks are completed one after another on the same node
    expect((await completeAt(clerk, id, 'first', { route: 'left' })).status).toBe(200);
    expect(await openElements(clerk, id)).toEqual(['left']);
    expect((await completeAt(clerk, id, 'left')).status).toBe(200);
    expect((await completeAt(clerk, id, 'last', { done: true })).status).toBe(200);
    // then: every step continued the engine and the instance ran as it would have from the rows
    expect(counts(t).hit - before.hit).toBe(3);
    const row = await instance(admin, id);
    expect(row.status).toBe('completed');
    expect(row.variables).toMatchObject({ route: 'left', done: true });
  });

  it('an operator setting a variable makes the next step recover, and the gateway reads the new value', async () => {
    // given: an instance whose engine is kept after its start
    const { id } = await start(clerk, 'cacheRouted', { departmentId: 'ZJ-HZ-XH', variables: { route: 'left' } });
    // when: an operator changes the variable the gateway reads
    const edit = await admin.patch(`/api/v1/process-instances/${id}/variables`, {
      typedVariables: { route: { type: 'string', value: 'right' } },
      reason: 'wrong route',
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const before = counts(t);
    expect((await completeAt(clerk, id, 'first')).status).toBe(200);
    // then: the step recovered from the row (its revision moved) and took the operator's route
    expect(counts(t).miss - before.miss).toBe(1);
    expect(await openElements(clerk, id)).toEqual(['right']);
  });

  it('a token moved by an operator is where the next step continues', async () => {
    const { id } = await start(clerk, 'cacheRouted', { departmentId: 'ZJ-HZ-XH' });
    // when: the operator moves the token from `first` to `left`
    const moved = await admin.post(`/api/v1/process-instances/${id}/modification`, {
      instructions: [
        { type: 'cancel', activityId: 'first' },
        { type: 'startBeforeActivity', activityId: 'left' },
      ],
      reason: 'skip the first step',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await openElements(clerk, id)).toEqual(['left']);
    // then: the node that had the instance continues from the moved token
    const before = counts(t);
    expect((await completeAt(clerk, id, 'left')).status).toBe(200);
    expect(await openElements(clerk, id)).toEqual(['last']);
    expect(counts(t).miss - before.miss).toBe(1);
    expect((await completeAt(clerk, id, 'last')).status).toBe(200);
    expect((await instance(admin, id)).status).toBe('completed');
  });

  it('an instance migrated to a new version continues on the new version', async () => {
    const designer = await t.as('designer');
    const v1 = await deploy(designer, routedProcess('cacheMigrated', 'Last v1'));
    const v2 = await deploy(designer, routedProcess('cacheMigrated', 'Last v2'));
    const { id } = await start(clerk, 'cacheMigrated', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' });
    expect((await completeAt(clerk, id, 'first', { route: 'left' })).status).toBe(200);
    // when: an operator migrates it while this node keeps its v1 engine
    const res = await admin.post('/api/v1/process-instances/migrate', { targetDefinitionId: v2.id, instanceIds: [id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.migrated).toEqual([id]);
    const before = counts(t);
    expect((await completeAt(clerk, id, 'left')).status).toBe(200);
    // then: the next step recovered on v2: its task is v2's
    expect(counts(t).miss - before.miss).toBe(1);
    const [last] = await openTasks(clerk, id);
    expect(last).toMatchObject({ elementId: 'last', name: 'Last v2' });
    expect((await t.database.db('tasks').where({ id: last!.id }).first('definition_id')).definition_id).toBe(v2.id);
  });
});

describe('engine cache with two nodes on one PostgreSQL', () => {
  let a: TestPlatform;
  let b: TestPlatform;
  let clerkA: ApiClient;
  let clerkB: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    a = await startTestPlatform('postgres', { jobs: false });
    b = await startTestPlatform('postgres', { jobs: false, database: a.database, processes: false });
    await deploy(await a.as('designer'), routedProcess('cacheTwoNodes'));
    clerkA = await a.as('xh.clerk');
    clerkB = await b.as('xh.clerk');
    admin = await a.as('admin');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('node A continues correctly after node B advanced an instance A had kept', async () => {
    // given: node A started the instance and completed its first task (A keeps the engine)
    const { id } = await start(clerkA, 'cacheTwoNodes', { departmentId: 'ZJ-HZ-XH' });
    expect((await completeAt(clerkA, id, 'first', { route: 'left' })).status).toBe(200);
    // when: node B completes the next task
    expect((await completeAt(clerkB, id, 'left', { by: 'B' })).status).toBe(200);
    // then: node A, whose engine still waits at `left`, recovers and completes `last`
    const before = counts(a);
    const done = await completeAt(clerkA, id, 'last', { by: 'A' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(counts(a).miss - before.miss).toBe(1);
    const row = await instance(admin, id);
    expect(row.status).toBe('completed');
    expect(row.variables).toMatchObject({ route: 'left', by: 'A' });
    const ended = row.history
      .filter((h: { endedAt: string | null }) => h.endedAt)
      .map((h: { elementId: string }) => h.elementId);
    for (const element of ['first', 'left', 'last']) expect(ended).toContain(element);
  });

  it('a step that fails after the engine ran leaves no engine behind, even when another node commits the same revision', async () => {
    // given: a trigger that refuses the instance write of a step that sets `explode`
    const db = a.database.db;
    await db.raw(`CREATE OR REPLACE FUNCTION engine_cache_explode() RETURNS trigger AS $$
      BEGIN
        IF jsonb_exists(NEW.variables, 'explode') THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db.raw(`CREATE TRIGGER engine_cache_explode BEFORE UPDATE ON process_instances
      FOR EACH ROW EXECUTE FUNCTION engine_cache_explode()`);
    try {
      const { id } = await start(clerkA, 'cacheTwoNodes', { departmentId: 'ZJ-HZ-XH' });
      const revision = async () => (await db('process_instances').where({ id }).first('revision')).revision as number;
      const r = await revision();
      // when: node A's completion runs the engine to `left` and then fails to write
      const failed = await completeAt(clerkA, id, 'first', { route: 'left', explode: true });
      expect(failed.status).toBe(500);
      expect(await revision()).toBe(r);
      expect(await openElements(clerkA, id)).toEqual(['first']);
      // and node B completes the same task the other way, committing the revision A's engine had reached
      expect((await completeAt(clerkB, id, 'first', { route: 'right' })).status).toBe(200);
      expect(await revision()).toBe(r + 1);
      // then: node A does not take its rolled-back engine (waiting at `left`) for the row at `right`
      const before = counts(a);
      const right = await completeAt(clerkA, id, 'right');
      expect(right.status, JSON.stringify(right.body)).toBe(200);
      expect(counts(a).hit - before.hit).toBe(0);
      expect(await openElements(clerkA, id)).toEqual(['last']);
      const history = (await instance(admin, id)).history.map((h: { elementId: string }) => h.elementId);
      expect(history).not.toContain('left');
    } finally {
      await db.raw('DROP TRIGGER IF EXISTS engine_cache_explode ON process_instances');
    }
  });
});

describe('engine cache across kill -9 (postgres)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('a node killed after it kept an engine, restarted, continues every instance from the rows', async () => {
    const { env, drop } = await serverDatabase('postgres');
    const server = new ServerProcess(await freePort(), env);
    cleanups.push(async () => {
      await server.kill();
      await drop();
    });
    await server.start();
    await deploy(await new ApiClient(server.url).login('designer'), routedProcess('cacheKilled'));
    const clerk = await new ApiClient(server.url).login('xh.clerk');
    // given: instances whose first task was completed on the node (which keeps their engines)
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await start(clerk, 'cacheKilled', { departmentId: 'ZJ-HZ-XH' });
      expect((await completeAt(clerk, id, 'first', { route: i % 2 ? 'left' : 'right' })).status).toBe(200);
      ids.push(id);
    }
    // when: the node is killed and started again
    await server.kill();
    await server.start();
    const after = await new ApiClient(server.url).login('xh.clerk');
    const admin = await new ApiClient(server.url).login('admin');
    // then: every instance continues from where its rows say
    for (const [i, id] of ids.entries()) {
      const branch = i % 2 ? 'left' : 'right';
      expect(await openElements(after, id)).toEqual([branch]);
      expect((await completeAt(after, id, branch)).status).toBe(200);
      expect((await completeAt(after, id, 'last')).status).toBe(200);
      expect((await instance(admin, id)).status).toBe('completed');
    }
    await server.stop();
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { openTasks, start } from '../../support/workflow.js';

/**
 * The statements the task paths send (a claim, a completion through a form, the task page's
 * reads), counted from knex's `query` event with BEGIN and COMMIT: each is one round trip to the
 * database, which costs a request more than the work it asks for (bench/README.md, "round trips
 * on the task paths"). The limits are the counts measured after the task paths were cut down to
 * them, so a statement added back fails here. ROUND_TRIPS_TABLE=1 prints what each path sent.
 */
const FORM_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="taskTrips" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="survey" />
    <userTask id="survey" camunda:candidateGroups="acceptance_clerk" camunda:formKey="trips.survey" />
    <sequenceFlow id="f2" sourceRef="survey" targetRef="review" />
    <userTask id="review" camunda:candidateGroups="acceptance_clerk" camunda:formKey="trips.survey" />
    <sequenceFlow id="f3" sourceRef="review" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

const FORM = {
  id: 'trips.survey',
  type: 'default',
  components: [{ type: 'number', key: 'capacityKva', label: 'Capacity', validate: { required: true, min: 1 } }],
};

/**
 * The most statements each path may send (measured 2026-12-05, bench/README.md), BEGIN/COMMIT
 * included (on PostgreSQL BEGIN travels with the statement after it), and the realtime
 * publisher's read of who hears a claim after commit: the session, then a claim's or release's
 * read and guarded write; a completion's BEGIN, lock of instance and task, form, open tasks, writes,
 * COMMIT (the new task's candidate users come with its event, not read back); a draft's task read
 * and save. The task page is five requests (context, form, draft, comments, attachments).
 */
const LIMITS = {
  // the session, the definition's latest version, then BEGIN, the first step's write batch with the
  // instance's row, COMMIT (on PostgreSQL the three are one round trip)
  start: { statements: 5 },
  claim: { statements: 4, transactions: 0 },
  unclaim: { statements: 3, transactions: 0 },
  complete: { statements: 7, transactions: 1, taskReads: 1 },
  'save draft': { statements: 3, transactions: 0 },
  'task page': { statements: 19, transactions: 0 },
  worklist: { statements: 6 },
  // the session, then the four badges in one statement
  'worklist counts': { statements: 2 },
} as const;

describe.each(BACKENDS)('round trips of the task paths (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  const sent: string[] = [];
  let counting = false;
  const table: string[] = [];

  // the first start of a run builds the embedded database's snapshot: minutes on a busy machine
  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    const res = await (await t.as('designer')).post('/api/v1/deployments', { xml: FORM_PROCESS, forms: [FORM] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    clerk = await t.as('xh.clerk');
    t.database.db.on('query', (query: { sql: string }) => {
      if (counting) sent.push(query.sql);
    });
  }, 300_000);
  afterAll(async () => {
    if (process.env.ROUND_TRIPS_TABLE) process.stdout.write(`\n${backend}\n${table.join('\n')}\n`);
    await t?.close();
  });

  async function counted(path: string, requests: () => Promise<{ status: number; body: unknown }[]>) {
    sent.length = 0;
    counting = true;
    try {
      for (const res of await requests()) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      // what runs on after the answer (the realtime publisher's reads of who hears an event) counts too
      for (let seen = -1; seen !== sent.length;) {
        seen = sent.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      counting = false;
    }
    const statements = [...sent];
    const transactions = statements.filter((s) => /^begin\b/i.test(s.trim())).length;
    // A read of one task row by its id (the publisher's look-up of new tasks' candidates, `id = ANY(…)`, is not one).
    const taskReads = statements.filter((s) =>
      /\bfrom "?tasks"?(?: "?t"?)? where "?(?:t\.)?"?id"? = (?!any\()/i.test(s),
    ).length;
    table.push(`${path}: ${statements.length} statements, ${transactions} transactions, ${taskReads} task reads`);
    if (process.env.ROUND_TRIPS_TABLE)
      table.push(...statements.map((s) => `    ${s.replace(/\s+/g, ' ').slice(0, 160)}`));
    return { statements, transactions, taskReads };
  }

  async function openTask() {
    const { id } = await start(clerk, 'taskTrips', { departmentId: 'ZJ-HZ-XH' });
    const [task] = await openTasks(clerk, id);
    return task!;
  }

  it('starts an instance with its row written once, in the first step’s write batch', async () => {
    await openTask(); // the definition's first load on this node is not what is counted
    const started = await counted('start', async () => [
      await clerk.post('/api/v1/process-instances', { definitionKey: 'taskTrips', departmentId: 'ZJ-HZ-XH' }),
    ]);
    const rowWrites = started.statements.filter((s) => /\b(insert into|update) "?process_instances"?/i.test(s));
    expect.soft(rowWrites.length, started.statements.join('\n')).toBe(1);
    expect.soft(rowWrites[0], started.statements.join('\n')).toMatch(/^with /i);
    expect.soft(started.statements.length, started.statements.join('\n')).toBeLessThanOrEqual(LIMITS.start.statements);
  });

  it('claims and releases a task in one statement each besides the session, without the engine', async () => {
    const task = await openTask();
    const claim = await counted('claim', async () => [await clerk.post(`/api/v1/tasks/${task.id}/claim`)]);
    expect.soft(claim.statements.length, claim.statements.join('\n')).toBeLessThanOrEqual(LIMITS.claim.statements);
    expect.soft(claim.transactions).toBeLessThanOrEqual(LIMITS.claim.transactions);
    expect.soft(claim.statements.some((s) => /process_instances/.test(s))).toBe(false);
    const unclaim = await counted('unclaim', async () => [await clerk.post(`/api/v1/tasks/${task.id}/unclaim`)]);
    expect
      .soft(unclaim.statements.length, unclaim.statements.join('\n'))
      .toBeLessThanOrEqual(LIMITS.unclaim.statements);
    expect.soft(unclaim.transactions).toBeLessThanOrEqual(LIMITS.unclaim.transactions);
  });

  it('completes a task through its form in one transaction, reading the task row once, under the lock', async () => {
    const task = await openTask();
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const complete = await counted('complete', async () => [
      await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { capacityKva: 5 } }),
    ]);
    expect
      .soft(complete.statements.length, complete.statements.join('\n'))
      .toBeLessThanOrEqual(LIMITS.complete.statements);
    expect.soft(complete.transactions).toBeLessThanOrEqual(LIMITS.complete.transactions);
    expect.soft(complete.taskReads, complete.statements.join('\n')).toBeLessThanOrEqual(LIMITS.complete.taskReads);
    // the lock is taken before the task is read: nothing about the task is read outside the transaction
    const begin = complete.statements.findIndex((s) => /^begin\b/i.test(s.trim()));
    expect.soft(complete.statements.slice(0, begin).filter((s) => /\btasks\b/.test(s))).toEqual([]);
  });

  it('saves a draft without a transaction, and reads the task page', async () => {
    const task = await openTask();
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const save = await counted('save draft', async () => [
      await clerk.put(`/api/v1/tasks/${task.id}/draft`, { data: { capacityKva: 3 } }),
    ]);
    expect
      .soft(save.statements.length, save.statements.join('\n'))
      .toBeLessThanOrEqual(LIMITS['save draft'].statements);
    expect.soft(save.transactions).toBeLessThanOrEqual(LIMITS['save draft'].transactions);
    const page = await counted('task page', async () => [
      await clerk.get(`/api/v1/tasks/${task.id}/context`),
      await clerk.get(`/api/v1/tasks/${task.id}/form`),
      await clerk.get(`/api/v1/tasks/${task.id}/draft`),
      await clerk.get(`/api/v1/tasks/${task.id}/comments`),
      await clerk.get(`/api/v1/tasks/${task.id}/attachments`),
    ]);
    expect.soft(page.statements.length, page.statements.join('\n')).toBeLessThanOrEqual(LIMITS['task page'].statements);
    expect.soft(page.transactions).toBe(0);
    const worklist = await counted('worklist', async () => [await clerk.get('/api/v1/worklist?view=mine')]);
    expect
      .soft(worklist.statements.length, worklist.statements.join('\n'))
      .toBeLessThanOrEqual(LIMITS.worklist.statements);
    const counts = await counted('worklist counts', async () => [await clerk.get('/api/v1/worklist/counts')]);
    expect
      .soft(counts.statements.length, counts.statements.join('\n'))
      .toBeLessThanOrEqual(LIMITS['worklist counts'].statements);
  });
});

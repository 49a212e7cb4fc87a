import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, openTasks, start, twoStepProcess } from '../../support/workflow.js';

/**
 * The statements one command sends to the database, counted from knex's `query` event (BEGIN and
 * COMMIT included): the completion path's round trips are part of its cost (bench/README.md,
 * engine), so an added one fails here rather than going unnoticed.
 */
describe.each(BACKENDS)('round trips of the command path (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  const sent: string[] = [];
  let counting = false;

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    await deploy(await t.as('designer'), twoStepProcess('roundTrips'));
    clerk = await t.as('xh.clerk');
    t.database.db.on('query', (query: { sql: string }) => {
      if (counting) sent.push(query.sql);
    });
  });
  afterAll(() => t?.close());

  async function counted(request: () => Promise<{ status: number }>): Promise<string[]> {
    sent.length = 0;
    counting = true;
    try {
      expect((await request()).status).toBe(200);
    } finally {
      counting = false;
    }
    if (process.env.SHOW_ROUND_TRIPS) process.stdout.write(`${sent.join('\n')}\n\n`);
    return [...sent];
  }

  async function claimedTask() {
    const { id } = await start(clerk, 'roundTrips', { departmentId: 'ZJ-HZ-XH' });
    const [task] = await openTasks(clerk, id);
    return task!;
  }

  // Measured 2026-12-05: the session, three reads before the transaction (the task as the actor
  // sees it, and the form check's task, variables and form), BEGIN, the instance and task locks,
  // the open tasks, the step's writes in one statement, COMMIT, and the next task's candidates.
  it('completes a task in at most 12 statements, reading its row at most 3 times', async () => {
    const task = await claimedTask();
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const statements = await counted(() => clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { n: 1 } }));
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(12);
    const taskReads = statements.filter((s) => /^select\b[\s\S]*\bfrom "tasks" where "id" = /i.test(s.trim()));
    expect(taskReads.length, taskReads.join('\n')).toBeLessThanOrEqual(3);
  });

  // The session, BEGIN, the task lock, the update, the holder's name, the check for tasks nobody
  // can take, the log, audit and outbox in one statement, COMMIT.
  it('claims a task in at most 8 statements, without the engine', async () => {
    const task = await claimedTask();
    const statements = await counted(() => clerk.post(`/api/v1/tasks/${task.id}/claim`));
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(8);
    expect(statements.some((s) => /process_instances/.test(s))).toBe(false);
  });
});

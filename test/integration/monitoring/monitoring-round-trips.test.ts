import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeTask, fixture, openTasks, start } from '../../support/workflow.js';
import { MONITORED_FORMS } from './fixtures.js';
import { TestClock } from '../../../server/lib/clock.js';

/**
 * The statements the monitor's three heaviest reads send, counted from knex's `query` event with
 * nothing else running (no job poll, no periodic work). Every statement is a round trip and a
 * parse on both sides; a page of the monitor sends all three at once, for every manager watching,
 * and again on every burst of events (bench/README.md, "the monitor's reads in fewer statements").
 * The limits are the counts after the reads were merged, so a statement added back fails here.
 * A reload reads the day's kept tail without extending it while less than a few seconds settled.
 */
const LIMITS = {
  // session, process (versions and the shown diagram), backlog (tokens and their tasks),
  // rollup watermark, rolled days, the day's tail (all four measures)
  activities: 6,
  // the activities' statements and each person's pace
  bottlenecks: 7,
  // session, process, instance counts (running, ended and started per bucket), backlog, open
  // tasks' deadlines, incidents (the latest and their total), watermark, rolled days, the tail
  dashboard: 9,
} as const;

describe.each(BACKENDS)("the monitor's reads in few statements (%s)", (backend) => {
  let t: TestPlatform;
  const sent: string[] = [];
  let counting = false;
  const clock = new TestClock();

  beforeAll(async () => {
    // The clock stands still: a read's statements do not depend on how long the test took.
    t = await startTestPlatform(backend, { jobs: false, clock });
    const deployed = await (
      await t.as('designer')
    ).post('/api/v1/deployments', { xml: fixture('monitoring.two-steps.bpmn'), forms: MONITORED_FORMS });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const clerk = await t.as('xh.clerk');
    for (let i = 0; i < 3; i++) {
      const started = await start(clerk, 'monitored', {
        departmentId: 'ZJ-HZ-XH',
        variables: { dueAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      if (i === 0) await completeTask(clerk, (await openTasks(clerk, started.id))[0]!.id);
      // more open incidents than the dashboard lists (20): its total is counted apart from the list
      if (i === 1)
        await t.platform.db('incidents').insert(
          Array.from({ length: 22 }, (_, n) => ({
            id: randomUUID(),
            instance_id: started.id,
            type: 'failed-job',
            message: `incident ${n}`,
            status: 'open',
          })),
        );
    }
    clock.set(Date.now());
    // a closed day rolled up, so the rolled days are read as well as the tail
    await t.platform.services.monitoring.rollup.refresh();
    t.database.db.on('query', (query: { sql: string }) => {
      if (counting) sent.push(query.sql);
    });
  }, 300_000);
  afterAll(() => t?.close());

  it.each(Object.entries(LIMITS))('reads %s in at most %i statements', async (read, limit) => {
    const manager = await t.as('xh.manager');
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const path = `/api/v1/monitoring/${read}?definitionKey=monitored&from=${encodeURIComponent(from)}`;
    // a manager's page reloads: the first read of the day's tail keeps its settled part
    expect((await manager.get(path)).status).toBe(200);
    sent.length = 0;
    counting = true;
    const res = await manager.get(path);
    counting = false;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(sent.length, sent.map((s) => s.replace(/\s+/g, ' ').slice(0, 120)).join('\n')).toBeLessThanOrEqual(limit);
    // the figures are there: the three instances, their incidents, the tokens
    if (read === 'dashboard') {
      expect(res.body.counts).toMatchObject({ running: 3, started: 3, openIncidents: 22 });
      expect(res.body.incidents).toHaveLength(20);
    } else expect(JSON.stringify(res.body)).toContain('"tokens":');
  });
});

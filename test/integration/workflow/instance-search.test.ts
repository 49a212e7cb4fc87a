import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCE_SUMMARY_COLUMNS } from '../../../server/workflow/instances.repository.js';
import { searchPage } from '../../../server/workflow/instance-search.js';
import type { InstanceSortKey } from '../../../server/workflow/instance.contract.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, openTasks, start, twoStepProcess } from '../../support/workflow.js';

/** Three copies of one user task open at once: three task rows at one element for one instance. */
const PARALLEL_SIGN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="srchParallel" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="sign" />
    <userTask id="sign" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task">
      <multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
    </userTask>
    <sequenceFlow id="f2" sourceRef="sign" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

type Listed = {
  body: { items: { id: string; businessKey: string }[]; total: number; totalCapped: boolean; hasMore: boolean };
};

/**
 * The instance search's two ways to a page (instance-search.ts `searchPage`): a narrowing filter
 * (business key, customer) collects its matches and sorts them, more matches than that walk the
 * order's index. Both must give the same pages, totals and order as the rows themselves.
 */
describe.each(BACKENDS)('instance search: narrowing filters sort after filtering (%s)', (backend) => {
  let t: TestPlatform;
  let leader: ApiClient;
  // Business keys handed out in one order, start times in another: the prefix's matches are
  // not the newest instances, as in production where old key ranges sit deep in the date order.
  const started: { id: string; key: string; at: string }[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    const designer = await t.as('designer');
    await deploy(designer, twoStepProcess('srchTwoStep'));
    const clerk = await t.as('xh.clerk');
    for (let i = 0; i < 7; i++) {
      const key = `SRCH-${String(i).padStart(2, '0')}`;
      const variables = i % 2 === 0 ? { accountNo: `33990${i}`, customerName: `Search Customer ${i}` } : {};
      const { id } = await start(clerk, 'srchTwoStep', { departmentId: 'ZJ-HZ-XH', businessKey: key, variables });
      const at = new Date(Date.UTC(2026, 0, 1 + ((i * 3) % 7))).toISOString();
      await t.platform.db('process_instances').where({ id }).update({ started_at: at });
      started.push({ id, key, at });
    }
    leader = await t.as('xh.leader');
  });
  afterAll(async () => {
    await t?.close();
  });

  const ids = (res: Listed) => res.body.items.map((i) => i.id);
  const newestFirst = () => [...started].sort((a, b) => b.at.localeCompare(a.at)).map((s) => s.id);

  it('pages a business-key prefix newest first with exact totals', async () => {
    // when the leader pages through the prefix three at a time
    const pages: Listed[] = [];
    for (const offset of [0, 3, 6])
      pages.push(await leader.get(`/api/v1/process-instances?businessKeyStartsWith=srch-&limit=3&offset=${offset}`));

    // then the pages hold every match once, newest first, with the exact total
    for (const p of pages) expect(p.body).toMatchObject({ total: 7, totalCapped: false });
    expect(pages.flatMap(ids)).toEqual(newestFirst());
    expect(pages.map((p) => p.body.hasMore)).toEqual([true, true, false]);
  });

  it('sorts the matches by any key in both directions', async () => {
    const byKey = await leader.get(
      '/api/v1/process-instances?businessKeyStartsWith=SRCH-&sortBy=businessKey&sortOrder=desc',
    );
    expect(ids(byKey)).toEqual([...started].reverse().map((s) => s.id));
    const oldest = await leader.get(
      '/api/v1/process-instances?businessKeyStartsWith=SRCH-&sortBy=startedAt&sortOrder=asc',
    );
    expect(ids(oldest)).toEqual(newestFirst().reverse());
  });

  it('finds customers by account number and name prefix, with the other filters applied', async () => {
    const named = await leader.get(
      '/api/v1/process-instances?customer=search%20customer&sortBy=businessKey&sortOrder=asc',
    );
    expect((named as Listed).body.items.map((i) => i.businessKey)).toEqual([
      'SRCH-00',
      'SRCH-02',
      'SRCH-04',
      'SRCH-06',
    ]);
    expect(ids(await leader.get('/api/v1/process-instances?customer=339904'))).toEqual([started[4]?.id]);
    const completed = await leader.get('/api/v1/process-instances?customer=search%20customer&status=completed');
    expect(completed.body).toMatchObject({ items: [], total: 0, totalCapped: false });
  });

  it('answers a page past the last match with the total', async () => {
    const past = await leader.get('/api/v1/process-instances?businessKeyStartsWith=SRCH-&offset=20&limit=5');
    expect(past.body).toMatchObject({ items: [], total: 7, totalCapped: false, hasMore: false });
  });

  it('counts each instance waiting at a step once, within what the actor may read', async () => {
    // given two instances with three open tasks each at "sign", one of them in another county
    const clerk = await t.as('xh.clerk');
    await deploy(await t.as('designer'), PARALLEL_SIGN);
    const here = await start(clerk, 'srchParallel', { departmentId: 'ZJ-HZ-XH', businessKey: 'PAR-1' });
    const there = await start(await t.as('yh.clerk'), 'srchParallel', {
      departmentId: 'ZJ-HZ-YH',
      businessKey: 'PAR-2',
    });
    expect(here.tasks.filter((task) => task.elementId === 'sign')).toHaveLength(3);

    // when the leader of one county and the supervisor of all search by the step
    const mine = await leader.get('/api/v1/process-instances?currentElementId=sign');
    const all = await (await t.as('hq.supervisor')).get('/api/v1/process-instances?currentElementId=sign');

    // then each instance is there once and the totals count instances, not tasks
    expect(mine.body).toMatchObject({ total: 1, totalCapped: false, hasMore: false });
    expect(ids(mine)).toEqual([here.id]);
    expect(all.body).toMatchObject({ total: 2, totalCapped: false });
    expect(ids(all).sort()).toEqual([here.id, there.id].sort());

    // and an instance moved on from a step is no longer found at it
    const first = (await leader.get('/api/v1/process-instances?currentElementId=first')).body.total;
    expect(first).toBe(7);
    const task = (await openTasks(clerk, started[0]!.id)).find((x) => x.elementId === 'first')!;
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
    expect((await leader.get('/api/v1/process-instances?currentElementId=first')).body.total).toBe(6);
    expect(ids(await leader.get('/api/v1/process-instances?currentElementId=second'))).toEqual([started[0]!.id]);
  });

  it('gives the same pages when the matches are too many to sort after filtering', async () => {
    // given a limit below the number of matches, so that the page walks the order's index
    const build = () =>
      t.platform
        .db('process_instances')
        .where({ definition_key: 'srchTwoStep' })
        .whereRaw("business_key like 'SRCH-%'");
    for (const [sortBy, sortOrder] of [
      ['startedAt', 'desc'],
      ['businessKey', 'asc'],
    ] as [InstanceSortKey, 'asc' | 'desc'][]) {
      const filter = { businessKeyStartsWith: 'SRCH-', sortBy, sortOrder };
      for (const offset of [0, 4]) {
        const request = { offset, limit: 4 };
        // when the same page is asked for both ways
        const sorted = await searchPage<{ id: string }>(build, INSTANCE_SUMMARY_COLUMNS, filter, request);
        const walked = await searchPage<{ id: string }>(build, INSTANCE_SUMMARY_COLUMNS, filter, request, {
          sortAfterFilterLimit: 3,
        });
        // then the rows, the totals and whether more follow agree
        expect(walked.items.map((r) => r.id)).toEqual(sorted.items.map((r) => r.id));
        expect(walked.hasMore).toBe(sorted.hasMore);
        expect(sorted).toMatchObject({ total: 7, totalCapped: false });
        expect(walked).toMatchObject({ total: 7, totalCapped: false });
      }
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/client.js';
import type { TestDatabase } from '../../support/database.js';
import { eventually, serverDatabase } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { twoStepProcess } from '../../support/workflow.js';

const INSTANCES = 600;

/**
 * A cancel batch over many instances; the server running it is killed (kill -9) half-way. Another
 * server process on the same database takes the batch over: every instance is cancelled exactly
 * once and the batch completes with a result for each.
 */
describe('a batch whose node is killed mid-way', () => {
  let database: TestDatabase;
  const nodes: ServerProcess[] = [];
  afterAll(async () => {
    for (const node of nodes) await node.kill();
    await database?.drop();
  });

  it('resumes on another node and does each instance once', async () => {
    // given a server and many running instances (inserted directly: a cancel needs no engine state)
    const prepared = await serverDatabase('postgres');
    database = prepared.database;
    const env = prepared.env;
    const doomed = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-doomed' });
    nodes.push(doomed);
    await doomed.start();
    const designer = await new ApiClient(doomed.url).login('designer');
    const deployed = await designer.post('/api/v1/deployments', { xml: twoStepProcess('killBatch') });
    expect(deployed.status).toBe(201);
    const db = database.db;
    await db.raw(
      `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, business_key, department_id, status, variables, started_by)
       SELECT md5('kill' || g)::uuid, ?, 'killBatch', 1, 'KILL-' || g, 'ZJ-HZ-XH', 'running', '{}', 'xh.clerk'
         FROM generate_series(1, ?) g`,
      [deployed.body.definition.id, INSTANCES],
    );

    // when the leader cancels them all in a batch, and the node is killed once part of it is done
    const leader = await new ApiClient(doomed.url).login('xh.leader');
    const created = await leader.post('/api/v1/batches', {
      type: 'cancel',
      reason: 'campaign withdrawn',
      filter: { definitionKey: 'killBatch' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.total).toBe(INSTANCES);
    const batchId = created.body.id as string;
    await eventually(
      async () => {
        const row = await db('batches').where({ id: batchId }).first('succeeded');
        return Number(row?.succeeded) >= 30;
      },
      30_000,
      'the batch to get going',
    );
    await doomed.kill();
    const atKill = await db('batches').where({ id: batchId }).first('succeeded', 'status');
    expect(atKill.status).toBe('running');
    expect(Number(atKill.succeeded)).toBeLessThan(INSTANCES);

    // then another node finishes it
    const survivor = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-survivor' });
    nodes.push(survivor);
    await survivor.start();
    await eventually(
      async () => (await db('batches').where({ id: batchId }).first('status'))?.status === 'completed',
      60_000,
      'the batch to complete on the survivor',
    );
    const reader = await new ApiClient(survivor.url).login('xh.leader');
    const batch = await reader.get(`/api/v1/batches/${batchId}?limit=1`);
    expect(batch.body).toMatchObject({ total: INSTANCES, succeeded: INSTANCES, failed: 0, pending: 0 });
    const byNode = (await db('batch_items').where({ batch_id: batchId }).groupBy('node_id').select('node_id')) as {
      node_id: string;
    }[];
    expect(byNode.map((r) => r.node_id).sort()).toEqual(['node-doomed', 'node-survivor']);

    // and each instance was cancelled exactly once
    const cancelled = await db('process_instances')
      .where({ definition_key: 'killBatch', status: 'cancelled' })
      .count('* as n');
    expect(Number(cancelled[0]?.n)).toBe(INSTANCES);
    const logged = (await db('operation_log')
      .join('process_instances as i', 'i.id', 'operation_log.instance_id')
      .where({ 'i.definition_key': 'killBatch', operation: 'cancel' })
      .groupBy('operation_log.instance_id')
      .select('operation_log.instance_id', db.raw('count(*) as n'))) as { instance_id: string; n: string }[];
    expect(logged).toHaveLength(INSTANCES);
    expect(logged.every((r) => Number(r.n) === 1)).toBe(true);
    // Two server processes start one after the other, as in node-killed.test.ts.
  }, 180_000);
});

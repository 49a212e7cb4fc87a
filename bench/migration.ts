/**
 * Migration of waiting instances between versions (`npm run bench -- migration [--instances N]
 * [--json]`): N instances of a process wait at a user task with a timer boundary on PostgreSQL.
 * Measured the way an operator does it: one POST /process-instances/migrate selection of all N
 * (the route's service call; above 50 instances it becomes a `migrate` batch) run by the node's
 * batch runner, each instance in a transaction of its own, from the request to the batch's
 * completion. Beside it, the synchronous path of a small selection (50, migrated in the request).
 * Aim: 10 000 in under 60 s.
 */
import { loadavg } from 'node:os';
import { MIGRATE_INLINE_MAX } from '../server/workflow/instance-operations.service.js';
import { benchArgs, withBenchPlatform } from './support.js';
import { report, round } from './stats.js';

const args = benchArgs();
const INSTANCES = Math.max(Number(args.get('instances') ?? 10_000), 2 * 50 + 1);
const JSON_OUTPUT = process.argv.includes('--json');

function version(name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="http://example.com/bench">
  <process id="benchMigration" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <userTask id="review" name="${name}" camunda:candidateGroups="acceptance_clerk" />
    <boundaryEvent id="overdue" attachedToRef="review"><timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition></boundaryEvent>
    <sequenceFlow id="f2" sourceRef="overdue" targetRef="late" />
    <endEvent id="late" />
    <sequenceFlow id="f3" sourceRef="review" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;
}

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_migration', async (db, platform) => {
    const s = platform.services;
    const admin = await s.auth.loadActor(
      (await db('users').where({ username: 'admin' }).first<{ id: string }>('id')).id,
      'user',
    );
    const v1 = await s.deployments.deploy(version('Review'), 'bench v1', admin);
    const v2 = await s.deployments.deploy(version('Review (v2)'), 'bench v2', admin);

    const t0 = performance.now();
    const ids: string[] = [];
    const CONCURRENCY = 8;
    for (let i = 0; i < INSTANCES; i += CONCURRENCY) {
      const started = await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, INSTANCES - i) }, () =>
          s.instances.start({ definitionId: v1.definition.id }, admin),
        ),
      );
      ids.push(...started.map((x) => x.id));
    }
    const startSeconds = (performance.now() - t0) / 1000;

    // The synchronous path first, on the last 50 (a selection of at most MIGRATE_INLINE_MAX runs in the request).
    const inline = ids.splice(-MIGRATE_INLINE_MAX);
    const t1 = performance.now();
    const direct = await s.instanceOperations.migrate(
      { targetDefinitionId: v2.definition.id, instanceIds: inline },
      admin,
    );
    const inlineSeconds = (performance.now() - t1) / 1000;

    // The batch path: one selection of the rest, run by this node's batch runner (its workers).
    // Round trips of the migration, counted as knex sends them (BEGIN and COMMIT included).
    let queries = 0;
    const countQuery = () => void queries++;
    db.on('query', countQuery);
    platform.batchRunner.start();
    const t2 = performance.now();
    const handed = await s.instanceOperations.migrate(
      { targetDefinitionId: v2.definition.id, instanceIds: ids },
      admin,
    );
    if (!handed.batchId) throw new Error('the selection was not handed to a batch');
    let batch: { status: string; succeeded: number; failed: number } | undefined;
    for (;;) {
      batch = await db('batches').where({ id: handed.batchId }).first('status', 'succeeded', 'failed');
      if (batch?.status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - t2) / 1000;
    db.off('query', countQuery);
    const firstFailure = await db('batch_items')
      .where({ batch_id: handed.batchId, status: 'failed' })
      .first<{ error: string } | undefined>('error');
    const onV2 = await db('process_instances')
      .where({ definition_id: v2.definition.id })
      .count<{ n: string }[]>('* as n');
    const timers = await db('jobs').where({ type: 'timer', element_id: 'overdue' }).count<{ n: string }[]>('* as n');

    const figures = {
      instances: INSTANCES,
      batchInstances: ids.length,
      migrated: batch.succeeded,
      failed: batch.failed,
      firstFailure: firstFailure?.error ?? direct.failed[0]?.reason ?? null,
      onTargetVersion: Number(onV2[0]?.n ?? 0),
      timerJobs: Number(timers[0]?.n ?? 0),
      startSeconds: round(startSeconds, 1),
      migrateSeconds: round(seconds, 1),
      perSecond: Math.round(batch.succeeded / Math.max(seconds, 0.001)),
      queriesPerInstance: round(queries / Math.max(ids.length, 1), 2),
      underSixtySeconds: seconds < 60,
      inlineInstances: inline.length,
      inlineMigrated: direct.migrated.length,
      inlineSeconds: round(inlineSeconds, 2),
      inlinePerSecond: Math.round(direct.migrated.length / Math.max(inlineSeconds, 0.001)),
      loadAverage: loadavg().map((x) => round(x, 2)),
    };
    report(`migration: ${INSTANCES.toLocaleString('en')} waiting instances v1 → v2 (PostgreSQL)`, figures);
    if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify({ bench: 'migration', ...figures })}\n`);
  });
}

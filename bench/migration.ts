/**
 * Migration of waiting instances between versions (`npm run bench -- migration [--instances N]
 * [--json]`): N instances of a process wait at a user task with a timer boundary on PostgreSQL;
 * POST /process-instances/migrate's service moves them all to version 2, each in a transaction of
 * its own (engine state rewritten, the task retargeted, the timer made again). Aim: 10 000 in
 * under 60 s.
 */
import { benchArgs, withBenchPlatform } from './support.js';
import { report, round } from './stats.js';

const args = benchArgs();
const INSTANCES = Number(args.get('instances') ?? 10_000);
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

    // One call per 1 000 ids, as an operator's selection pages would send them; each instance in its own transaction.
    const t1 = performance.now();
    let migrated = 0;
    const failed: { id: string; reason: string }[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const result = await s.instanceOperations.migrate(
        { targetDefinitionId: v2.definition.id, instanceIds: ids.slice(i, i + 1000) },
        admin,
      );
      migrated += result.migrated.length;
      failed.push(...result.failed);
    }
    const seconds = (performance.now() - t1) / 1000;
    const onV2 = await db('process_instances')
      .where({ definition_id: v2.definition.id })
      .count<{ n: string }[]>('* as n');
    const timers = await db('jobs').where({ type: 'timer', element_id: 'overdue' }).count<{ n: string }[]>('* as n');

    const figures = {
      instances: INSTANCES,
      migrated,
      failed: failed.length,
      firstFailure: failed[0]?.reason ?? null,
      onTargetVersion: Number(onV2[0]?.n ?? 0),
      timerJobs: Number(timers[0]?.n ?? 0),
      startSeconds: round(startSeconds, 1),
      migrateSeconds: round(seconds, 1),
      perSecond: Math.round(migrated / Math.max(seconds, 0.001)),
      underSixtySeconds: seconds < 60,
    };
    report(`migration: ${INSTANCES.toLocaleString('en')} waiting instances v1 → v2 (PostgreSQL)`, figures);
    if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify({ bench: 'migration', ...figures })}\n`);
  });
}

import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { ReportRow } from './report.contract.js';
import { count, ratio, type ColumnSpec } from './report.js';

/** Counts of process instances against their own deadline, as `instanceDeadlineCounts` selects them. */
export interface InstanceDeadlineCounts {
  received: string | number;
  completed: string | number;
  in_progress: string | number;
  within_deadline: string | number;
  over_deadline: string | number;
}

/**
 * The count columns of a report over process instances (`pi`) measured against the whole
 * process's deadline (`process_instances.due_at`, which the instance deadline keeps with customer
 * time paused): a completed one is within when it ended by its deadline, a running one while its
 * deadline has not passed at `now`. Cancelled and failed instances count as received only; one
 * without a deadline is neither within nor over.
 */
export function instanceDeadlineCounts(db: Db, now: Date): Knex.Raw[] {
  return [
    db.raw('count(*) as received'),
    db.raw(`count(*) filter (where pi.status = 'completed') as completed`),
    db.raw(`count(*) filter (where pi.status = 'running') as in_progress`),
    db.raw(
      `count(*) filter (where pi.due_at is not null and (
         (pi.status = 'completed' and pi.ended_at <= pi.due_at) or (pi.status = 'running' and ?::timestamptz <= pi.due_at)
       )) as within_deadline`,
      [now],
    ),
    db.raw(
      `count(*) filter (where pi.due_at is not null and (
         (pi.status = 'completed' and pi.ended_at > pi.due_at) or (pi.status = 'running' and ?::timestamptz > pi.due_at)
       )) as over_deadline`,
      [now],
    ),
  ];
}

/** The columns of those counts, and the on-time rate (within / (within + over)). */
export const DEADLINE_COLUMNS: ColumnSpec[] = [
  { id: 'received', label: { zh: '受理数', en: 'Received' }, type: 'number' },
  { id: 'completed', label: { zh: '完成数', en: 'Completed' }, type: 'number' },
  { id: 'inProgress', label: { zh: '在办数', en: 'In progress' }, type: 'number' },
  { id: 'withinDeadline', label: { zh: '按期数', en: 'Within deadline' }, type: 'number' },
  { id: 'overDeadline', label: { zh: '超期数', en: 'Over deadline' }, type: 'number' },
  { id: 'onTimeRate', label: { zh: '按期率', en: 'On-time rate' }, type: 'percent' },
];

export function deadlineCells(r: InstanceDeadlineCounts): ReportRow {
  const within = count(r.within_deadline);
  const over = count(r.over_deadline);
  return {
    received: count(r.received),
    completed: count(r.completed),
    inProgress: count(r.in_progress),
    withinDeadline: within,
    overDeadline: over,
    onTimeRate: ratio(within, within + over),
  };
}

/** The totals row's on-time rate, from the summed counts. */
export function onTimeRate(sums: ReportRow): string | null {
  return ratio(sums.withinDeadline ?? 0, Number(sums.withinDeadline ?? 0) + Number(sums.overDeadline ?? 0));
}

import type { Db } from '../db/index.js';
import type { WriteBatch } from './write-batch.js';
import type { HistoryEvent } from '../engine/runtime.js';
import type { InstanceRow } from './instances.repository.js';
import type { HistoryRow } from './instance.contract.js';

const OUTCOME: Record<HistoryEvent['event'], string> = {
  start: 'running',
  end: 'completed',
  discard: 'discarded',
  leave: 'interrupted',
};

/**
 * Writes a step's activity events: new activities as one multi-row insert (already closed when
 * they started and ended in the same step), activities that ended now as one UPDATE … FROM VALUES.
 */
export function persistHistory(
  trx: Db,
  batch: WriteBatch,
  instance: InstanceRow,
  events: HistoryEvent[],
  actor: string | null,
): void {
  if (events.length === 0) return;
  const byExecution = new Map<string, { start?: HistoryEvent; end?: HistoryEvent }>();
  for (const e of events) {
    const entry = byExecution.get(e.executionId) ?? {};
    if (e.event === 'start') entry.start = e;
    else if (e.event !== 'leave' || !entry.end) entry.end = e;
    byExecution.set(e.executionId, entry);
  }
  const inserts: Record<string, unknown>[] = [];
  const ends: HistoryEvent[] = [];
  for (const { start, end } of byExecution.values()) {
    if (start) {
      inserts.push({
        instance_id: instance.id,
        definition_id: instance.definition_id,
        definition_key: instance.definition_key,
        department_id: instance.department_id,
        element_id: start.elementId,
        element_type: start.elementType,
        execution_id: start.executionId,
        started_at: start.at,
        ended_at: end?.at ?? null,
        duration_ms: end ? end.at.getTime() - start.at.getTime() : null,
        outcome: end ? OUTCOME[end.event] : null,
      });
    } else if (end) {
      ends.push(end);
    }
  }
  if (inserts.length) batch.add(trx('activity_history').insert(inserts).onConflict('execution_id').ignore());
  if (ends.length) {
    const values = ends.map(() => '(?, ?::timestamptz, ?)').join(', ');
    const bindings = ends.flatMap((e) => [e.executionId, e.at.toISOString(), OUTCOME[e.event]]);
    batch.add(
      trx.raw(
        `UPDATE activity_history h
          SET ended_at = v.ended_at,
              duration_ms = (EXTRACT(EPOCH FROM (v.ended_at - h.started_at)) * 1000)::bigint,
              outcome = v.outcome,
              actor = COALESCE(?, h.actor)
         FROM (VALUES ${values}) AS v(execution_id, ended_at, outcome)
        WHERE h.execution_id = v.execution_id AND h.ended_at IS NULL`,
        [actor, ...bindings],
      ),
    );
  }
}

/** An instance's activity history in the order it happened, as the instance and monitor views show it. */
export function instanceHistory(db: Db, instanceId: string): Promise<HistoryRow[]> {
  return db('activity_history')
    .where({ instance_id: instanceId })
    .select('element_id', 'element_type', 'execution_id', 'started_at', 'ended_at', 'duration_ms', 'outcome', 'actor')
    .orderBy([{ column: 'started_at' }, { column: 'id' }]);
}

import { randomUUID } from 'node:crypto';
import type { StepExecutor } from '../workflow/step-executor.js';
import type { TransactionScope } from '../workflow/transactions.js';
import type { JobRow } from './jobs.repository.js';
import type { InstanceRef } from '../workflow/outbox.js';

/** Retries ran out: suspend the job and raise an incident that an operator can retry. */
export async function raiseJobIncident(
  scope: TransactionScope,
  steps: StepExecutor,
  job: JobRow,
  message: string,
): Promise<void> {
  await scope
    .trx('jobs')
    .where({ id: job.id })
    .update({ retries: 0, suspended: true, locked_by: null, locked_until: null, last_error: message.slice(0, 4000) });
  const id = randomUUID();
  await scope.trx('incidents').insert({
    id,
    instance_id: job.instance_id,
    job_id: job.id,
    type: 'failed-job',
    element_id: job.element_id,
    execution_id: job.execution_id,
    message: message.slice(0, 4000),
    status: 'open',
  });
  const [instance] = await scope
    .trx('process_instances')
    .where({ id: job.instance_id })
    .increment('open_incidents', 1)
    .returning<InstanceRef[]>(['id', 'department_id', 'definition_key', 'business_key']);
  if (instance)
    scope.outbox.add(steps.event('incident:created', instance, { incidentId: id, elementId: job.element_id, message }));
}

/**
 * A failed job got retries back (Camunda's "set job retries" on a job at 0): it runs again and its
 * open incidents are resolved by `by`. Answers how many incidents were resolved.
 */
export async function resolveJobIncidents(
  scope: TransactionScope,
  steps: StepExecutor,
  job: Pick<JobRow, 'id' | 'instance_id'>,
  by: string,
): Promise<number> {
  const resolved = await scope
    .trx('incidents')
    .where({ job_id: job.id, status: 'open' })
    .update({ status: 'resolved', resolved_at: steps.now(), resolved_by: by })
    .returning<{ id: string }[]>(['id']);
  if (resolved.length === 0) return 0;
  const [instance] = await scope
    .trx('process_instances')
    .where({ id: job.instance_id })
    .decrement('open_incidents', resolved.length)
    .returning<InstanceRef[]>(['id', 'department_id', 'definition_key', 'business_key']);
  if (instance) {
    for (const { id } of resolved) scope.outbox.add(steps.event('incident:resolved', instance, { incidentId: id, by }));
  }
  return resolved.length;
}

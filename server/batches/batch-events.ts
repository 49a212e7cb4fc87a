import type { BatchProgressPayload, TopicEvent } from '../realtime/contract.js';
import type { BatchRow } from './batch.contract.js';

type BatchTopic = 'batch:created' | 'batch:progress' | 'batch:completed';

/**
 * A batch's progress as an outbox event: to the creator's personal room (`userId`) and the rooms
 * of the creator's department, whose readers may read the batch (`batch:read` there).
 */
export function batchEvent<T extends BatchTopic>(topic: T, batch: BatchRow): TopicEvent<T> {
  const payload: BatchProgressPayload = {
    batchId: batch.id,
    type: batch.type,
    status: batch.status,
    total: batch.total,
    succeeded: batch.succeeded,
    failed: batch.failed,
    userId: batch.created_by_id,
  };
  return { topic, departmentId: batch.department_id, definitionKey: null, instanceId: null, payload } as TopicEvent<T>;
}

import { expect } from 'vitest';
import type { ApiClient } from './client.js';
import { eventually, type TestPlatform } from './platform.js';
import { openTasks } from './workflow.js';

/**
 * Drives the shipped processes through the API: waits until a task is open at a step (service
 * tasks run as jobs, so the next task appears asynchronously), then claims and completes it.
 */
export async function waitForTask(client: ApiClient, instanceId: string, elementId: string) {
  return eventually(
    async () => (await openTasks(client, instanceId)).find((t) => t.elementId === elementId),
    10_000,
    `an open task at ${elementId}`,
  );
}

export async function work(
  t: TestPlatform,
  username: string,
  instanceId: string,
  elementId: string,
  variables: Record<string, unknown> = {},
) {
  const client = await t.as(username);
  await t.platform.executor.drain();
  const task = await waitForTask(client, instanceId, elementId);
  if (task.assignee !== username) {
    const claim = await client.post(`/api/v1/tasks/${task.id}/claim`);
    expect(claim.status, `${elementId} claim: ${JSON.stringify(claim.body)}`).toBe(200);
  }
  const done = await client.post(`/api/v1/tasks/${task.id}/complete`, { variables });
  expect(done.status, `${elementId}: ${JSON.stringify(done.body)}`).toBe(200);
  await t.platform.executor.drain();
  return done.body as { instanceStatus: string; nextTasks: { elementId: string }[] };
}

/** The open steps of an instance, as element ids, sorted. */
export async function openSteps(client: ApiClient, instanceId: string): Promise<string[]> {
  return (await openTasks(client, instanceId)).map((t) => t.elementId).sort();
}

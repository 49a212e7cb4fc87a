import { expect } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import type { TestPlatform } from '../../support/platform.js';
import { fixture } from '../../support/workflow.js';

/** The meter-check process (two user tasks) with its two form-js forms, as a designer deploys it. */
export async function deployMeterCheck(t: TestPlatform): Promise<void> {
  const designer = await t.as('designer');
  const res = await designer.post('/api/v1/deployments', {
    xml: fixture('worklist.meter-check.bpmn'),
    forms: [JSON.parse(fixture('worklist.meter-check.form')), JSON.parse(fixture('worklist.leader-review.form'))],
  });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

export interface StartedCase {
  instanceId: string;
  taskId: string;
  businessKey: string;
}

/** Starts a case in a county and returns its first (claimable) task. */
export async function startMeterCheck(
  client: ApiClient,
  departmentId: string,
  businessKey: string,
  variables: Record<string, unknown> = {},
): Promise<StartedCase> {
  const res = await client.post('/api/v1/process-instances', {
    definitionKey: 'wl_meter_check',
    departmentId,
    businessKey,
    variables,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const tasks = await client.get(`/api/v1/tasks?instanceId=${res.body.id}`);
  const task = tasks.body.items[0];
  expect(task, JSON.stringify(tasks.body)).toBeDefined();
  return { instanceId: res.body.id, taskId: task.id, businessKey };
}

/** A customer of the county from the demo data (the task page shows its card, bills and arrears). */
export async function customerIn(t: TestPlatform, departmentId: string): Promise<{ id: string; name: string }> {
  const row = await t.platform
    .db('customers')
    .whereLike('department_id', `${departmentId}%`)
    .orderBy('account_no')
    .first('id', 'name');
  expect(row, `a demo customer in ${departmentId}`).toBeDefined();
  return row as { id: string; name: string };
}

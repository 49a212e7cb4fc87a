import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, fixture, openTasks } from '../../support/workflow.js';

/**
 * camunda:property `department` on a user task (server/workflow/element-department.ts): each
 * multi-instance iteration's task takes the department it names, which must exist and lie within
 * the instance's own department subtree; otherwise the step is refused into an incident that
 * names the reason, and no task is created.
 */
describe.each(BACKENDS)('a task taking its department from a variable (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('designer'), fixture('task-department.from-variable.bpmn'));
    clerk = await t.as('xh.clerk');
    admin = await t.as('admin');
  });
  afterAll(() => t?.close());

  const startWith = async (stations: string[]) => {
    const res = await clerk.post('/api/v1/process-instances', {
      definitionKey: 'taskDepartment',
      departmentId: 'ZJ-HZ-XH',
      businessKey: `TD-${stations.join('-')}`,
      variables: { stations },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const incidentOf = (id: string) =>
    eventually(async () => {
      const res = await admin.get(`/api/v1/incidents?instanceId=${id}`);
      return res.body.items?.[0] as { message: string } | undefined;
    }, 10_000);

  it('puts each iteration’s task in the station it names, inside the instance’s county', async () => {
    const id = await startWith(['ZJ-HZ-XH-LY', 'ZJ-HZ-XH-XX']);
    const tasks = await eventually(async () => {
      const open = await openTasks(clerk, id);
      return open.length === 2 ? open : undefined;
    }, 10_000);
    expect(tasks!.map((task) => task.departmentId).sort()).toEqual(['ZJ-HZ-XH-LY', 'ZJ-HZ-XH-XX']);
  });

  it.each([
    ['another county', 'JS-NJ-JN', 'department "JS-NJ-JN" is not within the instance\'s department "ZJ-HZ-XH"'],
    ['its own parent', 'ZJ-HZ', 'department "ZJ-HZ" is not within the instance\'s department "ZJ-HZ-XH"'],
    ['a department that does not exist', 'ZJ-HZ-XH-NOPE', 'department "ZJ-HZ-XH-NOPE" does not exist'],
  ])('refuses %s into an incident naming the reason, creating no task', async (_, station, reason) => {
    const id = await startWith(['ZJ-HZ-XH-LY', station]);
    const incident = await incidentOf(id);
    expect(incident!.message).toContain(`"inspect": ${reason}`);
    const tasks = await t.platform.db('tasks').where({ instance_id: id });
    expect(tasks).toEqual([]);
  });
});

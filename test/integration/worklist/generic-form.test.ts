import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('generic task form: typed variables on completion (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;

  async function claimedTask(variables: Record<string, unknown>) {
    const { id } = await start(clerk, 'generic_form_approval', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: `GF-${randomUUID().slice(0, 8)}`,
      variables,
    });
    const task = (await openTasks(clerk, id))[0]!;
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    return { instanceId: id, taskId: task.id };
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('designer'), fixture('generic-form.approval.bpmn'));
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  it('lists the variables of a task without a form with their types, and what the process reads', async () => {
    // given
    const { taskId } = await claimedTask({
      amount: 12.5,
      note: '客户来电',
      urgent: true,
      since: '2026-12-01',
      meta: { source: 'phone' },
    });
    // when
    const form = await clerk.get(`/api/v1/tasks/${taskId}/form`);
    const res = await clerk.get(`/api/v1/tasks/${taskId}/variables`);
    // then
    expect(form.status).toBe(404);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const types = Object.fromEntries(res.body.variables.map((v: { name: string; type: string }) => [v.name, v.type]));
    expect(types).toMatchObject({ amount: 'number', note: 'string', urgent: 'boolean', since: 'date', meta: 'json' });
    expect(res.body.required).toEqual(expect.arrayContaining(['amount', 'approved']));
  });

  it.each([
    [
      'a number that is not a number',
      { amount: { type: 'number', value: '12abc' } },
      'body.typedVariables.amount',
      'type',
    ],
    [
      'a date that is not ISO 8601',
      { since: { type: 'date', value: '01/12/2026' } },
      'body.typedVariables.since',
      'format',
    ],
    [
      'a day that does not exist',
      { since: { type: 'date', value: '2026-02-30' } },
      'body.typedVariables.since',
      'format',
    ],
    [
      'JSON that does not parse',
      { meta: { type: 'json', value: '{"source": ' } },
      'body.typedVariables.meta',
      'format',
    ],
    ['a boolean that is neither', { urgent: { type: 'boolean', value: 'yes' } }, 'body.typedVariables.urgent', 'type'],
  ])('refuses %s with 400 naming the field, and the task stays open', async (_what, typed, field, reason) => {
    // given
    const { taskId } = await claimedTask({ amount: 1 });
    // when
    const res = await clerk.post(`/api/v1/tasks/${taskId}/complete`, { typedVariables: typed });
    // then
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field, reason })]);
    expect((await clerk.get(`/api/v1/tasks/${taskId}`)).body.status).toBe('open');
  });

  it('refuses to remove a variable the process reads', async () => {
    // given
    const { taskId } = await claimedTask({ amount: 50, approved: true, note: 'x' });
    // when
    const res = await clerk.post(`/api/v1/tasks/${taskId}/complete`, { removeVariables: ['amount', 'note'] });
    // then
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'body.removeVariables.amount', reason: 'required' }),
    ]);
  });

  it.each([
    ['a name that is no identifier', { '1st': { type: 'string', value: 'x' } }],
    ['a name longer than 64 characters', { ['n'.repeat(65)]: { type: 'string', value: 'x' } }],
    ['a name the engine reserves', { environment: { type: 'string', value: 'x' } }],
    ['an unknown type', { note: { type: 'money', value: '1' } }],
  ])('refuses %s', async (_what, typed) => {
    const { taskId } = await claimedTask({});
    const res = await clerk.post(`/api/v1/tasks/${taskId}/complete`, { typedVariables: typed });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors[0].field).toMatch(/^body\.typedVariables/);
  });

  it('completes with typed, added and removed variables, and the process continues with them', async () => {
    // given
    const { instanceId, taskId } = await claimedTask({ amount: 5, note: '待删除', since: '2026-11-30' });
    // when
    const res = await clerk.post(`/api/v1/tasks/${taskId}/complete`, {
      typedVariables: {
        amount: { type: 'number', value: '42.5' },
        approved: { type: 'boolean', value: 'true' },
        since: { type: 'date', value: '2026-12-05T08:30:00Z' },
        extra: { type: 'json', value: '{"k":[1,2]}' },
        comment: { type: 'string', value: '同意' },
      },
      removeVariables: ['note'],
    });
    // then
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.nextTasks.map((n: { elementId: string }) => n.elementId)).toEqual(['confirm']);
    const variables = (await instance(clerk, instanceId)).variables;
    expect(variables).toMatchObject({
      amount: 42.5,
      approved: true,
      since: '2026-12-05T08:30:00Z',
      extra: { k: [1, 2] },
      comment: '同意',
    });
    expect(variables).not.toHaveProperty('note');
  });

  it('takes plain variables as before', async () => {
    const { instanceId, taskId } = await claimedTask({});
    const res = await clerk.post(`/api/v1/tasks/${taskId}/complete`, { variables: { approved: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await instance(clerk, instanceId)).status).toBe('completed');
  });
});

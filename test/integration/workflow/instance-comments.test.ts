import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeTask, deploy, start, twoStepProcess } from '../../support/workflow.js';
import { TestSocket } from '../realtime/socket-client.js';

const KEY = 'instanceComments';

describe.each(BACKENDS)('comments on an instance (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let leader: ApiClient;
  let socket: TestSocket;

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    await deploy(await t.as('designer'), twoStepProcess(KEY));
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
    socket = await TestSocket.as(t.url, 'xh.manager');
  });
  afterAll(async () => {
    socket?.close();
    await t?.close();
  });

  const begin = (businessKey: string) => start(clerk, KEY, { departmentId: 'ZJ-HZ-XH', businessKey });
  const comments = async (client: ApiClient, id: string) => {
    const res = await client.get(`/api/v1/process-instances/${id}/comments`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as { taskId: string | null; author: string; authorName: string; body: string }[];
  };

  it('adds a trimmed comment to the instance, lists it with the task comments, audits it and pushes it live', async () => {
    // given an instance whose viewer (the county manager) watches its room, and a comment on its task
    const { id, tasks } = await begin('CMT-1');
    expect((await socket.subscribe(`instance:${id}`)).ok).toBe(true);
    expect((await clerk.post(`/api/v1/tasks/${tasks[0]!.id}/comments`, { body: '资料已补齐' })).status).toBe(201);

    // when the team leader comments on the instance itself
    const added = await leader.post(`/api/v1/process-instances/${id}/comments`, { body: '  请加急办理  ' });

    // then it is answered, listed after the task's comment with no task, audited and announced
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ instanceId: id, taskId: null, author: 'xh.leader', body: '请加急办理' });
    const list = await comments(clerk, id);
    expect(list.map((c) => [c.taskId === null, c.author, c.body])).toEqual([
      [false, 'xh.clerk', '资料已补齐'],
      [true, 'xh.leader', '请加急办理'],
    ]);
    expect(list[1]!.authorName).not.toBe('xh.leader');
    const audit = await t.platform
      .db('audit_log')
      .where({ action: 'instance.comment', object_id: id })
      .select('actor_name', 'details', 'at');
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ text: '请加急办理', commentId: added.body.id });
    const event = await socket.waitFor(
      (e) => e.topic === 'instance:commented' && e.instanceId === id,
      'instance:commented',
    );
    expect(event.payload).toMatchObject({ businessKey: 'CMT-1', commentId: added.body.id, by: 'xh.leader' });
  });

  it('refuses empty and oversized comments, and changes nothing', async () => {
    const { id } = await begin('CMT-2');
    const empty = await leader.post(`/api/v1/process-instances/${id}/comments`, { body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('body.body');
    expect((await leader.post(`/api/v1/process-instances/${id}/comments`, { body: 'x'.repeat(4001) })).status).toBe(
      400,
    );
    expect((await leader.post(`/api/v1/process-instances/${id}/comments`, {})).status).toBe(400);
    expect(await comments(leader, id)).toEqual([]);
    expect(await t.platform.db('audit_log').where({ action: 'instance.comment', object_id: id })).toEqual([]);
  });

  it('lets holders of instance:comment in the department or above comment; others get 403 or 404', async () => {
    const { id, tasks } = await begin('CMT-3');
    // a clerk reads the instance but may not comment on it; another county does not see it
    expect((await clerk.post(`/api/v1/process-instances/${id}/comments`, { body: 'hi' })).status).toBe(403);
    expect(
      (await (await t.as('yh.leader')).post(`/api/v1/process-instances/${id}/comments`, { body: 'hi' })).status,
    ).toBe(404);
    // the province's manager and headquarters may
    expect(
      (await (await t.as('zj.manager')).post(`/api/v1/process-instances/${id}/comments`, { body: '省' })).status,
    ).toBe(201);
    expect(
      (await (await t.as('hq.supervisor')).post(`/api/v1/process-instances/${id}/comments`, { body: '总部' })).status,
    ).toBe(201);
    // an ended instance may still be commented on (why it ended)
    await completeTask(clerk, tasks[0]!.id);
    const second = (await clerk.get(`/api/v1/tasks?instanceId=${id}`)).body.items[0] as { id: string };
    await completeTask(clerk, second.id);
    expect((await leader.post(`/api/v1/process-instances/${id}/comments`, { body: '已办结' })).status).toBe(201);
    expect((await comments(leader, id)).map((c) => c.body)).toEqual(['省', '总部', '已办结']);
    // an unknown instance is a 404
    expect(
      (await leader.post('/api/v1/process-instances/00000000-0000-4000-8000-000000000000/comments', { body: 'x' }))
        .status,
    ).toBe(404);
  });

  it('is declared in the OpenAPI document with the instance:comment permission', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const post = doc.paths['/api/v1/process-instances/{id}/comments'].post;
    expect(post.requestBody.content['application/json'].schema.properties.body.maxLength).toBe(4000);
    expect(Object.keys(post.responses)).toContain('201');
    expect(post['x-permission']).toBe('instance:comment');
  });
});

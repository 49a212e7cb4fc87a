import Router from '@koa/router';
import Koa from 'koa';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemJson } from '../../../server/http/middleware/errors.js';
import { Answer, mount, noContent, route, undeclaredKeys, type Route } from '../../../server/http/route.js';
import { createLogger } from '../../../server/lib/logger.js';
import type { Actor } from '../../../server/lib/actor.js';

const item = z.object({ id: z.string(), dueAt: z.string().nullable() });

/** Routes whose handlers return what a careless SELECT would: the contract must catch each. */
function routes(answers: Record<string, unknown>): Route[] {
  return [
    ...Object.entries(answers).map(([name, answer]) =>
      route({
        method: 'get',
        path: `/${name}`,
        tag: 'Test',
        summary: name,
        response: item,
        handle: async () => answer as z.infer<typeof item>,
      }),
    ),
    route({
      method: 'post',
      path: '/replayed',
      tag: 'Test',
      summary: 'replayed create',
      status: 201,
      otherStatuses: [200],
      response: item,
      handle: async () => new Answer(200, { id: 'a', dueAt: null }),
    }),
    route({
      method: 'delete',
      path: '/gone',
      tag: 'Test',
      summary: 'gone',
      response: noContent,
      handle: async () => undefined,
    }),
  ];
}

describe('route() response contract', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = new Koa();
    app.use(problemJson(createLogger('silent')));
    const router = new Router();
    const hooks = { authenticate: async () => ({ username: 't' }) as unknown as Actor, authorize: async () => {} };
    for (const r of routes({
      ok: { id: 'a', dueAt: '2026-12-04T00:00:00.000Z' },
      date: { id: 'a', dueAt: new Date('2026-12-04T00:00:00Z') },
      snake: { id: 'a', dueAt: null, due_at: null },
      missing: { id: 'a' },
      wrongType: { id: 7, dueAt: null },
    }))
      mount(router, r, hooks, { validateResponses: true });
    app.use(router.routes());
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('passes an answer in its declared shape, dates in their JSON form', async () => {
    expect((await fetch(`${base}/ok`)).status).toBe(200);
    expect(await (await fetch(`${base}/date`)).json()).toEqual({ id: 'a', dueAt: '2026-12-04T00:00:00.000Z' });
  });

  it.each([
    ['snake', 'body.due_at'],
    ['missing', 'body.dueAt'],
    ['wrongType', 'body.id'],
  ])('answers 500 RESPONSE_CONTRACT_VIOLATION when a handler answers %s', async (name, field) => {
    const res = await fetch(`${base}/${name}`);
    expect(res.status).toBe(500);
    const problem = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('RESPONSE_CONTRACT_VIOLATION');
    expect(problem.errors.map((e) => e.field)).toContain(field);
  });

  it('answers an Answer with its own status, and noContent with 204', async () => {
    expect((await fetch(`${base}/replayed`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${base}/gone`, { method: 'DELETE' })).status).toBe(204);
  });

  it('finds undeclared keys at any depth', () => {
    expect(undeclaredKeys({ a: [{ b: 1, c: 2 }] }, { a: [{ b: 1 }] })).toEqual(['body.a.0.c']);
  });

  it('refuses to mount a route without a declared response', () => {
    const untyped = { method: 'get', path: '/x', tag: 'T', summary: 'x', handle: async () => 1 } as unknown as Route;
    expect(() => mount(new Router(), untyped, {} as never, { validateResponses: false })).toThrow(
      /declares no response/,
    );
  });
});

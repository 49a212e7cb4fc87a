import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { ApiClient, type Response } from '../../support/client.js';
import { BACKENDS, type Backend } from '../../support/database.js';
import {
  bodyFor,
  changed,
  encode,
  fingerprinter,
  hostileSegment,
  queryFor,
  valueOf,
  type JsonSchema,
} from '../../support/fuzz.js';

/**
 * Every write route under /api/v1, fed bodies generated from its own request schema (mostly
 * schema-shaped, with hostile leaves), odd path ids and query strings, as the administrator and
 * as a county clerk. A fixed seed makes every run send the same requests; a time budget bounds it.
 */
const SEED = 20261204;
const RUNS_PER_ROUTE_AND_ACTOR = 10;
/** Per backend; each route and actor gets a fair share of what is left. */
const BUDGET_MS = 35_000;
const ACTORS = ['admin', 'xh.clerk'] as const;

/**
 * Not counted: tables a refused request writes by design. `audit_log` records refused logins
 * (and throttled ones) — that is its purpose; `login_throttle` is the failure counter that
 * refused logins raise. Both are append-only records of attempts, not platform state.
 */
const WRITTEN_ON_REFUSAL = ['audit_log', 'login_throttle'];
/**
 * Tables whose rows are hashed, not just counted (an update leaves counts unchanged), with the
 * columns left out of the hash: an instance's engine state is rewritten only with its revision,
 * and a definition's XML and parsed context never change once deployed (`xml_hash` stands for them).
 */
const HASHED: Record<string, string[]> = {
  process_instances: ['state'],
  tasks: [],
  jobs: [],
  customers: [],
  meters: [],
  bills: [],
  payments: [],
  deployments: [],
  process_definitions: ['xml', 'serialized_context'],
  users: [],
  user_roles: [],
  casbin_policies: [],
  departments: [],
  tariffs: [],
  designer_drafts: [],
  worklist_filters: [],
};

/** Real ids from the demo data, by the collection a path names. */
const REAL_IDS: [RegExp, string][] = [
  [/\/tasks\/\{/, 'SELECT id::text AS id FROM tasks'],
  [/\/process-instances\/\{/, 'SELECT id::text AS id FROM process_instances'],
  [/\/customers\/\{/, 'SELECT id::text AS id FROM customers'],
  [/\/meters\/\{/, 'SELECT id::text AS id FROM meters'],
  [/\/payments\/\{/, 'SELECT id::text AS id FROM payments'],
  // Not the acting users: a generated body that deactivates one would end the run's session.
  [/\/admin\/users\/\{/, `SELECT id::text AS id FROM users WHERE username NOT IN ('admin', 'xh.clerk')`],
  [/\/admin\/departments\/\{/, 'SELECT id FROM departments'],
  [/\/tokens\/\{/, 'SELECT id::text AS id FROM api_tokens'],
  [/\/incidents\/\{/, 'SELECT id::text AS id FROM incidents'],
  [/\/jobs\/\{/, 'SELECT id::text AS id FROM jobs'],
  [/\/alerts\/\{/, 'SELECT id::text AS id FROM sla_alerts'],
  [/\/worklist\/filters\/\{/, 'SELECT id::text AS id FROM worklist_filters'],
  [/\/drafts\/\{/, 'SELECT key AS id FROM process_definitions UNION SELECT key FROM designer_drafts'],
  [/\/tariffs\/\{/, 'SELECT code AS id FROM tariffs'],
];

interface Operation {
  method: string;
  /** The OpenAPI path, e.g. /api/v1/tasks/{id}/claim. */
  path: string;
  params: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
  contentTypes: string[];
}

type Payload =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string; type: string }
  | { kind: 'multipart'; files: { field: string; name: string; content: string }[] };

interface FuzzRequest {
  url: string;
  payload: Payload;
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema: JsonSchema;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

function writeOperations(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: op.requestBody?.content['application/json']?.schema,
        contentTypes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  // Logging out ends the session and failed logins throttle the address: those two run last.
  const last = (op: Operation) => (op.path.endsWith('/auth/logout') ? 1 : op.path.endsWith('/auth/login') ? 2 : 0);
  return ops.sort((a, b) => last(a) - last(b));
}

function payloadFor(op: Operation): fc.Arbitrary<Payload> {
  const json = bodyFor(op.body).map((value): Payload =>
    value === undefined ? { kind: 'none' } : { kind: 'json', value },
  );
  const broken = fc.constantFrom<Payload>(
    { kind: 'text', text: '{"unterminated": ', type: 'application/json' },
    { kind: 'text', text: 'null', type: 'application/json' },
    { kind: 'text', text: '<?xml version="1.0"?><definitions/>', type: 'text/xml' },
  );
  const file = fc.record({
    field: fc.constantFrom('file', 'data', 'attachment', '__proto__'),
    name: fc.oneof(fc.constantFrom('a.bpmn', 'x.form', '../../etc/passwd', 'a\u0000b.pdf', ''), fc.string()),
    content: fc.oneof(fc.string({ maxLength: 200 }), fc.constant('<definitions xmlns="x"/>')),
  });
  const multipart = fc.array(file, { maxLength: 3 }).map((files): Payload => ({ kind: 'multipart', files }));
  const acceptsFiles = op.contentTypes.includes('multipart/form-data') || /attachments$/.test(op.path);
  return fc.oneof(
    { weight: 8, arbitrary: json },
    { weight: 1, arbitrary: broken },
    { weight: acceptsFiles ? 4 : 0, arbitrary: multipart },
  );
}

function requestFor(op: Operation, realIds: string[]): fc.Arbitrary<FuzzRequest> {
  const segments = op.params.map((p) =>
    fc.oneof(
      { weight: realIds.length ? 4 : 0, arbitrary: realIds.length ? fc.constantFrom(...realIds) : fc.constant('') },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: hostileSegment },
      { weight: 1, arbitrary: valueOf(p.schema, 0).map((v) => encode(String(v))) },
    ),
  );
  return fc.tuple(fc.tuple(...segments), queryFor(op.query), payloadFor(op)).map(([ids, query, payload]) => {
    let i = 0;
    const path = op.path.replace(/\{[^}]+\}/g, () => ids[i++] ?? '');
    return { url: query ? `${path}?${query}` : path, payload };
  });
}

function send(client: ApiClient, method: string, request: FuzzRequest): Promise<Response> {
  const { payload } = request;
  if (payload.kind === 'json') {
    const text = JSON.stringify(payload.value) ?? 'null';
    return client.request(method, request.url, text, { 'content-type': 'application/json' });
  }
  if (payload.kind === 'text')
    return client.request(method, request.url, payload.text, { 'content-type': payload.type });
  if (payload.kind === 'multipart') {
    const form = new FormData();
    for (const f of payload.files) form.append(f.field, new Blob([f.content]), f.name);
    return client.request(method, request.url, form);
  }
  return client.request(method, request.url);
}

function describeRequest(op: Operation, actor: string, seed: number, run: number, request: FuzzRequest): string {
  // Long text is shortened, not cut off, so every field of the request stays visible.
  const shorten = (_key: string, value: unknown) =>
    typeof value === 'string' && value.length > 60 ? `${value.slice(0, 20)}…(${value.length} chars)` : value;
  const sent = request.payload.kind === 'json' ? request.payload.value : request.payload;
  const body = JSON.stringify(sent, shorten);
  const shown = body && body.length > 1500 ? `${body.slice(0, 1500)}… (${body.length} chars)` : body;
  return `${op.method} ${request.url.slice(0, 300)} as ${actor} (seed ${seed}, run ${run}) body ${shown}`;
}

function describeAnswer(res: Response): string {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  return `${res.status} ${(text ?? '').slice(0, 600)}`;
}

describe.each<Backend>(BACKENDS)('fuzzing every write route (%s)', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    // No job executor: nothing changes the database between two requests but the requests.
    t = await startTestPlatform(backend, { jobs: false, demoProcesses: true, env: { DEMO_CUSTOMERS: '20' } });
  }, 180_000);
  afterAll(() => t?.close());

  it(
    'answers no 5xx to generated requests, and a refused request changes nothing',
    async () => {
      const doc = (await t.anonymous().get('/api/openapi.json')).body;
      const ops = writeOperations(doc);
      const takeFingerprint = await fingerprinter(t.database.db, WRITTEN_ON_REFUSAL, HASHED);
      let fingerprintMs = 0;
      const fingerprint = async () => {
        const start = Date.now();
        const taken = await takeFingerprint();
        fingerprintMs += Date.now() - start;
        return taken;
      };
      const clients = new Map<string, ApiClient>();
      for (const name of ACTORS) clients.set(name, await new ApiClient(t.url).login(name));
      const relogin = async (name: string) => clients.set(name, await new ApiClient(t.url).login(name));

      const serverErrors: string[] = [];
      const changedOnRefusal: string[] = [];
      const covered = new Set<string>();
      const accepted = new Set<string>();
      let requests = 0;
      let refused = 0;
      let truncated = 0;
      const started = Date.now();
      let before = await fingerprint();

      for (const [index, op] of ops.entries()) {
        const query = REAL_IDS.find(([pattern]) => pattern.test(op.path))?.[1];
        const realIds = query
          ? (await t.database.db.raw<{ rows: { id: string }[] }>(`${query} LIMIT 20`)).rows.map((r) => encode(r.id))
          : [];
        for (const [a, actor] of ACTORS.entries()) {
          const seed = SEED + index * ACTORS.length + a;
          const slotsLeft = (ops.length - index) * ACTORS.length - a;
          const deadline = Date.now() + (BUDGET_MS - (Date.now() - started)) / slotsLeft;
          const samples = fc.sample(requestFor(op, realIds), { seed, numRuns: RUNS_PER_ROUTE_AND_ACTOR });
          for (const [run, request] of samples.entries()) {
            if (run > 0 && Date.now() > deadline) {
              truncated++;
              break;
            }
            const what = describeRequest(op, actor, seed, run, request);
            let res: Response;
            try {
              res = await send(clients.get(actor)!, op.method, request);
            } catch (err) {
              serverErrors.push(`${what} → no answer: ${String(err)}`);
              before = await fingerprint();
              continue;
            }
            requests++;
            covered.add(`${op.method} ${op.path}`);
            if (res.status >= 500) serverErrors.push(`${what} → ${describeAnswer(res)}`);
            const after = await fingerprint();
            if (res.status >= 400 && res.status < 500) {
              refused++;
              const diff = changed(before, after);
              if (diff.length) changedOnRefusal.push(`${what} → ${describeAnswer(res)} changed ${diff.join(', ')}`);
              before = after;
            } else {
              if (res.status < 300) accepted.add(`${op.method} ${op.path}`);
              // An accepted request may finish work after its answer: wait for the database to settle.
              before = after;
              for (let i = 0; i < 20; i++) {
                await new Promise((r) => setTimeout(r, 25));
                const next = await fingerprint();
                if (!changed(before, next).length) break;
                before = next;
              }
            }
            const loggedOut = res.status === 401 || (op.path.endsWith('/auth/logout') && res.status < 300);
            if (loggedOut && !op.path.endsWith('/auth/login')) {
              await relogin(actor);
              before = await fingerprint();
            }
          }
        }
      }

      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `fuzz (${backend}): ${requests} requests in ${seconds} s, ${covered.size}/${ops.length} write routes covered ` +
          `(${accepted.size} accepted at least one), ${refused} refused, ${serverErrors.length} answered 5xx, ` +
          `${changedOnRefusal.length} refused but changed the database, ${truncated} route×actor runs cut by the budget ` +
          `(fingerprints took ${(fingerprintMs / 1000).toFixed(1)} s)\n`,
      );
      for (const line of [...serverErrors, ...changedOnRefusal]) process.stdout.write(`  ${line}\n`);
      expect(serverErrors).toEqual([]);
      expect(changedOnRefusal).toEqual([]);
      expect(covered.size).toBe(ops.length);
      expect(ops.length).toBeGreaterThan(40);
    },
    BUDGET_MS + 60_000,
  );
});

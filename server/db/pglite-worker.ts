import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { PgliteReply, PgliteRequest } from './pglite-thread.js';

/**
 * The embedded database on a thread of its own. PGlite runs PostgreSQL compiled to WebAssembly
 * synchronously on the thread that calls it: on the main thread a long query (a day's screening
 * over every customer) would hold every request for its whole length.
 */
const port = parentPort;
if (!port) throw new Error('the embedded database runs only as a worker thread');
const { dataDir } = workerData as { dataDir: string | null };
const db = dataDir ? new PGlite(dataDir) : new PGlite();

/** A PostgreSQL error's fields (code, detail, constraint…) as plain data. */
function toPlain(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: Record<string, unknown> = { name: err.name, message: err.message };
  for (const [key, value] of Object.entries(err)) {
    if (value === undefined || typeof value === 'function' || key === 'query' || key === 'params') continue;
    fields[key] = value;
  }
  return fields;
}

port.on('message', (request: PgliteRequest) => {
  if (request.kind === 'close') {
    void db.close().finally(() => port.postMessage({ id: request.id, ok: true, result: null } satisfies PgliteReply));
    return;
  }
  db.query(request.sql, request.params, request.options).then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies PgliteReply),
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: toPlain(err) } satisfies PgliteReply),
  );
});
db.waitReady.then(
  () => port.postMessage({ ready: true }),
  (err: unknown) => port.postMessage({ ready: false, error: toPlain(err) }),
);

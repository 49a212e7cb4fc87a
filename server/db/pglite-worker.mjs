// The embedded database on a thread of its own. PGlite runs PostgreSQL compiled to WebAssembly
// synchronously on the thread that calls it: on the main thread a long query (a day's screening
// over every customer) would hold every request for its whole length. Plain JavaScript, so the
// thread starts without a TypeScript loader; it takes PostgreSQL's WebAssembly compiled once per
// process by the main thread (server/db/pglite-thread.ts), which speaks its protocol.
import { Blob } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const port = parentPort;
if (!port) throw new Error('the embedded database runs only as a worker thread');
const { dataDir, pgliteWasmModule, initdbWasmModule, loadDataDir } = workerData;
// In memory it is named `memory://`: PGlite opens a `loadDataDir` only with a data directory named,
// and with none it silently starts an empty database instead of the snapshot.
const db = new PGlite(dataDir ?? 'memory://', {
  pgliteWasmModule,
  initdbWasmModule,
  // A database folder's tarball (dumpDataDir, gzipped or not) to start from instead of running initdb.
  ...(loadDataDir ? { loadDataDir: new Blob([loadDataDir]) } : {}),
});

/** A PostgreSQL error's fields (code, detail, constraint…) as plain data. */
function toPlain(err) {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields = { name: err.name, message: err.message };
  for (const [key, value] of Object.entries(err)) {
    if (value === undefined || typeof value === 'function' || key === 'query' || key === 'params') continue;
    fields[key] = value;
  }
  return fields;
}

port.on('message', (request) => {
  if (request.kind === 'dump') {
    db.dumpDataDir(request.compression)
      .then((file) => file.arrayBuffer())
      .then(
        (bytes) => port.postMessage({ id: request.id, ok: true, result: new Uint8Array(bytes) }, [bytes]),
        (err) => port.postMessage({ id: request.id, ok: false, error: toPlain(err) }),
      );
    return;
  }
  if (request.kind === 'close') {
    void db.close().finally(() => port.postMessage({ id: request.id, ok: true, result: null }));
    return;
  }
  db.query(request.sql, request.params, request.options).then(
    (result) => port.postMessage({ id: request.id, ok: true, result }),
    (err) => port.postMessage({ id: request.id, ok: false, error: toPlain(err) }),
  );
});
db.waitReady.then(
  () => port.postMessage({ ready: true }),
  (err) => port.postMessage({ ready: false, error: toPlain(err) }),
);

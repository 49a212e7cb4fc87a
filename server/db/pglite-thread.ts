import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./pglite-worker.mjs', import.meta.url);

/**
 * PostgreSQL's WebAssembly, compiled once per process (off the event loop) and handed to every
 * embedded database's thread: compiling it per database would cost each one seconds of CPU.
 */
let compiled: Promise<{ pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module }> | null = null;
function compiledModules() {
  compiled ??= (async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const [pglite, initdb] = await Promise.all([
      readFile(path.join(dist, 'pglite.wasm')),
      readFile(path.join(dist, 'initdb.wasm')),
    ]);
    // The WebAssembly global is Node's, though the TypeScript lib here declares only its types.
    const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } })
      .WebAssembly;
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([wasm.compile(pglite), wasm.compile(initdb)]);
    return { pgliteWasmModule, initdbWasmModule };
  })();
  compiled.catch(() => (compiled = null));
  return compiled;
}

type PgliteCommand =
  | { kind: 'query'; sql: string; params?: unknown[]; options?: Record<string, unknown> }
  | { kind: 'dump'; compression: DumpCompression }
  | { kind: 'close' };

/** `none` opens about twice as fast as `gzip` (no inflating) at ~8x the size. */
export type DumpCompression = 'gzip' | 'none';

export type PgliteRequest = PgliteCommand & { id: number };

export type PgliteReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Record<string, unknown> };

type Ready = { ready: true } | { ready: false; error: Record<string, unknown> };

/**
 * The embedded database (PGlite) on a worker thread, with the part of PGlite's interface that
 * knex-pglite uses: `waitReady`, `query`, `close`. Queries run in the order they are sent, on the
 * one connection, as they would on the main thread; only the waiting is asynchronous.
 */
export class PgliteThread {
  /**
   * What knex-pglite awaits when its pool creates "the connection": answered at once, because the
   * pool gives a creation 30 s and then destroys the late connection — which here closes the
   * database. Opening (compiling PostgreSQL, initdb) is CPU-bound and can outlast that on a loaded
   * machine; queries sent meanwhile wait in order for the thread, and an open that fails rejects
   * them, so nothing is lost by not waiting here.
   */
  readonly waitReady: Promise<void> = Promise.resolve();
  /** The thread's database has opened (or failed to). */
  private readonly opened: Promise<void>;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly queued: PgliteRequest[] = [];
  private nextId = 1;
  private failure: Error | null = null;

  /** `loadDataDir`: a folder's tarball (`dump`, gzipped or not) to open instead of an empty database. */
  constructor(dataDir: string | null, loadDataDir?: Uint8Array) {
    this.opened = compiledModules().then(
      (modules) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER, { workerData: { dataDir, loadDataDir, ...modules } });
          this.worker = worker;
          worker.unref();
          worker.on('message', (message: PgliteReply | Ready) => {
            if ('ready' in message) {
              if (message.ready) resolve();
              else reject(fromPlain(message.error));
              return;
            }
            const waiting = this.pending.get(message.id);
            if (!waiting) return;
            this.pending.delete(message.id);
            if (message.ok) waiting.resolve(message.result);
            else waiting.reject(fromPlain(message.error));
          });
          const fail = (error: Error) => {
            this.failure ??= error;
            reject(error);
            for (const waiting of this.pending.values()) waiting.reject(error);
            this.pending.clear();
          };
          worker.on('error', fail);
          worker.on('exit', (code) => fail(new Error(`the embedded database stopped (exit ${code})`)));
          for (const request of this.queued.splice(0)) worker.postMessage(request);
        }),
    );
    // Whoever uses the database sees a failure to open; an unobserved one must not end the process.
    this.opened.catch((error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    });
  }

  query<T = unknown>(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<T> {
    return this.send({ kind: 'query', sql, params, options }) as Promise<T>;
  }

  /** The whole database folder as a tarball, which `loadDataDir` opens again. */
  dump(compression: DumpCompression = 'gzip'): Promise<Uint8Array> {
    return this.send({ kind: 'dump', compression }) as Promise<Uint8Array>;
  }

  async close(): Promise<void> {
    await this.opened.catch(() => undefined);
    if (!this.failure) await this.send({ kind: 'close' }).catch(() => undefined);
    await this.worker?.terminate();
  }

  private send(request: PgliteCommand): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Until the thread runs, requests wait here in order; the thread itself holds them until open.
      if (this.worker) this.worker.postMessage({ ...request, id });
      else this.queued.push({ ...request, id });
    });
  }
}

/** A database error rebuilt with its fields (code, detail, constraint…), as the driver threw it. */
function fromPlain(fields: Record<string, unknown>): Error {
  const error = new Error(typeof fields.message === 'string' ? fields.message : 'database error');
  return Object.assign(error, fields);
}

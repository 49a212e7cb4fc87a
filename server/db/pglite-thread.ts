import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../lib/worker-thread.js';

type PgliteCommand =
  { kind: 'query'; sql: string; params?: unknown[]; options?: Record<string, unknown> } | { kind: 'close' };

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
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(dataDir: string | null) {
    this.worker = startWorker(siblingModule('pglite-worker', import.meta.url), { workerData: { dataDir } });
    this.waitReady = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: PgliteReply | Ready) => {
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
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`the embedded database stopped (exit ${code})`)));
    });
    // Whoever uses the database sees a failure to open; an unobserved one must not end the process.
    this.waitReady.catch(() => undefined);
    this.worker.unref();
  }

  query<T = unknown>(sql: string, params?: unknown[], options?: Record<string, unknown>): Promise<T> {
    return this.send({ kind: 'query', sql, params, options }) as Promise<T>;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.send({ kind: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(request: PgliteCommand): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
}

/** A database error rebuilt with its fields (code, detail, constraint…), as the driver threw it. */
function fromPlain(fields: Record<string, unknown>): Error {
  const error = new Error(typeof fields.message === 'string' ? fields.message : 'database error');
  return Object.assign(error, fields);
}

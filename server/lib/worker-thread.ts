import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/**
 * Starts a worker thread on a module of the platform. A TypeScript module (the source tree, run
 * with tsx) loads through a bootstrap that registers tsx inside the worker, which does not take
 * the main thread's `--import tsx`; a JavaScript one loads directly.
 */
export function startWorker(entry: URL, options: Omit<WorkerOptions, 'workerData'> & { workerData?: object } = {}) {
  const isTs = entry.pathname.endsWith('.ts');
  return new Worker(isTs ? BOOTSTRAP : entry, {
    ...options,
    workerData: { ...options.workerData, entry: entry.href },
  });
}

/** The URL of a sibling module, in the file kind (.ts or .js) the calling module itself has. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { buildSync } from 'esbuild';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);
/**
 * Inside the project's node_modules, so that the bundle's package imports resolve to the
 * project's packages as the sources' own do.
 */
const BUNDLES = new URL('../../node_modules/.cache/power-marketing/', import.meta.url);

/** Per TypeScript entry: its bundle, or null where one could not be made (then tsx loads it). */
const bundles = new Map<string, URL | null>();

/**
 * A TypeScript worker module and the platform's sources it imports, as one JavaScript module (the
 * packages stay imports). A worker thread does not take the main thread's `--import tsx`; loading
 * the module through tsx registered inside the worker cost ~0.9 s of CPU and ~0.55 s before the
 * engine worker was ready, the bundle ~0.3 s and ~0.2 s — paid at every start of a platform and
 * every replacement of a worker that was stopped. Built once per process (~0.1 s), named by its
 * content, so processes of different versions of the sources never share one.
 */
function bundled(entry: URL): URL | null {
  const known = bundles.get(entry.href);
  if (known !== undefined) return known;
  let url: URL | null = null;
  try {
    const [output] = buildSync({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      write: false,
      logLevel: 'silent',
    }).outputFiles;
    if (output) {
      const name = `${entry.pathname.split('/').pop()!.replace(/\.ts$/, '')}-${createHash('sha256').update(output.contents).digest('hex').slice(0, 16)}.mjs`;
      const file = new URL(name, BUNDLES);
      if (!existsSync(file)) {
        mkdirSync(BUNDLES, { recursive: true });
        // Written aside and renamed: another process starting a worker never reads half a file.
        const aside = fileURLToPath(file) + `.${process.pid}`;
        writeFileSync(aside, output.contents);
        renameSync(aside, file);
      }
      url = file;
    }
  } catch {
    // No esbuild, or node_modules not writable: tsx loads the module, more slowly.
    url = null;
  }
  bundles.set(entry.href, url);
  return url;
}

/**
 * Starts a worker thread on a module of the platform. A TypeScript module (the source tree, run
 * with tsx) starts from its bundle, or else through a bootstrap that registers tsx inside the
 * worker; a JavaScript one loads directly.
 */
export function startWorker(entry: URL, options: Omit<WorkerOptions, 'workerData'> & { workerData?: object } = {}) {
  const isTs = entry.pathname.endsWith('.ts');
  const bundle = isTs ? bundled(entry) : null;
  return new Worker(bundle ?? (isTs ? BOOTSTRAP : entry), {
    ...options,
    workerData: { ...options.workerData, entry: entry.href },
  });
}

/** The URL of a sibling module, in the file kind (.ts or .js) the calling module itself has. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds modeler/dist when it is missing or older than its sources, so `npm start` and the
 * browser tests always serve the current app without rebuilding on every run.
 */
export const MODELER_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(MODELER_DIR, '..');
const DIST = path.join(MODELER_DIR, 'dist');
const DIST_INDEX = path.join(DIST, 'index.html');
/** The customer hall's page (modeler/hall/index.html), built beside the staff app's. */
const HALL_PAGE = path.join('hall', 'index.html');
/** Assets of earlier builds are kept this long, for pages that loaded the previous index.html. */
const KEEP_OLD_ASSETS_MS = 24 * 3600 * 1000;

function newest(entry: string): number {
  if (!existsSync(entry)) return 0;
  const s = statSync(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

/** True when dist/index.html or dist/hall/index.html is missing or any source is newer. */
export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX) || !existsSync(path.join(DIST, HALL_PAGE))) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  const sources = [
    path.join(MODELER_DIR, 'src'),
    path.join(MODELER_DIR, 'index.html'),
    path.join(MODELER_DIR, 'hall'),
    // The hall imports its contract types from the server's tree.
    path.join(ROOT, 'server', 'hall', 'hall.contract.ts'),
    path.join(MODELER_DIR, 'vite.config.ts'),
    path.join(ROOT, 'package-lock.json'),
    // The designer bundles the platform's lint rules from the server's tree (server/lint/config.ts).
    path.join(ROOT, 'server', 'lint'),
  ];
  return sources.some((s) => newest(s) > built);
}

/**
 * Runs `vite build` for modeler/ (in this process) when stale; returns whether it built.
 * The build goes to a directory of its own and is then moved in, assets first and index.html
 * last (a rename), so a server or browser reading modeler/dist meanwhile — another test run, a
 * running `npm start` — never sees it half-written or missing.
 */
export async function ensureWebBuild(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webBuildIsStale()) return false;
  const { build } = await import('vite');
  const staging = path.join(DIST, `.build-${process.pid}-${Date.now()}`);
  try {
    await build({
      configFile: path.join(MODELER_DIR, 'vite.config.ts'),
      logLevel: options.quiet ? 'warn' : 'info',
      build: { outDir: staging, emptyOutDir: true },
    });
    await publish(staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return true;
}

async function publish(staging: string): Promise<void> {
  await mkdir(path.join(DIST, 'assets'), { recursive: true });
  for (const name of await readdir(path.join(staging, 'assets')).catch(() => [] as string[]))
    await rename(path.join(staging, 'assets', name), path.join(DIST, 'assets', name));
  for (const entry of await readdir(staging, { withFileTypes: true }))
    if (entry.isFile() && entry.name !== 'index.html')
      await rename(path.join(staging, entry.name), path.join(DIST, entry.name));
  await mkdir(path.join(DIST, 'hall'), { recursive: true });
  await rename(path.join(staging, HALL_PAGE), path.join(DIST, HALL_PAGE));
  await rename(path.join(staging, 'index.html'), DIST_INDEX);
  const cutoff = Date.now() - KEEP_OLD_ASSETS_MS;
  for (const name of await readdir(path.join(DIST, 'assets'))) {
    const file = path.join(DIST, 'assets', name);
    if ((await stat(file)).mtimeMs < cutoff) await rm(file, { force: true });
  }
}

// `tsx modeler/scripts/web-build.ts [--if-stale]`: the npm scripts build:web and start.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const built = await ensureWebBuild({ force: !ifStale, quiet: ifStale });
  if (ifStale && !built) process.stdout.write('browser app is up to date (modeler/dist)\n');
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds modeler/dist when it is missing or older than its sources, so `npm start` and the
 * browser tests always serve the current app without rebuilding on every run.
 */
export const MODELER_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = path.resolve(MODELER_DIR, '..');
const DIST_INDEX = path.join(MODELER_DIR, 'dist', 'index.html');

function newest(entry: string): number {
  if (!existsSync(entry)) return 0;
  const s = statSync(entry);
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

/** True when dist/index.html is missing or any source is newer. */
export function webBuildIsStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  const sources = [
    path.join(MODELER_DIR, 'src'),
    path.join(MODELER_DIR, 'index.html'),
    path.join(MODELER_DIR, 'vite.config.ts'),
    path.join(ROOT, 'package-lock.json'),
  ];
  return sources.some((s) => newest(s) > built);
}

/** Runs `vite build` for modeler/ (in this process) when stale; returns whether it built. */
export async function ensureWebBuild(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webBuildIsStale()) return false;
  const { build } = await import('vite');
  await build({
    configFile: path.join(MODELER_DIR, 'vite.config.ts'),
    logLevel: options.quiet ? 'warn' : 'info',
  });
  return true;
}

// `tsx modeler/scripts/web-build.ts [--if-stale]`: the npm scripts build:web and start.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const built = await ensureWebBuild({ force: !ifStale, quiet: ifStale });
  if (ifStale && !built) process.stdout.write('browser app is up to date (modeler/dist)\n');
}

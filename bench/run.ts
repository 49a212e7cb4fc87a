/** `npm run bench [-- name …]`: runs the named benchmarks (all by default) and prints their figures. */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  engine: () => import('./engine.js'),
  worklist: () => import('./worklist.js'),
  'worklist-ui': () => import('./worklist-ui.js'),
  billing: () => import('./billing.js'),
  monitoring: () => import('./monitoring.js'),
  realtime: () => import('./realtime.js'),
  collection: () => import('./collection.js'),
  responsiveness: () => import('./responsiveness.js'),
  dmn: () => import('./dmn.js'),
  migration: () => import('./migration.js'),
  operations: () => import('./operations.js'),
  hall: () => import('./hall.js'),
  load: () => import('./load.js'),
  reports: () => import('./reports.js'),
  node: () => import('./node.js'),
  latency: () => import('./latency.js'),
};

const argv = process.argv.slice(2);
// A word after an option is its value (`--backend pglite`) unless it names a benchmark.
const requested = argv.filter(
  (a, i) => !a.startsWith('--') && !/^\d+$/.test(a) && (a in BENCHES || !argv[i - 1]?.startsWith('--')),
);
const names = requested.length ? requested : Object.keys(BENCHES);
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  await (await load()).run();
}

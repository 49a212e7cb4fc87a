import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/sequencer.js';

const E2E = 'test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    // The browser tests (test/e2e) serve modeler/dist: build it once per run when stale. The
    // PostgreSQL tests copy a template database named per run.
    globalSetup: ['test/e2e/support/global-setup.ts', 'test/support/global-setup.ts'],
    pool: 'forks',
    // Longest files first, from test/durations.json: a fresh clone has no timing cache.
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          exclude: [E2E],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each integration file creates its own database; two workers match the machine's two cores.
          maxWorkers: 2,
          // Files share their worker's loaded modules (the server's code, PGlite's compiled WASM):
          // every file starts its own platform on its own database. What the server keeps in a
          // module is caches of what does not change, and the report exports' slot count, which
          // each export gives back when its child process exits. Imports took 95 s of the run
          // instead of 380 s.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [E2E],
          // After the server tests, one file at a time: Chromium and the server under test get the
          // two cores to themselves, so a browser step's time reflects the app, not the test load.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // expect.poll waits as long as a locator does (STEP_TIMEOUT in test/e2e/support/browser.ts),
          // not vitest's default second: a poll on what a page shows after a server round trip
          // (a report for another month) ran out at 1 s in a full run on a busy machine.
          expect: { poll: { timeout: 20_000 } },
          maxWorkers: 1,
          // As the server files: one worker's files share the loaded modules (the server's code,
          // playwright-core), so a file pays for its platform and its browser, not for imports.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

/**
 * Writes test/durations.json (paths from the repository root, whatever checkout ran the report) (the order the sequencer starts files in) from a vitest JSON report:
 *   npx vitest run --reporter=default --reporter=json --outputFile.json=/tmp/report.json
 *   npx tsx test/support/write-durations.ts /tmp/report.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface Report {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const input = process.argv[2];
if (!input) {
  process.stderr.write('usage: tsx test/support/write-durations.ts <vitest-json-report>\n');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const report = JSON.parse(readFileSync(input, 'utf8')) as Report;
const durations = Object.fromEntries(
  report.testResults
    .map(
      (file) =>
        [
          file.name.slice(file.name.lastIndexOf('/test/') + 1),
          Math.round((file.endTime - file.startTime) / 100) / 10,
        ] as const,
    )
    .sort(([a], [b]) => a.localeCompare(b)),
);
writeFileSync(resolve(root, 'test/durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
process.stdout.write(`test/durations.json: ${Object.keys(durations).length} files\n`);

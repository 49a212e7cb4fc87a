/**
 * The export process (`export-process.ts` starts it): reads one `ExportJob` as JSON from stdin,
 * writes that streamed report's file to stdout and exits 0, or writes the reason to stderr and
 * exits 1. It holds one database connection and the file writer, nothing of the platform.
 */
import { pipeline } from 'node:stream/promises';
import { createDatabase, DEFAULT_DB_TIMEOUTS } from '../db/index.js';
import { DepartmentTree } from '../identity/departments.js';
import { REPORTS } from './catalogue.js';
import { streamedSource } from './column-sums.js';
import { fileStream } from './export.js';
import type { ExportJob } from './export-process.js';
import type { ReportContext } from './report.js';

async function readJob(): Promise<ExportJob> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  return JSON.parse(text) as ExportJob;
}

async function main(): Promise<void> {
  const job = await readJob();
  const report = REPORTS.find((r) => r.id === job.reportId);
  if (!report?.stream) throw new Error(`report ${job.reportId} is not streamed`);
  const db = createDatabase({ databaseUrl: job.databaseUrl, poolMax: 1, timeouts: DEFAULT_DB_TIMEOUTS });
  try {
    const ctx: ReportContext = {
      db,
      scope: job.scope,
      tree: await DepartmentTree.load(db),
      params: job.params,
      lang: job.lang,
      now: new Date(job.now),
    };
    const source = streamedSource(report.stream(ctx), report.columns);
    await pipeline(fileStream(job.format, source, report.columns, report.name[job.lang], job.lang), process.stdout);
  } finally {
    await db.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

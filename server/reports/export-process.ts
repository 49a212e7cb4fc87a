import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { Scope } from '../access/department-subtree.js';
import type { Lang, ReportParams } from './report.js';

/** What the export process needs to write one streamed report's file (sent as JSON on its stdin). */
export interface ExportJob {
  databaseUrl: string;
  reportId: string;
  /** The caller's scope as the API node resolved it: the process applies it, it never widens it. */
  scope: Scope;
  params: ReportParams;
  lang: Lang;
  /** The platform clock's now (ISO), so the file says what the JSON answer would. */
  now: string;
  format: 'xlsx' | 'csv';
}

/**
 * The export process's heap: a batch of rows, the workbook writer's buffers and the modules fit
 * in it (the 140 000-row .xlsx ran the same with 48 MB). Past it the export fails, and its
 * download with it, rather than grow.
 */
const EXPORT_HEAP_MB = 96;
/** Exports producing at once; more wait for one to end (each is a process and a database connection). */
const MAX_EXPORTS = 2;
/** Of a failed export's stderr, the tail the error carries. */
const STDERR_KEPT = 4096;

let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_EXPORTS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running -= 1;
    waiting.shift()?.();
  };
}

/** The PostgreSQL server's URL the pool of `db` connects to; undefined for the embedded database. */
export function databaseUrlOf(db: Db): string | undefined {
  const config = (db.client as { config: Knex.Config }).config;
  if (config.client !== 'pg') return undefined;
  const connection = config.connection as { connectionString?: string } | string | undefined;
  return typeof connection === 'string' ? connection : connection?.connectionString;
}

/** The child's command line: its entry beside this file, through tsx when the sources run as TypeScript. */
function childArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const entry = path.join(path.dirname(here), `export-child${ext}`);
  const loader = ext === '.ts' ? ['--import', 'tsx'] : [];
  return [`--max-old-space-size=${EXPORT_HEAP_MB}`, '--max-semi-space-size=2', ...loader, entry];
}

/**
 * A streamed report's file, produced by a Node process of its own (`export-child.ts`: a database
 * connection and the file writer, nothing else) and read from its stdout with backpressure: a
 * download read slowly stops the child's writes, not the memory of this node. The bytes end
 * only when the child has exited cleanly; a failed child (or one past its heap) ends the stream
 * with an error, so a cut file is never sent as a whole one. The child is stopped when the
 * reader goes away.
 */
export function exportInChild(job: ExportJob): Readable {
  const out = new PassThrough();
  void slot().then((release) => {
    if (out.destroyed) return release();
    const child = spawn(process.execPath, childArgs(), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT)));
    child.stdout.pipe(out, { end: false });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(job));
    child.on('error', (err) => {
      release();
      out.destroy(err);
    });
    child.on('close', (code, signal) => {
      release();
      if (code === 0) out.end();
      else
        out.destroy(new Error(`report export ${job.reportId} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    out.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
  });
  return out;
}

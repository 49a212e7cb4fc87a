import type { Readable } from 'node:stream';
import type { Db } from '../db/index.js';
import { departmentScope, departmentScopeWithin } from '../access/department-subtree.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { type Clock, utilityToday } from '../lib/clock.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { REPORTS, summaryOf } from './catalogue.js';
import { CATEGORIES } from './billing.report.js';
import { CSV_TYPE, fileStream, XLSX_TYPE } from './export.js';
import { ColumnSums, streamedSource } from './column-sums.js';
import { databaseUrlOf, exportInChild } from './export-process.js';
import type { Lang, ReportContext, ReportDefinition, ReportParams } from './report.js';
import type { ReportResult, ReportSummary } from './report.contract.js';
import type { List } from '../lib/contract.js';
import { AuditService } from '../identity/audit.service.js';
import { createLogger, type Logger } from '../lib/logger.js';
import type { DailyJobs } from '../processes/daily-jobs.js';
import { ReportSchedulesService } from './schedules.service.js';
import { compactBillSums } from './bill-sums.js';

/** The query of `GET /reports/:id` once its shape is checked (routes.ts). */
export interface ReportQuery {
  from?: string;
  to?: string;
  departmentId?: string;
  category?: string;
  format?: 'json' | 'xlsx' | 'csv';
  lang?: Lang;
}

/** A report as a file (`format=xlsx|csv`); the route sends it as an attachment. */
export interface ReportFile {
  contentType: string;
  filename: string;
  body: string | NodeJS.ReadableStream;
}

/** What running scheduled reports needs of the platform: its daily jobs, the audit log, owners as actors. */
export interface Scheduling {
  dailyJobs: DailyJobs;
  audit: AuditService;
  logger: Logger;
  actorOf(userId: string): Promise<Actor | null>;
}

/** The first day of a YYYY-MM-DD day's month. */
function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * The report centre: the catalogue, and one report run in the caller's part of the organisation
 * (their `report:read` departments, the same Casbin grants and subtree rule as every list),
 * answered as JSON or as a file.
 */
export class ReportsService {
  /** The users' scheduled reports; without `scheduling` (a tool's platform) schedules cannot run. */
  readonly schedules: ReportSchedulesService;

  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly clock: Clock,
    scheduling?: Scheduling,
  ) {
    this.schedules = new ReportSchedulesService(db, {
      reports: this,
      clock,
      audit: scheduling?.audit ?? new AuditService(db),
      logger: scheduling?.logger ?? createLogger('silent'),
      actorOf: (id) => (scheduling ? scheduling.actorOf(id) : Promise.resolve(null)),
    });
    // After the nightly screening (01:00) and the arrears scan (02:00), before the working day.
    scheduling?.dailyJobs.register({ name: 'report-schedules', hour: 6, run: (date) => this.schedules.runDue(date) });
    // The period sums gather a delta row or two per bill written; once a day they are folded.
    scheduling?.dailyJobs.register({
      name: 'bill-sums',
      hour: 3,
      run: async () => ({ rows: await compactBillSums(db) }),
    });
  }

  catalogue(): List<ReportSummary> {
    const items = REPORTS.map(summaryOf);
    return { items, total: items.length, totalCapped: false, offset: 0, limit: items.length, hasMore: false };
  }

  /** What `run` refuses (unknown report, a parameter it does not take, a department out of scope), without running it. */
  async check(id: string, query: ReportQuery, actor: Actor): Promise<void> {
    await this.prepare(id, query, actor);
  }

  private async prepare(id: string, query: ReportQuery, actor: Actor) {
    const report = REPORTS.find((r) => r.id === id);
    if (!report) throw new NotFound('report', id);
    const params = this.params(report, query);
    const scope = params.departmentId
      ? await departmentScopeWithin(this.authorization, actor, 'report', 'read', params.departmentId)
      : await departmentScope(this.authorization, actor, 'report', 'read');
    // Only a scheduled run meets this: its owner has lost report:read since (a route needs it).
    if (!scope.all && !scope.departmentIds.length) throw new Forbidden('you may not read reports');
    return { report, params, scope };
  }

  async run(id: string, query: ReportQuery, actor: Actor): Promise<ReportResult | ReportFile> {
    const { report, params, scope } = await this.prepare(id, query, actor);
    const lang = query.lang ?? 'zh';
    const ctx: ReportContext = {
      db: this.db,
      scope,
      tree: await this.authorization.tree(),
      params,
      lang,
      now: new Date(this.clock.now()),
    };
    const format = query.format ?? 'json';
    if (format !== 'json' && report.stream) {
      return this.file(report, ctx, format, this.streamedFile(report, ctx, format));
    }
    let rows = await report.rows(ctx);
    const truncated = report.rowLimit !== undefined && rows.length > report.rowLimit;
    if (truncated) rows = rows.slice(0, report.rowLimit);
    const sums = new ColumnSums(report.columns).add(rows).row();
    const totals = { ...sums, ...(report.totals ? await report.totals(rows, sums, ctx) : {}) };
    if (format !== 'json') {
      const body = fileStream(format, { rows: [rows], totals: () => totals }, report.columns, report.name[lang], lang);
      return this.file(report, ctx, format, body);
    }
    return {
      id: report.id,
      parameters: answeredParameters(report, params),
      columns: report.columns.map(({ id: columnId, label, type }) => ({ id: columnId, label, type })),
      rows,
      totals,
      ...(report.rowLimit !== undefined ? { truncated } : {}),
    };
  }

  /** A report's file: its name says the report and its period, its body is `format`. */
  private file(report: ReportDefinition, ctx: ReportContext, format: 'xlsx' | 'csv', body: Readable): ReportFile {
    const { params } = ctx;
    const name =
      report.period === true
        ? `${report.id}_${params.from}_${params.to}`
        : `${report.id}_${report.period === 'asOf' ? params.to : utilityToday(this.clock)}`;
    return { contentType: format === 'csv' ? CSV_TYPE : XLSX_TYPE, filename: `${name}.${format}`, body };
  }

  /**
   * A per-row report's file, every row from the database batch by batch, its totals the column
   * sums of what went through. On a database server it is produced by a process of its own
   * (`exportInChild`), so hundreds of thousands of rows never grow this node's memory; on the
   * embedded database, which only this process can reach, here.
   */
  private streamedFile(report: ReportDefinition, ctx: ReportContext, format: 'xlsx' | 'csv'): Readable {
    const { scope, params, lang } = ctx;
    if (!report.stream) throw new Error(`report ${report.id} has no streamed rows`);
    const databaseUrl = databaseUrlOf(this.db);
    if (databaseUrl) {
      return exportInChild({
        databaseUrl,
        reportId: report.id,
        scope,
        params,
        lang,
        now: ctx.now.toISOString(),
        format,
      });
    }
    const source = streamedSource(report.stream(ctx), report.columns);
    return fileStream(format, source, report.columns, report.name[lang], lang);
  }

  /** Defaults filled in, and what only this report refuses: a period on a report without one, from after to. */
  private params(report: ReportDefinition, query: ReportQuery): ReportParams {
    const refused = [
      ...(report.period === true ? [] : report.period === 'asOf' ? (['from'] as const) : (['from', 'to'] as const)),
      ...(report.category ? [] : (['category'] as const)),
    ].filter((k) => query[k] !== undefined);
    if (refused.length) {
      throw new Invalid(
        'VALIDATION_FAILED',
        `report ${report.id} takes no ${refused.join(' or ')}`,
        refused.map((k) => ({ field: `query.${k}`, reason: 'not a parameter of this report' })),
      );
    }
    if (query.category !== undefined && !(query.category in CATEGORIES)) {
      throw new Invalid('VALIDATION_FAILED', `unknown category ${query.category}`, [
        { field: 'query.category', reason: `must be one of ${Object.keys(CATEGORIES).join(', ')}` },
      ]);
    }
    const today = utilityToday(this.clock);
    const base = {
      departmentId: query.departmentId,
      ...(query.category !== undefined ? { category: query.category } : {}),
    };
    if (!report.period) return { from: today, to: today, ...base };
    const to = query.to ?? today;
    if (report.period === 'asOf') return { from: to, to, ...base };
    const from = query.from ?? monthStart(to);
    if (from > to) {
      throw new Invalid('VALIDATION_FAILED', `invalid query: from ${from} is after to ${to}`, [
        { field: 'query.from', reason: 'is after to' },
      ]);
    }
    return { from, to, ...base };
  }
}

/** The parameters a report ran with: a report without a period answers for now, so from/to are not among them. */
function answeredParameters(report: ReportDefinition, params: ReportParams): Record<string, string> {
  return {
    ...(report.period === true ? { from: params.from, to: params.to } : {}),
    ...(report.period === 'asOf' ? { to: params.to } : {}),
    ...(params.departmentId ? { departmentId: params.departmentId } : {}),
    ...(params.category ? { category: params.category } : {}),
  };
}

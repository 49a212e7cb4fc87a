import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../db/index.js';
import { addDays } from '../domain/calendar/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { type Clock, utilityToday } from '../lib/clock.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { REPORTS } from './catalogue.js';
import type { ReportDefinition } from './report.js';
import type { ReportFile, ReportQuery, ReportsService } from './reports.service.js';
import type { ReportFileEntry, ReportFrequency, ReportSchedule, ReportScheduleInput } from './schedules.contract.js';

/** How many schedules one user may keep. */
export const MAX_SCHEDULES_PER_USER = 20;
/** How many produced files a schedule keeps; older ones are deleted as new ones come. */
export const FILES_KEPT = 30;

interface ScheduleRow {
  id: string;
  owner_id: string;
  report_id: string;
  parameters: { departmentId?: string; category?: string } | string;
  frequency: ReportFrequency;
  language: 'zh' | 'en';
  next_run_on: string;
  last_run_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

interface FileRow {
  id: string;
  schedule_id: string;
  filename: string;
  size: number;
  parameters: Record<string, string> | string;
  created_at: Date;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** The first day of the month after `day`'s. */
function nextMonthStart(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The utility day from which a schedule created or run on `day` is next due. */
export function nextRunOn(frequency: ReportFrequency, day: string): string {
  return frequency === 'daily' ? addDays(day, 1) : nextMonthStart(day);
}

/** The dates a run on `day` reports: daily the day before, monthly the month before. */
export function runDates(
  report: ReportDefinition,
  frequency: ReportFrequency,
  day: string,
): Pick<ReportQuery, 'from' | 'to'> {
  if (!report.period) return {};
  const to = frequency === 'daily' ? addDays(day, -1) : addDays(`${day.slice(0, 7)}-01`, -1);
  if (report.period === 'asOf') return { to };
  return { from: frequency === 'daily' ? to : `${to.slice(0, 7)}-01`, to };
}

async function bytesOf(body: ReportFile['body']): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What scheduling needs besides the database: the reports, the audit log, an owner as an actor. */
export interface ScheduleDeps {
  reports: ReportsService;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
  /** The owner as they are now: roles and departments read afresh. */
  actorOf(userId: string): Promise<Actor | null>;
}

/**
 * Scheduled reports: a user keeps up to `MAX_SCHEDULES_PER_USER` schedules of reports they may
 * read; a daily job (`runDue`, on the platform's daily jobs, so one node runs a day's batch) runs
 * every schedule due, as its owner with the owner's scope read at run time (a department that
 * has left their scope fails the run instead of showing it), and keeps the newest `FILES_KEPT`
 * .xlsx files per schedule in the database. Only the owner lists, downloads and deletes them.
 */
export class ReportSchedulesService {
  constructor(
    private readonly db: Db,
    private readonly deps: ScheduleDeps,
  ) {}

  async create(input: ReportScheduleInput, actor: Actor): Promise<ReportSchedule> {
    const report = REPORTS.find((r) => r.id === input.reportId);
    if (!report) {
      throw new Invalid('VALIDATION_FAILED', `unknown report ${input.reportId}`, [
        { field: 'body.reportId', reason: 'no such report' },
      ]);
    }
    // The parameters are checked as a run now would check them: 400 for one the report does not
    // take, 403/404 for a department out of scope or unknown.
    await this.deps.reports.check(
      report.id,
      { ...input.parameters, ...runDates(report, input.frequency, this.today()) },
      actor,
    );
    const id = randomUUID();
    await this.db.transaction(async (trx) => {
      // Counted under a lock on the owner's row, so two creations at once cannot pass the limit together.
      await trx('users').where({ id: actor.id }).forUpdate().first('id');
      const [{ n }] = (await trx('report_schedules').where({ owner_id: actor.id }).count({ n: '*' })) as [
        { n: number },
      ];
      if (Number(n) >= MAX_SCHEDULES_PER_USER) {
        throw new Conflict('SCHEDULE_LIMIT', `a user keeps at most ${MAX_SCHEDULES_PER_USER} report schedules`, {
          limit: MAX_SCHEDULES_PER_USER,
        });
      }
      await trx('report_schedules').insert({
        id,
        owner_id: actor.id,
        report_id: report.id,
        parameters: JSON.stringify(input.parameters),
        frequency: input.frequency,
        language: input.language,
        next_run_on: nextRunOn(input.frequency, this.today()),
        created_at: new Date(this.deps.clock.now()),
      });
      await this.deps.audit.record(
        actor,
        'report-schedule.create',
        'report-schedule',
        id,
        { reportId: report.id, frequency: input.frequency, parameters: input.parameters },
        undefined,
        trx,
      );
    });
    return this.one(id, actor);
  }

  async list(actor: Actor): Promise<ReportSchedule[]> {
    const rows = await this.db('report_schedules')
      .where({ owner_id: actor.id })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select<ScheduleRow[]>(...SCHEDULE_COLUMNS(this.db));
    const files = await this.filesOf(rows.map((r) => r.id));
    return rows.map((r) => toSchedule(r, files.get(r.id) ?? []));
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.owned(id, actor);
    await this.db.transaction(async (trx) => {
      await trx('report_schedules').where({ id, owner_id: actor.id }).delete();
      await this.deps.audit.record(actor, 'report-schedule.delete', 'report-schedule', id, {}, undefined, trx);
    });
  }

  /** A produced file, to its schedule's owner only (anyone else: 404, as if it did not exist). */
  async file(id: string, actor: Actor): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
    const row = await this.db('report_files as f')
      .join('report_schedules as s', 's.id', 'f.schedule_id')
      .where({ 'f.id': id, 's.owner_id': actor.id })
      .first<{ filename: string; content_type: string; bytes: Buffer } | undefined>(
        'f.filename',
        'f.content_type',
        'f.bytes',
      );
    if (!row) throw new NotFound('report file', id);
    return { filename: row.filename, contentType: row.content_type, bytes: Buffer.from(row.bytes) };
  }

  /**
   * Runs every schedule due on `day` (its next run on or before it), one after another. A run
   * that fails (the owner's scope no longer holds its department, the owner was disabled) is
   * recorded on the schedule and the schedule moves on to its next date; the others still run.
   * The file and the move to the next date are written together, and only if the schedule still
   * waits for this run, so a second runner never adds a second file.
   */
  async runDue(day: string): Promise<{ ran: number; failed: number }> {
    const due = await this.db('report_schedules')
      .where('next_run_on', '<=', day)
      .orderBy([{ column: 'next_run_on' }, { column: 'id' }])
      .select<ScheduleRow[]>(...SCHEDULE_COLUMNS(this.db));
    let ran = 0;
    let failed = 0;
    for (const schedule of due) {
      if (await this.runOne(schedule, day)) ran += 1;
      else failed += 1;
    }
    return { ran, failed };
  }

  private async runOne(schedule: ScheduleRow, day: string): Promise<boolean> {
    const report = REPORTS.find((r) => r.id === schedule.report_id);
    const parameters = json(schedule.parameters);
    const next = nextRunOn(schedule.frequency, day);
    const now = new Date(this.deps.clock.now());
    const claim = (trx: Db, fields: Record<string, unknown>) =>
      trx('report_schedules')
        .where({ id: schedule.id, next_run_on: schedule.next_run_on })
        .update({ next_run_on: next, last_run_at: now, ...fields });
    try {
      if (!report) throw new Invalid('VALIDATION_FAILED', `report ${schedule.report_id} is no longer in the catalogue`);
      const active = await this.db('users')
        .where({ id: schedule.owner_id, active: true })
        .first<{ id: string } | undefined>('id');
      const owner = active ? await this.deps.actorOf(schedule.owner_id) : null;
      if (!owner) throw new Forbidden('the owner of this schedule may no longer sign in');
      const query: ReportQuery = {
        ...parameters,
        ...runDates(report, schedule.frequency, day),
        format: 'xlsx',
        lang: schedule.language,
      };
      const answer = await this.deps.reports.run(report.id, query, owner);
      if ('columns' in answer) throw new Error('a report asked as .xlsx answered JSON');
      const bytes = await bytesOf(answer.body);
      await this.db.transaction(async (trx) => {
        if (!(await claim(trx, { last_error: null }))) return;
        await trx('report_files').insert({
          id: randomUUID(),
          schedule_id: schedule.id,
          filename: answer.filename,
          content_type: answer.contentType,
          size: bytes.length,
          bytes,
          parameters: JSON.stringify({ ...parameters, ...runDates(report, schedule.frequency, day) }),
          created_at: now,
        });
        const old = await trx('report_files')
          .where({ schedule_id: schedule.id })
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .offset(FILES_KEPT)
          .select<{ id: string }[]>('id');
        if (old.length)
          await trx('report_files')
            .whereIn(
              'id',
              old.map((o) => o.id),
            )
            .delete();
      });
      return true;
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.deps.logger.warn({ err, scheduleId: schedule.id }, 'a scheduled report failed');
      await claim(this.db, { last_error: message.slice(0, 500) });
      return false;
    }
  }

  private today(): string {
    return utilityToday(this.deps.clock);
  }

  private async owned(id: string, actor: Actor): Promise<ScheduleRow> {
    const row = await this.db('report_schedules')
      .where({ id, owner_id: actor.id })
      .first<ScheduleRow | undefined>(...SCHEDULE_COLUMNS(this.db));
    if (!row) throw new NotFound('report schedule', id);
    return row;
  }

  private async one(id: string, actor: Actor): Promise<ReportSchedule> {
    const row = await this.owned(id, actor);
    return toSchedule(row, (await this.filesOf([id])).get(id) ?? []);
  }

  private async filesOf(scheduleIds: string[]): Promise<Map<string, ReportFileEntry[]>> {
    const byId = new Map<string, ReportFileEntry[]>();
    if (!scheduleIds.length) return byId;
    const rows = await this.db('report_files')
      .whereIn('schedule_id', scheduleIds)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .select<FileRow[]>('id', 'schedule_id', 'filename', 'size', 'parameters', 'created_at');
    for (const r of rows) {
      const list = byId.get(r.schedule_id) ?? [];
      list.push({
        id: r.id,
        scheduleId: r.schedule_id,
        filename: r.filename,
        size: Number(r.size),
        parameters: json(r.parameters),
        createdAt: new Date(r.created_at).toISOString(),
      });
      byId.set(r.schedule_id, list);
    }
    return byId;
  }
}

const SCHEDULE_COLUMNS = (db: Db) =>
  [
    'id',
    'owner_id',
    'report_id',
    'parameters',
    'frequency',
    'language',
    db.raw(`to_char(next_run_on, 'YYYY-MM-DD') as next_run_on`),
    'last_run_at',
    'last_error',
    'created_at',
  ] as const;

function toSchedule(r: ScheduleRow, files: ReportFileEntry[]): ReportSchedule {
  const report = REPORTS.find((d) => d.id === r.report_id);
  return {
    id: r.id,
    reportId: r.report_id,
    reportName: report?.name ?? { zh: r.report_id, en: r.report_id },
    parameters: json(r.parameters),
    frequency: r.frequency,
    language: r.language,
    nextRunOn: r.next_run_on,
    lastRunAt: r.last_run_at ? new Date(r.last_run_at).toISOString() : null,
    lastError: r.last_error,
    createdAt: new Date(r.created_at).toISOString(),
    files,
  };
}

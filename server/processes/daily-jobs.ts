import type { Db } from '../db/index.js';
import { utilityHour, utilityToday, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { Periodic } from '../lib/periodic.js';

export interface DailyJob {
  name: string;
  /** The hour (Asia/Shanghai, 0–23) from which the day's run is due: the nightly screening runs at 01:00. */
  hour: number;
  run(date: string): Promise<Record<string, unknown>>;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * Jobs that run once a day on the platform clock (DOMAIN.md §7 nightly screening, §6 overdue scan).
 * Every node polls; the row inserted into `daily_job_runs` is the claim, so one node runs a day's
 * job. Missed days are not replayed: a screening is about today's data, and the overdue scan
 * catches up with everything overdue by itself.
 */
export class DailyJobs {
  private readonly jobs = new Map<string, DailyJob>();
  private poller: Periodic | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly nodeId: string,
  ) {}

  register(job: DailyJob): this {
    if (this.jobs.has(job.name)) throw new Error(`daily job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
    return this;
  }

  start(pollMs = 60_000): void {
    this.poller = new Periodic('daily-jobs', pollMs, () => this.tick(), this.logger);
    this.poller.start(pollMs);
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
    this.poller = null;
  }

  /** Runs every job whose hour has come today (clock time, Asia/Shanghai) and has not run today. */
  async tick(): Promise<string[]> {
    const today = utilityToday(this.clock);
    const hour = utilityHour(this.clock);
    const ran: string[] = [];
    for (const job of this.jobs.values()) {
      if (hour < job.hour) continue;
      if (await this.runOnce(job, today)) ran.push(job.name);
    }
    return ran;
  }

  /** Runs a job for a day unless it ran (or runs) already; true when this call ran it. */
  async runOnce(job: DailyJob | string, date: string): Promise<boolean> {
    const found = typeof job === 'string' ? this.jobs.get(job) : job;
    if (!found) throw new Error(`no daily job ${typeof job === 'string' ? job : job.name}`);
    try {
      await this.db('daily_job_runs').insert({
        name: found.name,
        run_date: date,
        node_id: this.nodeId,
        started_at: new Date(this.clock.now()),
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    try {
      const result = await found.run(date);
      await this.finish(found.name, date, 'completed', result);
    } catch (err) {
      this.logger.error({ err, job: found.name, date }, 'daily job failed');
      await this.finish(found.name, date, 'failed', { error: String((err as Error).message ?? err) });
      throw err;
    }
    return true;
  }

  private async finish(name: string, date: string, status: string, result: Record<string, unknown>) {
    await this.db('daily_job_runs')
      .where({ name, run_date: date })
      .update({ status, result: JSON.stringify(result), finished_at: new Date(this.clock.now()) });
  }
}

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for the runtime: steps, step latency, jobs, incidents (issue 2 §12). */
export class StepMetrics {
  readonly registry = new Registry();
  private readonly stepDuration = new Histogram({
    name: 'bpm_step_duration_seconds',
    help: 'Engine step time (recover, resume, command, getState), by command',
    labelNames: ['command'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly jobs = new Counter({
    name: 'bpm_jobs_total',
    help: 'Jobs executed, by type and result',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });
  private readonly incidents = new Counter({
    name: 'bpm_incidents_total',
    help: 'Incidents raised',
    registers: [this.registry],
  });
  private readonly engineCache = new Counter({
    name: 'bpm_engine_cache_total',
    help: 'Steps that continued a live engine kept for their instance (hit) or recovered it (miss)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly cacheCounts = { hit: 0, miss: 0 };
  private readonly http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request time by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observeStep(command: string, seconds: number): void {
    this.stepDuration.observe({ command }, seconds);
  }
  countEngineCache(result: 'hit' | 'miss'): void {
    this.engineCache.inc({ result });
    this.cacheCounts[result]++;
  }
  /** Steps on this node that continued a live engine or recovered one, so far. */
  engineCacheCounts(): { hit: number; miss: number } {
    return { ...this.cacheCounts };
  }
  countJob(type: string, result: 'ok' | 'retry' | 'incident' | 'skipped'): void {
    this.jobs.inc({ type, result });
  }
  countIncident(): void {
    this.incidents.inc();
  }
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }
}

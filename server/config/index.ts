import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { DatabaseTimeouts } from '../db/index.js';
import { isoDurationMs, type ProcessLimits } from '../engine/runnability.js';
import type { StepLimits } from '../engine/step-context.js';

const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO 8601 duration such as PT1M');

/**
 * Typed configuration, validated once at start (STYLE.md habit 11). A missing production secret
 * is a start-up error, never a silent default.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().url().optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NODE_ID: z.string().min(1).optional(),
    /** How often each node polls for due jobs (ms). */
    JOB_POLL_MS: z.coerce.number().int().min(10).default(500),
    JOB_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Seed demo organisation, users and data. Defaults to on for the embedded database only. */
    DEMO_DATA: z.enum(['true', 'false']).optional(),
    /** Demo customers (with meters, readings, bills, payments) generated into an empty database; default 2 000, none in tests. */
    DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(10_000_000).optional(),
    SESSION_SECRET: z.string().min(32).optional(),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(2 * 1024 * 1024),
    /** Largest file attached to a task (the worklist); 5 MB by default. */
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Mark session cookies Secure (HTTPS only). Defaults to on in production. */
    COOKIE_SECURE: z.enum(['true', 'false']).optional(),
    /** Trust X-Forwarded-* from a reverse proxy that terminates TLS. */
    TRUST_PROXY: z.enum(['true', 'false']).default('false'),
    /** With TRUST_PROXY: how many proxies append to X-Forwarded-For; the client is the entry that many from the right. */
    PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    /** Login throttling (OWASP): failures per account and address, then per address, before delays start. */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
    LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    LOGIN_FIRST_DELAY_SECONDS: z.coerce.number().int().min(1).default(1),
    LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().min(1).default(900),
    ADMIN_USERNAME: z.string().min(2).optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    /** Monitoring: how far ahead a deadline counts as "due soon" (ISO 8601 duration). */
    SLA_HORIZON: z
      .string()
      .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO 8601 duration such as PT4H')
      .default('PT4H'),
    /** How often each node scans for SLA alerts, and offers to roll up closed days of history (ms). */
    SLA_SCAN_MS: z.coerce.number().int().min(50).default(30_000),
    MONITORING_ROLLUP_MS: z.coerce.number().int().min(1000).default(300_000),
    /** Where notices go: `dev` keeps them in the notifications table (the demo outbox); `http` posts to an SMS provider. */
    NOTIFY_GATEWAY: z.enum(['dev', 'http']).default('dev'),
    NOTIFY_HTTP_URL: z.string().url().optional(),
    NOTIFY_HTTP_TOKEN: z.string().min(1).optional(),
    /** Check every API answer against its declared schema (a drift answers 500). Default: on under NODE_ENV=test. */
    VALIDATE_RESPONSES: z.enum(['true', 'false']).optional(),
    /** Deploy warnings (a task without one of our forms, candidates that are no names of ours) refuse a deploy too. */
    DEPLOY_WARNINGS_BLOCK: z.enum(['true', 'false']).default('false'),
    /** Limits (ARCHITECTURE.md): the shortest timer cycle a deploy accepts (ISO 8601 duration). */
    TIMER_MIN_INTERVAL: isoDuration.default('PT1M'),
    /** Flow elements per process, and bytes per BPMN document, a deploy accepts. */
    PROCESS_MAX_ELEMENTS: z.coerce.number().int().min(10).default(2_000),
    PROCESS_MAX_XML_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** The largest multi-instance cardinality (a literal at deploy, an evaluated one at run time). */
    MULTI_INSTANCE_MAX: z.coerce.number().int().min(1).default(1_000),
    /** Activity executions one command may run, and the ms it may keep the engine busy, before it fails into an incident. */
    STEP_MAX_ACTIVITY_EXECUTIONS: z.coerce.number().int().min(10).default(10_000),
    STEP_MAX_MS: z.coerce.number().int().min(10).default(2_000),
    /**
     * Worker threads that run the engine (steps, deploy compiles, lints) off the event loop; 0 runs
     * it on the main thread, where a long step delays every request. Default: one per core, 2 to 4.
     */
    ENGINE_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
    /** The heap one engine worker may use (MB); a step that needs more fails into an incident. */
    ENGINE_WORKER_MEMORY_MB: z.coerce.number().int().min(64).default(1024),
    /** Live engines of recently used instances a node keeps (0: none), and their approximate memory (MB). */
    ENGINE_CACHE_ENTRIES: z.coerce.number().int().min(0).default(1_000),
    ENGINE_CACHE_MB: z.coerce.number().int().min(1).default(128),
    /** The largest engine kept (KB, as the cache estimates it): a larger diagram's engine costs more kept than recovered. */
    ENGINE_CACHE_MAX_ENGINE_KB: z.coerce.number().int().min(1).default(2_048),
    /** PostgreSQL statement_timeout, lock_timeout and idle_in_transaction_session_timeout (ms) on every connection. */
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
    /**
     * PostgreSQL connections one node keeps at most, and how long a request waits for one before
     * it is answered 503 (a node under more load than its pool holds sheds it rather than queueing forever).
     */
    DB_POOL_MAX: z.coerce.number().int().min(2).max(500).default(10),
    DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'required in production (the embedded database is for development)',
      });
    }
    if (env.NOTIFY_GATEWAY === 'http' && !env.NOTIFY_HTTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['NOTIFY_HTTP_URL'], message: 'required when NOTIFY_GATEWAY=http' });
    }
  });

export type Config = {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  nodeId: string;
  jobPollMs: number;
  jobLockMs: number;
  demoData: boolean;
  demoCustomers: number;
  bodyLimitBytes: number;
  attachmentMaxBytes: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  proxyHops: number;
  loginThrottle: {
    maxFailures: number;
    maxFailuresPerAddress: number;
    windowMinutes: number;
    firstDelaySeconds: number;
    maxDelaySeconds: number;
  };
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  slaHorizon: string;
  slaScanMs: number;
  monitoringRollupMs: number;
  notifyGateway: 'dev' | 'http';
  notifyHttpUrl: string | undefined;
  notifyHttpToken: string | undefined;
  validateResponses: boolean;
  processLimits: ProcessLimits;
  deployWarningsBlock: boolean;
  stepLimits: StepLimits;
  engineWorkers: number;
  engineWorkerMemoryMb: number;
  /** Live engines kept between steps (server/engine/engine-cache.ts). */
  engineCache: { entries: number; bytes: number; maxEngineBytes: number };
  dbTimeouts: DatabaseTimeouts;
  dbPool: { max: number; acquireTimeoutMs: number };
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    nodeId: e.NODE_ID ?? `node-${process.pid}`,
    jobPollMs: e.JOB_POLL_MS,
    jobLockMs: e.JOB_LOCK_MS,
    demoData: e.DEMO_DATA ? e.DEMO_DATA === 'true' : !e.DATABASE_URL,
    demoCustomers: e.DEMO_CUSTOMERS ?? (e.NODE_ENV === 'test' ? 0 : 2000),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    cookieSecure: e.COOKIE_SECURE ? e.COOKIE_SECURE === 'true' : e.NODE_ENV === 'production',
    trustProxy: e.TRUST_PROXY === 'true',
    proxyHops: e.PROXY_HOPS,
    loginThrottle: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES,
      firstDelaySeconds: e.LOGIN_FIRST_DELAY_SECONDS,
      maxDelaySeconds: Math.max(e.LOGIN_MAX_DELAY_SECONDS, e.LOGIN_FIRST_DELAY_SECONDS),
    },
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    slaHorizon: e.SLA_HORIZON,
    slaScanMs: e.SLA_SCAN_MS,
    monitoringRollupMs: e.MONITORING_ROLLUP_MS,
    notifyGateway: e.NOTIFY_GATEWAY,
    notifyHttpUrl: e.NOTIFY_HTTP_URL,
    notifyHttpToken: e.NOTIFY_HTTP_TOKEN,
    validateResponses: e.VALIDATE_RESPONSES ? e.VALIDATE_RESPONSES === 'true' : e.NODE_ENV === 'test',
    processLimits: {
      timerMinIntervalMs: isoDurationMs(e.TIMER_MIN_INTERVAL) ?? 60_000,
      maxElements: e.PROCESS_MAX_ELEMENTS,
      maxXmlBytes: e.PROCESS_MAX_XML_BYTES,
      multiInstanceMax: e.MULTI_INSTANCE_MAX,
    },
    deployWarningsBlock: e.DEPLOY_WARNINGS_BLOCK === 'true',
    stepLimits: {
      maxActivityExecutions: e.STEP_MAX_ACTIVITY_EXECUTIONS,
      multiInstanceMax: e.MULTI_INSTANCE_MAX,
      timerMinIntervalMs: isoDurationMs(e.TIMER_MIN_INTERVAL) ?? 60_000,
      maxStepMs: e.STEP_MAX_MS,
    },
    engineWorkers: e.ENGINE_WORKERS ?? Math.min(4, Math.max(2, availableParallelism())),
    engineWorkerMemoryMb: e.ENGINE_WORKER_MEMORY_MB,
    engineCache: {
      entries: e.ENGINE_CACHE_ENTRIES,
      bytes: e.ENGINE_CACHE_MB * 1024 * 1024,
      maxEngineBytes: e.ENGINE_CACHE_MAX_ENGINE_KB * 1024,
    },
    dbTimeouts: {
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      lockMs: e.DB_LOCK_TIMEOUT_MS,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    dbPool: { max: e.DB_POOL_MAX, acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS },
  };
}

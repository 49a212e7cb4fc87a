import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createDatabase, migrate, type Db } from './db/index.js';
import { seedDemoData } from './db/demo-data.js';
import { ensureInitialAdmin, seedBaseline, seedDemoOrganisation } from './db/seed.js';
import { AuditService } from './identity/audit.service.js';
import { AuthService, DEFAULT_AUTH_OPTIONS, type AuthOptions } from './identity/auth.service.js';
import { Authorization } from './identity/authorization.js';
import { OrganisationService } from './identity/organisation.service.js';
import { ExternalNamesService } from './identity/external-names.service.js';
import { UsersService } from './identity/users.service.js';
import { FormsService } from './forms/forms.service.js';
import { TaskForms } from './forms/task-forms.js';
import { StartForms } from './forms/start-forms.js';
import { customerReference } from './marketing/customer-reference.js';
import { createHttpApp } from './http/app.js';
import type { Services } from './http/services.js';
import type { Route } from './http/route.js';
import { JobExecutor } from './jobs/executor.js';
import { BusinessRuleTasks } from './decisions/business-rule-tasks.js';
import { DecisionsService } from './decisions/decisions.service.js';
import { ExternalTasksService } from './external-tasks/external-tasks.service.js';
import { ExternalTaskSignals, ExternalTaskWaiters } from './external-tasks/long-polling.js';
import { Monitoring } from './monitoring/index.js';
import { horizonMs } from './monitoring/alerts.service.js';
import { Realtime, type RealtimeOptions } from './realtime/realtime.js';
import { realtimeRoutes } from './realtime/routes.js';
import { DeployLint } from './lint/deploy-lint.js';
import { EnginePool } from './engine/pool/engine-pool.js';
import { InlineEngine, type EngineRunner } from './engine/pool/runner.js';
import { DesignerDraftsService } from './designer/drafts.service.js';
import { DesignerCatalogService } from './designer/catalog.service.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { ArrearsService } from './marketing/arrears.js';
import { LateFeeReliefsService } from './marketing/late-fee-reliefs.service.js';
import { BillsService } from './marketing/bills.service.js';
import { BillingRunService } from './marketing/billing-run.js';
import { seedTariffTable, TariffsService } from './marketing/tariffs.service.js';
import { CustomersService } from './marketing/customers.service.js';
import { MetersService } from './marketing/meters.service.js';
import { PaymentsService } from './marketing/payments.service.js';
import { ReadingsService } from './marketing/readings.service.js';
import { gatewayFromConfig, NotificationsService, notifyCustomerService } from './notifications/index.js';
import { MarketingProcesses } from './processes/marketing-processes.js';
import { registerCustomerProcesses } from './processes/customer-processes.js';
import type { ProcessContext } from './processes/ports.js';
import { deployCatalogue } from './processes/catalogue.js';
import { seedDemoProcesses } from './processes/demo/index.js';
import { seedDemoGroup } from './processes/demo/supervision-group.js';
import { coreServices, ServiceRegistry, type ServiceDefinition } from './services/registry.js';
import { DefinitionStore } from './workflow/definitions.repository.js';
import { DeploymentsService } from './workflow/deployments.service.js';
import { IncidentsService } from './workflow/incidents.service.js';
import { InstancesService } from './workflow/instances.service.js';
import { InstanceOperationsService } from './workflow/instance-operations.service.js';
import { InstanceSuspensionService } from './workflow/instance-suspension.service.js';
import { InstanceCommentsService } from './workflow/instance-comments.service.js';
import { BatchesService } from './batches/batches.service.js';
import { ReportsService } from './reports/reports.service.js';
import { GridService } from './grid/grid.service.js';
import { OutagesService } from './grid/outages.service.js';
import { transformerAreaOptions } from './grid/form-lookups.js';
import { seedDemoGrid } from './grid/demo-grid.js';
import { FormLookups } from './forms/lookups.js';
import { BatchRunner } from './batches/batch-runner.js';
import { BatchTypeRegistry } from './batches/batch-types.js';
import { cancelBatchType, retryBatchType, setVariablesBatchType } from './batches/core-batch-types.js';
import { migrateBatchType } from './batches/migrate-batch-type.js';
import { JobsService } from './workflow/jobs.service.js';
import { MessagesService } from './workflow/messages.service.js';
import { SignalsService } from './workflow/signals.service.js';
import { StepMetrics } from './workflow/metrics.js';
import { EventBus } from './workflow/outbox.js';
import { StepExecutor } from './workflow/step-executor.js';
import { TasksService } from './tasks/tasks.service.js';
import { createWorklist } from './tasks/index.js';
import { Transactions } from './workflow/transactions.js';
import { Visibility } from './workflow/visibility.js';
import { InstanceVariablesService } from './workflow/instance-variables.service.js';
import {
  createHallApi,
  CustomerAuthService,
  HallAccountsService,
  HallApplicationsService,
  HallMessagesService,
  HallPaymentsService,
  HallProfileService,
  SmsCodes,
} from './hall/index.js';
import { BankSimulator } from './payments/bank-simulator.js';
import { seedDemoHallApplication, seedDemoHallCustomers } from './hall/demo-customers.js';
import { attachHallLive } from './hall/live.js';

export interface PlatformOptions {
  config: Config;
  /** A database built by the caller (tests); otherwise one is created from the config. */
  db?: Db;
  logger?: Logger;
  services?: ServiceDefinition[];
  auth?: Partial<AuthOptions>;
  jobRetryBaseMs?: number;
  extraRoutes?: (services: Services) => Route[];
  /** Run the job executor (default true). */
  jobs?: boolean;
  /** Socket.IO limits and timings (tests shorten them). */
  realtime?: Partial<RealtimeOptions>;
  /** The platform clock (default: the system clock); tests pass a `TestClock` to move time. */
  clock?: Clock;
  /** Deploy the shipped processes/ on start (default true; idempotent). */
  processes?: boolean;
  /** Seed demo instances in flight (default: with demo data, except under NODE_ENV=test). */
  demoProcesses?: boolean;
}

export interface Platform {
  config: Config;
  db: Db;
  logger: Logger;
  bus: EventBus;
  services: Services;
  executor: JobExecutor;
  /** Runs batch items on this node (tests drain it). */
  batchRunner: BatchRunner;
  realtime: Realtime;
  clock: Clock;
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/**
 * The one composition root (STYLE.md habit 2): config → database → engine runtime → services
 * → HTTP app → job executor. Nothing runs on import; `main.ts` and the tests both call this.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const db =
    options.db ??
    createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      timeouts: config.dbTimeouts,
      poolMax: config.dbPool.max,
      acquireTimeoutMs: config.dbPool.acquireTimeoutMs,
    });
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  await seedBaseline(db);
  await seedTariffTable(db);
  if (config.demoData) {
    await seedDemoOrganisation(db, logger);
    await seedDemoData(db, config.demoCustomers, logger);
    // The hall's demo customers come with the generated demo customers (not into test databases).
    if (config.demoCustomers > 0) await seedDemoHallCustomers(db, logger);
    // The network the demo customers hang on, once they and their bills exist.
    if (config.demoCustomers > 0) await seedDemoGrid(db, logger);
    // A group across two provinces for HQ's supervision screens, before any screening runs.
    if (config.demoCustomers > 0) await seedDemoGroup(db);
  } else await ensureInitialAdmin(db, config.adminUsername, config.adminPassword);

  const metrics = new StepMetrics();
  const bus = new EventBus();
  const registry = new ServiceRegistry([...coreServices, ...(options.services ?? [])]);
  const definitions = new DefinitionStore(db);
  const transactions = new Transactions(db, bus);
  const clock = options.clock ?? systemClock;
  const engine: EngineRunner =
    config.engineWorkers > 0
      ? new EnginePool({
          workers: config.engineWorkers,
          memoryMb: config.engineWorkerMemoryMb,
          logger,
          cache: config.engineCache,
        })
      : new InlineEngine(config.engineCache);
  const steps = new StepExecutor(definitions, engine, logger, metrics, clock, config.stepLimits);
  const authorization = new Authorization(db, logger);
  const visibility = new Visibility(authorization);
  const audit = new AuditService(db);
  // The deploy warns about formKeys naming no deployed form: the catalogue is every deployed form id.
  const forms = new FormsService(db);
  const deployLint = new DeployLint(db, registry, engine, forms, config.processLimits, config.deployWarningsBlock);
  const decisions = new DecisionsService(db, authorization, clock);
  const jobExecutor = new JobExecutor(db, transactions, steps, registry, metrics, logger, {
    nodeId: config.nodeId,
    pollMs: config.jobPollMs,
    lockMs: config.jobLockMs,
    retryBaseMs: options.jobRetryBaseMs ?? 5000,
    clock,
    businessRuleTasks: new BusinessRuleTasks(db, decisions, clock),
    signals: { runJob: (job) => signals.runJob(job) },
  });
  // Jobs queued by a committed transaction run at once instead of at the next poll.
  bus.on('jobs:due', () => jobExecutor.kick());
  const customers = new CustomersService(db, visibility, authorization, audit);
  const meters = new MetersService(db, visibility, customers, audit);
  const notifications = new NotificationsService(
    db,
    transactions,
    visibility,
    gatewayFromConfig(config),
    clock,
    logger,
  );
  registry.register(notifyCustomerService(db, notifications));
  // Form fields may take their options from a named server-side lookup (server/forms/lookups.ts).
  const taskForms = new TaskForms(db, forms, new FormLookups({ 'grid.transformerAreas': transformerAreaOptions(db) }));
  const tasks = new TasksService(db, transactions, steps, visibility, authorization, taskForms);
  const bills = new BillsService(db, customers, audit);
  const arrears = new ArrearsService(db, customers);
  // A start form's `reference: customer` field must name a customer the starter may read, not closed.
  const startForms = new StartForms(forms, { customer: customerReference(customers) });
  const instances = new InstancesService(db, transactions, definitions, steps, visibility, authorization, startForms);
  const instanceOperations = new InstanceOperationsService(
    db,
    transactions,
    definitions,
    steps,
    visibility,
    authorization,
  );
  const messages = new MessagesService(db, transactions, steps, visibility);
  const signals = new SignalsService(db, transactions, steps, visibility);
  const externalTaskWaiters = new ExternalTaskWaiters();
  const externalTaskSignals = new ExternalTaskSignals(db, bus, externalTaskWaiters, logger);
  await externalTaskSignals.start();
  const externalTasks = new ExternalTasksService(
    db,
    transactions,
    steps,
    visibility,
    authorization,
    externalTaskWaiters,
    { recheckMs: Math.max(config.jobPollMs, 1000) },
  );
  const readings = new ReadingsService(db, meters, audit);
  const payments = new PaymentsService(db, customers, authorization, audit, transactions);
  const billingRuns = new BillingRunService(db, authorization, audit, logger, { nodeId: config.nodeId });
  const processContext: ProcessContext = {
    db,
    clock,
    logger,
    ports: { instances, messages, arrears, billingRuns, notifications, customers, meters, audit },
  };
  const marketingProcesses = new MarketingProcesses({
    ctx: processContext,
    authorization,
    nodeId: config.nodeId,
    registry,
    payments,
  });
  registerCustomerProcesses(processContext, registry, marketingProcesses.dailyJobs);
  const instanceVariables = new InstanceVariablesService(db, transactions, visibility, authorization, steps);
  const incidents = new IncidentsService(db, transactions, steps, visibility, authorization);
  // Batch types are plugged in here; instance migration registers its `migrate` type beside these.
  const batchTypes = new BatchTypeRegistry();
  batchTypes.register(cancelBatchType(instances));
  batchTypes.register(retryBatchType(incidents));
  batchTypes.register(setVariablesBatchType(instanceVariables));
  batchTypes.register(migrateBatchType(instanceOperations));
  const batchRunner = new BatchRunner(db, transactions, batchTypes, logger, {
    nodeId: config.nodeId,
    pollMs: Math.max(config.jobPollMs, 200),
  });
  const services: Services = {
    db,
    auth: new AuthService(db, authorization, audit, {
      ...DEFAULT_AUTH_OPTIONS,
      ...config.loginThrottle,
      ...options.auth,
    }),
    authorization,
    audit,
    users: new UsersService(db, audit),
    organisation: new OrganisationService(db, audit),
    externalNames: new ExternalNamesService(db, audit, () => new Date(clock.now())),
    deployments: new DeploymentsService(db, transactions, registry, forms, engine, deployLint, decisions),
    decisions,
    drafts: new DesignerDraftsService(db, transactions),
    designerCatalog: new DesignerCatalogService(db, registry, deployLint),
    instances,
    instanceOperations,
    instanceVariables,
    instanceSuspension: new InstanceSuspensionService(db, transactions, steps, visibility, authorization),
    instanceComments: new InstanceCommentsService(db, transactions, visibility, authorization),
    batches: new BatchesService(
      db,
      transactions,
      visibility,
      authorization,
      batchTypes,
      () => steps.now(),
      () => batchRunner.kick(),
    ),
    tasks,
    messages,
    signals,
    incidents,
    externalTasks,
    jobs: new JobsService(db, authorization, (id) => jobExecutor.executeNow(id), transactions, steps),
    registry,
    metrics,
    customers,
    meters,
    readings,
    bills,
    payments,
    arrears,
    lateFeeReliefs: new LateFeeReliefsService(db, customers, arrears, instances, audit, clock),
    tariffs: new TariffsService(db, audit),
    billingRuns,
    reports: new ReportsService(db, authorization, clock, {
      dailyJobs: marketingProcesses.dailyJobs,
      audit,
      logger,
      actorOf: (id) => services.auth.loadActor(id, 'user'),
    }),
    grid: new GridService(db, authorization, clock),
    gridOutages: new OutagesService(db, authorization, notifications),
    monitoring: new Monitoring(
      db,
      transactions,
      authorization,
      logger,
      {
        slaHorizonMs: horizonMs(config.slaHorizon, 'SLA_HORIZON'),
        slaScanMs: config.slaScanMs,
        rollupMs: config.monitoringRollupMs,
      },
      clock,
    ),
    worklist: createWorklist({
      db,
      transactions,
      visibility,
      authorization,
      tasks,
      customers,
      bills,
      arrears,
      attachmentMaxBytes: config.attachmentMaxBytes,
    }),
    notifications,
    processes: marketingProcesses,
  };
  instanceOperations.useBatches((input, actor) => services.batches.create({ type: 'migrate', ...input }, actor));
  await authorization.ensure();
  await services.billingRuns.failInterrupted();
  if (options.processes !== false) await deployCatalogue(services.deployments, logger);

  const realtime = new Realtime(
    { db, auth: services.auth, authorization, bus, logger },
    { databaseUrl: config.databaseUrl, trustProxy: config.trustProxy, ...options.realtime },
  );
  const hallAuthOptions = { ...DEFAULT_AUTH_OPTIONS, ...config.loginThrottle, ...options.auth };
  const smsCodes = new SmsCodes(db, notifications, clock);
  const hallAuth = new CustomerAuthService(db, audit, smsCodes, hallAuthOptions, clock);
  const hallApplications = new HallApplicationsService(db, {
    transactions,
    instances,
    executor: steps,
    forms,
    taskForms: new TaskForms(db, forms),
    attachments: services.worklist.attachments,
    clock,
  });
  attachHallLive(realtime.io, bus, {
    auth: hallAuth,
    applications: hallApplications,
    trustProxy: config.trustProxy,
    logger,
  });
  const hall = createHallApi(
    {
      auth: hallAuth,
      accounts: new HallAccountsService(db, arrears, clock),
      payments: new HallPaymentsService(db, new BankSimulator(db, clock), payments),
      profile: new HallProfileService(db, audit, smsCodes, clock),
      messages: new HallMessagesService(db, clock),
      applications: hallApplications,
    },
    { secureCookies: config.cookieSecure, validateResponses: config.validateResponses },
  );
  const app = createHttpApp(services, {
    hall,
    logger,
    secureCookies: config.cookieSecure,
    trustProxy: config.trustProxy,
    proxyHops: config.proxyHops,
    bodyLimitBytes: config.bodyLimitBytes,
    validateResponses: config.validateResponses,
    extraRoutes: [...(options.extraRoutes?.(services) ?? []), ...realtimeRoutes(realtime)],
    ready: async () => {
      await db.raw('select 1');
      return true;
    },
  });
  // Koa's handler answers through the response; the promise it returns carries nothing to wait for.
  const handle = app.callback();
  const server = http.createServer((req, res) => void handle(req, res));
  server.requestTimeout = 60_000;
  // An idle kept-alive connection stays open a minute (Node's default is 5 s), longer than the 60 s
  // a reverse proxy or load balancer commonly keeps its idle upstream connections, so the proxy
  // never sends a request on a connection the node is closing; and a browser or client that asks
  // again within the minute pays no new connection.
  server.keepAliveTimeout = 65_000;
  realtime.serve(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  realtime.start();
  if (options.jobs !== false) jobExecutor.start();
  if (options.jobs !== false) batchRunner.start();
  if (options.demoProcesses ?? (config.demoData && config.env !== 'test'))
    await seedDemoProcesses(services, jobExecutor, clock, logger);
  // The daily jobs poll the clock; tests run them with dailyJobs.tick() after moving a TestClock.
  // They start after the demo instances: a screening or overdue scan run first would leave those
  // processes with instances, and their demo (answered and escalated orders) would be skipped.
  if (options.jobs !== false && config.env !== 'test') marketingProcesses.start();
  if ((options.demoProcesses ?? (config.demoData && config.env !== 'test')) && config.demoCustomers > 0) {
    const clerk = await db('users').where({ username: 'xh.clerk' }).first<{ id: string } | undefined>('id');
    const actor = clerk ? await services.auth.loadActor(clerk.id, 'user') : null;
    if (actor)
      await seedDemoHallApplication(db, instances, actor, {
        tasks: services.tasks,
        actorOf: async (username) => {
          const user = await db('users').where({ username }).first<{ id: string } | undefined>('id');
          return user ? services.auth.loadActor(user.id, 'user') : null;
        },
      }).catch((err: unknown) => logger.error({ err }, 'the customer hall demo application could not be started'));
  }
  // The SLA scan and the rollup poll on a timer; tests call scan() / refresh() themselves.
  if (options.jobs !== false && config.env !== 'test') services.monitoring.start();

  return {
    config,
    db,
    logger,
    bus,
    services,
    executor: jobExecutor,
    batchRunner,
    realtime,
    clock,
    server,
    url,
    async close() {
      await jobExecutor.stop();
      await batchRunner.stop();
      await externalTaskSignals.close();
      await marketingProcesses.stop();
      await services.monitoring.stop();
      await services.billingRuns.stop();
      await realtime.close();
      await new Promise<void>((resolve) => {
        // close() ends the idle kept-alive connections at once (they may idle a minute); a request
        // still running has a few seconds to be answered before its connection goes too.
        const deadline = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
      });
      await engine.close();
      if (!options.db) await db.destroy();
    },
  };
}

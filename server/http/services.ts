import type { AuditService } from '../identity/audit.service.js';
import type { AuthService } from '../identity/auth.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { OrganisationService } from '../identity/organisation.service.js';
import type { UsersService } from '../identity/users.service.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { DeploymentsService } from '../workflow/deployments.service.js';
import type { DraftsService } from '../designer/drafts.service.js';
import type { DesignerCatalogService } from '../designer/catalog.service.js';
import type { IncidentsService } from '../workflow/incidents.service.js';
import type { InstancesService } from '../workflow/instances.service.js';
import type { JobsService } from '../workflow/jobs.service.js';
import type { MessagesService } from '../workflow/messages.service.js';
import type { StepMetrics } from '../workflow/metrics.js';
import type { TasksService } from '../workflow/tasks.service.js';
import type { Db } from '../db/index.js';
import type { ArrearsService } from '../marketing/arrears.js';
import type { BillsService } from '../marketing/bills.service.js';
import type { BillingRunService } from '../marketing/billing-run.js';
import type { CustomersService } from '../marketing/customers.service.js';
import type { MetersService } from '../marketing/meters.service.js';
import type { PaymentsService } from '../marketing/payments.service.js';
import type { ReadingsService } from '../marketing/readings.service.js';
import type { Monitoring } from '../monitoring/index.js';
import type { NotificationsService } from '../notifications/notifications.service.js';

/** Everything the HTTP layer may call: services only, never the engine or SQL directly. */
import type { TariffsService } from '../marketing/tariffs.service.js';
import type { Worklist } from '../worklist/index.js';

export interface Services {
  db: Db;
  tariffs: TariffsService;
  auth: AuthService;
  authorization: Authorization;
  audit: AuditService;
  users: UsersService;
  organisation: OrganisationService;
  deployments: DeploymentsService;
  drafts: DraftsService;
  designerCatalog: DesignerCatalogService;
  instances: InstancesService;
  tasks: TasksService;
  messages: MessagesService;
  incidents: IncidentsService;
  jobs: JobsService;
  registry: ServiceRegistry;
  metrics: StepMetrics;
  customers: CustomersService;
  meters: MetersService;
  readings: ReadingsService;
  bills: BillsService;
  payments: PaymentsService;
  arrears: ArrearsService;
  billingRuns: BillingRunService;
  monitoring: Monitoring;
  worklist: Worklist;
  notifications: NotificationsService;
}

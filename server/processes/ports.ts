import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ArrearsService } from '../marketing/arrears.js';
import type { BillingRunService } from '../marketing/billing-run.js';
import type { CustomersService } from '../marketing/customers.service.js';
import type { MetersService } from '../marketing/meters.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { InstancesService } from '../workflow/instances.service.js';
import type { MessagesService } from '../workflow/messages.service.js';

/**
 * What the processes' service tasks and daily jobs call outside their own SQL: each port names
 * the one or two methods used, so a process never reaches for the HTTP layer's whole service bag.
 */
export interface ProcessPorts {
  instances: Pick<InstancesService, 'start'>;
  messages: Pick<MessagesService, 'correlate'>;
  arrears: Pick<ArrearsService, 'report'>;
  billingRuns: Pick<BillingRunService, 'start' | 'wait'>;
  notifications: Pick<NotificationsService, 'send' | 'sendMany'>;
  customers: Pick<CustomersService, 'create'>;
  meters: Pick<MetersService, 'install'>;
  audit: Pick<AuditService, 'record'>;
}

/** What the processes' services (billing, arrears, risk, connection, metering) are built from. */
export interface ProcessContext {
  db: Db;
  ports: ProcessPorts;
  clock: Clock;
  logger: Logger;
}

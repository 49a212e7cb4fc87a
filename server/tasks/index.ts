import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { ArrearsService } from '../marketing/arrears.js';
import type { BillsService } from '../marketing/bills.service.js';
import type { CustomersService } from '../marketing/customers.service.js';
import type { TasksService } from './tasks.service.js';
import type { Transactions } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';
import { AttachmentsService } from './attachments.service.js';
import { CommentsService } from './comments.service.js';
import { DelegationService } from './delegation.service.js';
import { TaskFormDraftsService } from './drafts.service.js';
import { FiltersService } from './filters.service.js';
import { TaskAccess } from './task-access.js';
import { TaskContextService } from './task-context.service.js';
import { WorklistRepository } from './worklist.repository.js';
import { WorklistService } from './worklist.service.js';

export interface WorklistDependencies {
  db: Db;
  transactions: Transactions;
  visibility: Visibility;
  authorization: Authorization;
  tasks: TasksService;
  customers: CustomersService;
  bills: BillsService;
  arrears: ArrearsService;
  attachmentMaxBytes?: number;
}

/** The worklist's services (issue 6), built by the composition root. */
export interface Worklist {
  list: WorklistService;
  filters: FiltersService;
  drafts: TaskFormDraftsService;
  comments: CommentsService;
  attachments: AttachmentsService;
  delegation: DelegationService;
  context: TaskContextService;
}

export function createWorklist(d: WorklistDependencies): Worklist {
  const access = new TaskAccess(d.db, d.tasks, d.visibility);
  return {
    list: new WorklistService(new WorklistRepository(d.db), d.visibility, d.authorization),
    filters: new FiltersService(d.db, d.authorization),
    drafts: new TaskFormDraftsService(d.db, d.tasks, d.visibility),
    comments: new CommentsService(d.db, d.transactions, access),
    attachments: new AttachmentsService(d.db, d.transactions, access, d.attachmentMaxBytes),
    delegation: new DelegationService(d.db, d.tasks),
    context: new TaskContextService(d.db, d.tasks, d.authorization, d.customers, d.bills, d.arrears),
  };
}

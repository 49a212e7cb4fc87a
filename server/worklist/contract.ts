/**
 * The worklist's response shapes, shared by the server and the browser app (`modeler/` imports
 * them with `import type`). Types only: no runtime imports, no Node or knex types.
 *
 * `Time` is how a timestamp is held: the server fills these fields with what the database driver
 * returns (a `Date` on PostgreSQL), and JSON carries it as an ISO 8601 string, which is the
 * default the browser reads.
 */

export interface WorklistItem<Time = string> {
  id: string;
  name: string | null;
  elementId: string;
  definitionKey: string;
  definitionName: string | null;
  businessKey: string | null;
  customerId: string | null;
  accountNo: string | null;
  customerName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  createdAt: Time;
  dueAt: Time | null;
  priority: number;
  assignee: string | null;
  /** The assignee's display name (users.display_name); `assignee` stays the username. */
  assigneeName: string | null;
  candidateGroups: string[];
  formKey: string | null;
  instanceId: string;
  claimedAt: Time | null;
  completedAt: Time | null;
  completedBy: string | null;
  completedByName: string | null;
}

/** One page of a view (GET /worklist). */
export interface WorklistPage<Time = string> {
  items: WorklistItem<Time>[];
  /** Exact up to `TOTAL_CAP`; beyond it `totalCapped` is true ("1 000+"). */
  total: number;
  totalCapped: boolean;
  offset: number;
  limit: number;
  hasMore: boolean;
}

/** The three tab badges (GET /worklist/counts); `completed` = completed by me since `completedSince`. */
export interface WorklistCounts {
  mine: number;
  claimable: number;
  completed: number;
  cap: number;
  /** ISO 8601. */
  completedSince: string;
}

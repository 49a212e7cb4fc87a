import type { WhereBuilder } from './rule.js';
import { col } from './rule.js';

/** The instance columns the rule reads (in SQL, `applicant_login_id`: generated from the variable). */
export interface ApplicationRow {
  variables: Record<string, unknown>;
}

/**
 * May this customer login see this process instance as one of its applications? Only an instance
 * the hall started for it: its `applicantLoginId` is the login (set by the hall when it starts the
 * application, never by a form the customer fills in). Any other instance does not exist for the
 * customer (404), as another account's rows (customer-account-owned.ts).
 */
export function applicationOwned(loginId: string): {
  where(table: string): WhereBuilder;
  allows(row: ApplicationRow): boolean;
} {
  return {
    where: (table) => (q) => {
      q.where(col(table, 'applicant_login_id'), loginId);
    },
    allows: (row) => row.variables.applicantLoginId === loginId,
  };
}

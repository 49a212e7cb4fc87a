import { col, type WhereBuilder } from './rule.js';

/**
 * The candidate group that addresses a user task to the applicant: the customer who applied in
 * the hall (the instance's `applicantLoginId`). A marker the platform reads, not an expression:
 * the designer offers it as "the applicant" (申请人), and no staff role may carry this code.
 */
export const APPLICANT_GROUP = 'applicant';

/**
 * A customer step: a task addressed to the applicant. Such a task is the customer's alone — no
 * staff rule (visible, claimable, completable) admits it, whoever the actor, and only the hall
 * shows and completes it (server/hall/applications.service.ts, for the applicant's own login).
 */
export function isApplicantTask(task: { candidate_groups: string[] }): boolean {
  return task.candidate_groups.includes(APPLICANT_GROUP);
}

/** SQL form of "not a customer step", over rows of `table` (or unqualified columns). */
export function staffTaskWhere(table: string): WhereBuilder {
  return (q) => {
    // A constant of this module, written into the text (no request's value reaches it).
    q.whereRaw(`not (${col(table, 'candidate_groups')} @> ARRAY['${APPLICANT_GROUP}']::text[])`);
  };
}

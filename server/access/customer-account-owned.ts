import type { Knex } from 'knex';
import type { RowRule, WhereBuilder } from './rule.js';
import { col } from './rule.js';

/** The customer-hall subject: a customer login and the accounts (customer ids) it holds. */
export interface CustomerSubject {
  loginId: string;
  customerIds: readonly string[];
}

/** Any row that belongs to one account: a customer (its own id), a bill, a reading's meter… */
export interface AccountOwnedRow {
  customer_id: string;
}

/**
 * May this customer login see this row? Own accounts only (ARCHITECTURE.md "Realms"): a row of
 * any other account does not exist for the customer (the hall answers 404, never 403). The SQL form
 * asks the link table itself, so an account unlinked a moment ago is gone for the next query even
 * if the caller's subject was read before.
 */
export function customerAccountOwned(subject: CustomerSubject): RowRule<AccountOwnedRow> & {
  whereColumn(column: string): WhereBuilder;
} {
  const whereColumn =
    (column: string): WhereBuilder =>
    (q) => {
      void q.whereIn(column, function (this: Knex.QueryBuilder) {
        void this.select('customer_id').from('customer_login_accounts').where('login_id', subject.loginId);
      });
    };
  return {
    where: (table) => whereColumn(col(table, 'customer_id')),
    whereColumn,
    allows: (row) => subject.customerIds.includes(row.customer_id),
  };
}

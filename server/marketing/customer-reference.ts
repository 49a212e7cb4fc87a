import type { ReferenceCheck } from '../forms/start-forms.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import type { CustomersService } from './customers.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A start form's `reference: customer` field: the customer exists in a department the starter may
 * read customers of (customers.service's `visible`, the same rule as GET /customers/:id) and is
 * not closed (a closed account can never change again, DOMAIN.md §9).
 */
export function customerReference(customers: Pick<CustomersService, 'visible'>): ReferenceCheck {
  return async (id: string, actor: Actor) => {
    const row = UUID.test(id)
      ? await customers.visible({ id }, actor).catch((err: unknown) => {
          if (err instanceof NotFound) return null;
          throw err;
        })
      : null;
    if (!row) return { reason: 'unknown', message: `no customer ${id} in your departments` };
    if (row.status === 'closed') return { reason: 'closed', message: `account ${row.account_no} is closed` };
    return null;
  };
}

import { z } from 'zod';
import { calendarDate } from '../lib/contract.js';
import { billSchema } from './bill.contract.js';
import type { CustomerOwner } from './customer-owners.js';

/**
 * An owner of an account and the days they held it (过户, DOMAIN.md §9): `fromOn` null for the
 * owner before the first recorded transfer, `toOn` null for the owner now.
 */
export const customerOwnerSchema = z.object({
  name: z.string(),
  phone: z.string().nullable(),
  fromOn: calendarDate.nullable(),
  toOn: calendarDate.nullable(),
});
export type CustomerOwnerView = z.infer<typeof customerOwnerSchema>;

export const toCustomerOwner = (o: CustomerOwner): CustomerOwnerView => ({
  name: o.name,
  phone: o.phone,
  fromOn: o.fromOn,
  toOn: o.toOn,
});

/**
 * A bill in a customer's list, with whose it is (DOMAIN.md §9: bills before the transfer date stay
 * with the old owner): the names of the month's holders — one, or the old and the new owner for
 * the month a transfer falls inside of; the account's own name when it was never transferred.
 */
export const customerBillSchema = billSchema.extend({
  holders: z.array(z.string()),
});
export type CustomerBill = z.infer<typeof customerBillSchema>;

import { expect } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import type { ApiClient } from '../../support/client.js';
import type { TestPlatform } from '../../support/platform.js';

let counter = 0;

/** A fresh account number, unique within the test file. */
export function accountNo(prefix = '33010'): string {
  counter += 1;
  return `${prefix}${String(Date.now() % 100000).padStart(5, '0')}${String(counter).padStart(4, '0')}`;
}

/** Creates a customer through the API (as an acceptance clerk) and answers its row. */
export async function newCustomer(client: ApiClient, fields: Record<string, unknown> = {}) {
  const res = await client.post('/api/v1/customers', {
    accountNo: accountNo(),
    name: '王建国',
    address: '杭州市西湖区文三路 90 号',
    phone: '13800000000',
    elecTypeCode: '202',
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; accountNo: string; departmentId: string };
}

/** Issues a bill the way the billing run does (there is no HTTP route for it). */
export function issueBill(t: TestPlatform, customerId: string, period: string, total: string, dueDate: string) {
  return t.platform.services.bills.issue({ customerId, period, total, dueDate, lines: [] }, SYSTEM_ACTOR);
}

import { expect } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import type { ApiClient } from '../../support/client.js';
import { eventually, type TestPlatform } from '../../support/platform.js';
import { accountNo, newCustomer } from '../marketing/accounts.js';

export type Registers = Record<string, string>;

/** A customer of the clerk's county with one meter and the given readings, all through the API. */
export async function customerWithReadings(
  t: TestPlatform,
  fields: Record<string, unknown>,
  readings: [period: string, registers: Registers][],
  clerk = 'xh.clerk',
  meterTech = 'xh.meter',
) {
  const customer = await newCustomer(await t.as(clerk), fields);
  const tech = await t.as(meterTech);
  const meter = await tech.post(`/api/v1/customers/${customer.id}/meters`, {
    assetNo: `M${accountNo()}`,
    accuracyClass: '2.0',
    deviceClass: 'V',
    installDate: '2020-03-01',
  });
  expect(meter.status, JSON.stringify(meter.body)).toBe(201);
  for (const [period, registers] of readings) await read(tech, meter.body.id, period, registers);
  return { ...customer, meterId: meter.body.id as string };
}

export async function read(tech: ApiClient, meterId: string, period: string, registers: Registers) {
  const r = await tech.post(`/api/v1/meters/${meterId}/readings`, {
    period,
    readAt: `${period}-28T09:00:00+08:00`,
    ...registers,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** A bill as the billing run would have issued it (there is no HTTP route for issuing). */
export function issueBill(t: TestPlatform, customerId: string, period: string, total: string, dueDate: string) {
  return t.platform.services.bills.issue({ customerId, period, total, dueDate, lines: [] }, SYSTEM_ACTOR);
}

/** The open task at `elementId` of an instance, as `client` sees it (undefined: none visible). */
export async function taskAt(client: ApiClient, instanceId: string, elementId: string) {
  const res = await client.get(`/api/v1/tasks?instanceId=${instanceId}&elementId=${elementId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items[0] as { id: string; elementId: string; dueAt: string | null; [k: string]: unknown } | undefined;
}

/** Instances of a process with a business key, newest first. */
export async function instancesOf(client: ApiClient, definitionKey: string, businessKey: string) {
  const res = await client.get(
    `/api/v1/process-instances?definitionKey=${definitionKey}&businessKey=${encodeURIComponent(businessKey)}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as { id: string; status: string; businessKey: string }[];
}

export async function notices(client: ApiClient, query: string) {
  const res = await client.get(`/api/v1/notifications?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as {
    template: string;
    body: string;
    elementId: string;
    status: string;
    params: Record<string, unknown>;
  }[];
}

/**
 * Runs what is due, waits for the open task at `elementId`, claims and completes it as `client`
 * with `variables`, then runs what the completion made due.
 */
export async function completeTaskAt(
  t: TestPlatform,
  client: ApiClient,
  instanceId: string,
  elementId: string,
  variables: Record<string, unknown>,
) {
  await t.platform.executor.drain();
  const task = await eventually(() => taskAt(client, instanceId, elementId), 10_000, `task ${elementId}`);
  expect((await client.post(`/api/v1/tasks/${task!.id}/claim`)).status).toBe(200);
  const done = await client.post(`/api/v1/tasks/${task!.id}/complete`, { variables });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  await t.platform.executor.drain();
}

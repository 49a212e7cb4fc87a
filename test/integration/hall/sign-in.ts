import { expect } from 'vitest';
import type { TestClock } from '../../../server/lib/clock.js';
import { ApiClient } from '../../support/client.js';
import type { TestPlatform } from '../../support/platform.js';

export const HALL = '/api/hall/v1';

/**
 * Signs a demo customer into the hall through the API with the SMS code read from the outbox.
 * The clock moves past the one-code-per-minute limit first, so a test may sign in again.
 */
export async function signInToHallApi(t: TestPlatform, clock: TestClock, phone: string): Promise<ApiClient> {
  clock.advance(61_000);
  expect((await t.anonymous().post(`${HALL}/sms-codes`, { purpose: 'sign-in', loginName: phone })).status).toBe(202);
  const row = await t.database
    .db('notifications')
    .where({ recipient: phone, template: 'hall_sms_code' })
    .orderBy('created_at', 'desc')
    .first<{ body: string }>('body');
  const code = /(\d{6})/.exec(row!.body)![1];
  const client = new ApiClient(t.url);
  const res = await client.post(`${HALL}/session`, { loginName: phone, password: 'demo1234', code });
  expect(res.status).toBe(200);
  client.csrf = res.body.csrfToken;
  return client;
}

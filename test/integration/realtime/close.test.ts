import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const SCRIPT = fileURLToPath(new URL('../../support/start-and-close.ts', import.meta.url));

describe('closing a node', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('leaves nothing running: the process ends by itself, no adapter keeps publishing', async () => {
    // Before, the customer hall's Socket.IO namespace kept its PostgreSQL adapter's heartbeat: the
    // process logged "Cannot use a pool after calling end on the pool" every 5 s and never ended.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, database.url!], {
      timeout: 90_000,
      encoding: 'utf8',
    });
    expect(stdout).toContain('closed');
    expect(stderr).not.toContain('realtime adapter error');
  }, 120_000);
});

import { loadConfig } from '../../server/config/index.js';
import { createLogger } from '../../server/lib/logger.js';
import { startPlatform, type Platform, type PlatformOptions } from '../../server/platform.js';
import { ApiClient } from './client.js';
import { createTestDatabase, type Backend, type TestDatabase } from './database.js';

export interface TestPlatform {
  backend: Backend;
  platform: Platform;
  database: TestDatabase;
  url: string;
  /** A client logged in as a demo user. */
  as(username: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export interface TestPlatformOptions extends Omit<PlatformOptions, 'config' | 'db'> {
  env?: Record<string, string>;
  /** Reuse a database (a second node on the same PostgreSQL). */
  database?: TestDatabase;
}

/** The real platform on a fresh database of its own, listening on a free loopback port. */
export async function startTestPlatform(backend: Backend, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const database = options.database ?? (await createTestDatabase(backend));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'silent',
    JOB_POLL_MS: '50',
    // One engine worker per test platform: dozens of platforms run at once on two cores.
    ENGINE_WORKERS: '1',
    ...options.env,
  });
  const platform = await startPlatform({
    jobRetryBaseMs: 20,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...options,
    config,
    db: database.db,
  });
  const clients = new Map<string, ApiClient>();
  return {
    backend,
    platform,
    database,
    url: platform.url,
    async as(username: string) {
      let client = clients.get(username);
      if (!client) {
        client = await new ApiClient(platform.url).login(username);
        clients.set(username, client);
      }
      return client;
    },
    anonymous: () => new ApiClient(platform.url),
    async close() {
      await platform.close();
      if (!options.database) await database.drop();
    },
  };
}

/** Polls until `check` returns a value (jobs run asynchronously); fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

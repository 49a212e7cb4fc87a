import { loadConfig } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { startPlatform } from './platform.js';
import { demoUsers, DEMO_PASSWORD } from './db/seed.js';
import { demoHallLoginLines } from './hall/demo-customers.js';

/** `npm start`: the whole platform on one node, embedded PostgreSQL unless DATABASE_URL is set. */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const platform = await startPlatform({ config, logger });
logger.info(
  { url: platform.url, database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})` },
  'platform started',
);

const lines = [
  `\n  Power marketing platform is running at ${platform.url}`,
  `  API reference: ${platform.url}/api/docs`,
];
if (config.demoData) {
  lines.push(`  Demo logins (password ${DEMO_PASSWORD} for all):`);
  for (const [username, name, department, roles] of demoUsers())
    lines.push(`    ${username.padEnd(14)} ${roles.map((r) => r[0]).join(', ')} @ ${department} (${name})`);
  if (config.demoCustomers > 0) {
    lines.push(`  Customer hall (${platform.url}/hall/, API /api/hall/v1; SMS codes in the notifications outbox):`);
    for (const line of demoHallLoginLines()) lines.push(`    ${line}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

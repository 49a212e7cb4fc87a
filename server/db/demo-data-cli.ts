import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createDatabase, migrate, NO_DB_TIMEOUTS } from './index.js';
import { demoDataChecksum, generateDemoData } from './demo-data.js';
import { seedBaseline, seedDemoOrganisation } from './seed.js';

/**
 * `npm run demo-data -- --customers 1000000 [--seed demo] [--months 12] [--last-period 2025-06]`:
 * the demo data set of any size into DATABASE_URL (or the embedded database), which must have no
 * customers yet. Prints what it made and the checksum (same seed → same checksum).
 */
const args = new Map(
  process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])),
);
const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: NO_DB_TIMEOUTS });
try {
  await migrate(db);
  await seedBaseline(db);
  await seedDemoOrganisation(db, logger);
  const existing = await db('customers').count<{ n: number }[]>('* as n');
  if (Number(existing[0]?.n ?? 0) > 0)
    throw new Error('the database already has customers; demo data goes into an empty one');
  const lastPeriod = args.get('last-period');
  const summary = await generateDemoData(db, {
    customers: Number(args.get('customers') ?? process.env.DEMO_CUSTOMERS ?? 2000),
    seed: args.get('seed') ?? 'demo',
    months: Number(args.get('months') ?? 12),
    ...(lastPeriod ? { lastPeriod } : {}),
    logger,
  });
  const checksum = summary.customers <= 20_000 ? await demoDataChecksum(db) : '(skipped above 20 000 customers)';
  process.stdout.write(`${JSON.stringify({ ...summary, checksum }, null, 2)}\n`);
} finally {
  await db.destroy();
}

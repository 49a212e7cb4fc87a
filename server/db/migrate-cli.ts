import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createDatabase, migrate, NO_DB_TIMEOUTS } from './index.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'migrate');
const db = createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: NO_DB_TIMEOUTS });
try {
  const applied = await migrate(db);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
} finally {
  await db.destroy();
}

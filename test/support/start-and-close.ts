/**
 * Starts the platform on the PostgreSQL database named by its argument (realtime with the
 * PostgreSQL adapter, the staff and the customer-hall namespaces), closes it, and then does
 * nothing: the process must end by itself. Run by test/integration/realtime/close.test.ts.
 */
import { loadConfig } from '../../server/config/index.js';
import { createLogger } from '../../server/lib/logger.js';
import { startPlatform } from '../../server/platform.js';

const url = process.argv[2];
if (!url) throw new Error('usage: start-and-close.ts <database url>');
const config = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: url,
  LOG_LEVEL: 'warn',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'close-test-0000',
});
const platform = await startPlatform({ config, logger: createLogger('warn'), jobs: false });
await platform.close();
process.stdout.write('closed\n');

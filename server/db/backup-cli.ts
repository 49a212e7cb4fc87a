import { loadConfig } from '../config/index.js';
import { backupEmbedded, DataFolderInUse, embeddedDataFolder, restoreEmbedded } from './backup.js';

/**
 * `npm run backup -- <file>` / `npm run restore -- <file>`: the embedded database in DATA_DIR.
 * With DATABASE_URL set the data lives in a PostgreSQL server: use pg_dump / pg_restore.
 */
const [command, file] = process.argv.slice(2);
if ((command !== 'backup' && command !== 'restore') || !file) {
  process.stderr.write('usage: npm run backup -- <file>   |   npm run restore -- <file>\n');
  process.exit(2);
}
const config = loadConfig();
if (config.databaseUrl) {
  process.stderr.write(
    'DATABASE_URL is set: the data is in a PostgreSQL server. Back it up with pg_dump and restore it with ' +
      'pg_restore (README.md, "Backup and restore").\n',
  );
  process.exit(2);
}
try {
  if (command === 'backup') {
    const bytes = await backupEmbedded(config.dataDir, file);
    process.stdout.write(`backed up ${embeddedDataFolder(config.dataDir)} to ${file} (${bytes} bytes)\n`);
  } else {
    const aside = await restoreEmbedded(config.dataDir, file);
    process.stdout.write(
      `restored ${embeddedDataFolder(config.dataDir)} from ${file}` +
        (aside ? `; the previous data is kept in ${aside} (delete it when you no longer need it)\n` : '\n'),
    );
  }
} catch (err) {
  process.stderr.write(`${command} failed: ${(err as Error).message}\n`);
  process.exit(err instanceof DataFolderInUse ? 3 : 1);
}

import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Backup and restore of the embedded database (PGlite): the whole data folder as one gzipped
 * tarball, which PGlite writes with `dumpDataDir()` and reads back with `loadDataDir`. PostgreSQL
 * servers use pg_dump / pg_restore instead (README.md, "Backup and restore").
 */

/** The folder the platform keeps PGlite in, under DATA_DIR (the same path createDatabase uses). */
export function embeddedDataFolder(dataDir: string): string {
  return path.resolve(dataDir, 'pglite');
}

export class DataFolderInUse extends Error {
  constructor(folder: string) {
    super(
      `${folder} is in use: stop the server first. (If no server is running — it was killed — ` +
        `start and stop it once so that the database shuts down cleanly, then try again.)`,
    );
    this.name = 'DataFolderInUse';
  }
}

/**
 * PostgreSQL keeps postmaster.pid in its data folder while it runs and removes it on a clean
 * shutdown; PGlite does the same. Two PGlite processes on one folder corrupt it, so its presence
 * means: hands off.
 */
export function isInUse(folder: string): boolean {
  return existsSync(path.join(folder, 'postmaster.pid'));
}

/** Writes a backup of the embedded database in `dataDir` to `file`; returns its size in bytes. */
export async function backupEmbedded(dataDir: string, file: string): Promise<number> {
  const folder = embeddedDataFolder(dataDir);
  if (!existsSync(path.join(folder, 'PG_VERSION'))) throw new Error(`no embedded database in ${folder}`);
  if (isInUse(folder)) throw new DataFolderInUse(folder);
  const pg = new PGlite(folder);
  try {
    // dumpDataDir does not wait for the database to open; without this it never settles.
    await pg.waitReady;
    const dump = await pg.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    await writeFile(file, bytes);
    return bytes.length;
  } finally {
    await pg.close();
  }
}

/**
 * Replaces the embedded database in `dataDir` with the backup in `file`. The current folder is
 * kept beside it (pglite.before-restore-<time>) until the restored one has opened, so a bad
 * backup never leaves the platform with nothing; returns where the old folder went, if anywhere.
 */
export async function restoreEmbedded(dataDir: string, file: string): Promise<string | null> {
  const folder = embeddedDataFolder(dataDir);
  if (isInUse(folder)) throw new DataFolderInUse(folder);
  const backup = new Blob([await readFile(file)]);
  const hasData = existsSync(folder) && readdirSync(folder).length > 0;
  const aside = hasData ? `${folder}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}` : null;
  if (aside) renameSync(folder, aside);
  try {
    const pg = new PGlite(folder, { loadDataDir: backup });
    try {
      await pg.waitReady;
      await pg.query('select 1');
    } finally {
      await pg.close();
    }
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    if (aside) renameSync(aside, folder);
    throw err;
  }
  return aside;
}

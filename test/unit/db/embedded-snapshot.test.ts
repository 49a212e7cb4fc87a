import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, dumpEmbedded, type Db } from '../../../server/db/index.js';

/**
 * An embedded database in memory opened from a snapshot (`loadDataDir`) holds the snapshot's
 * data. PGlite opens a snapshot only into a named data directory: given none, it started an
 * empty database without a word, and every PGlite test platform migrated and seeded from nothing
 * instead of copying the prepared database.
 */
describe('an in-memory embedded database opened from a snapshot', () => {
  const open: Db[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.destroy()));
  });

  it('holds the rows of the database it was dumped from, gzipped or not, and is a copy of its own', async () => {
    const source = createDatabase({ memory: true });
    open.push(source);
    await source.raw('CREATE TABLE kept (id int PRIMARY KEY, note text)');
    await source.raw(`INSERT INTO kept VALUES (1, '保留'), (2, 'kept')`);
    await source.raw('CHECKPOINT');
    const gzipped = await dumpEmbedded(source);
    const plain = await dumpEmbedded(source, 'none');
    expect([...gzipped.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(Buffer.from(plain.subarray(257, 262)).toString('latin1')).toBe('ustar');

    for (const snapshot of [gzipped, plain]) {
      const copy = createDatabase({ memory: true, loadDataDir: snapshot });
      open.push(copy);
      const rows = await copy('kept').orderBy('id').select('id', 'note');
      expect(rows).toEqual([
        { id: 1, note: '保留' },
        { id: 2, note: 'kept' },
      ]);
      // Writes to the copy stay in the copy.
      await copy('kept').insert({ id: 3, note: 'copy only' });
    }
    expect(await source('kept').count<{ count: number }[]>('* as count')).toEqual([{ count: 2 }]);
    const again = createDatabase({ memory: true, loadDataDir: plain });
    open.push(again);
    expect(await again('kept').pluck('id')).toEqual([1, 2]);
  });
});

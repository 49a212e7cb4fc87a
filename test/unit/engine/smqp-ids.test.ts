import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { patchSmqp, smqpCopies } from '../../../server/engine/patch-smqp.mjs';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Two messages' ids from a broker of the smqp copy at `entry` (its ESM index). */
async function twoIds(entry: string): Promise<string[]> {
  const { Broker } = (await import(pathToFileURL(entry).href)) as { Broker: new () => any };
  const broker = new Broker();
  broker.assertQueue('q');
  broker.sendToQueue('q', 'a');
  broker.sendToQueue('q', 'b');
  return broker.getQueue('q').messages.map((m: { properties: { messageId: string } }) => m.properties.messageId);
}

describe('smqp ids patched at install', () => {
  it('finds every installed copy patched, bpmn-engine’s and bpmn-elements’', () => {
    // Resolution follows symbolic links (node_modules may be one): compare real paths.
    const copies = smqpCopies(ROOT).map((copy) => realpathSync(copy));
    const engines = createRequire(join(ROOT, 'node_modules/bpmn-engine/package.json'));
    const elements = createRequire(join(ROOT, 'node_modules/bpmn-elements/package.json'));
    for (const from of [engines, elements]) {
      const copy = dirname(dirname(from.resolve('smqp')));
      expect(copies).toContain(copy);
    }
    const report = patchSmqp(ROOT, true);
    expect(report.length).toBeGreaterThanOrEqual(2);
    expect(report.filter((r) => r.state !== 'patched')).toEqual([]);
  });

  it('names messages with one prefix per process and a counter, in every copy', async () => {
    for (const copy of smqpCopies(ROOT)) {
      const [first, second] = await twoIds(join(copy, 'src', 'index.js'));
      const prefix = /^smq\.mid-([0-9a-f]{8})([0-9a-z]+)$/;
      const a = prefix.exec(first!);
      const b = prefix.exec(second!);
      expect(a, first).not.toBeNull();
      expect(b![1]).toBe(a![1]);
      expect(parseInt(b![2]!, 36)).toBe(parseInt(a![2]!, 36) + 1);
    }
  });
});

describe('the patch itself', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const original = `export function generateId() {\n  return Math.random().toString(16).substring(2, 12);\n}\n`;
  const copyAt = (path: string, shared: string) => {
    mkdirSync(join(dir, path, 'src'), { recursive: true });
    writeFileSync(join(dir, path, 'package.json'), '{}');
    writeFileSync(join(dir, path, 'src', 'shared.js'), shared);
  };

  it('patches the top-level and nested copies once, and leaves a generateId it does not know alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'smqp-'));
    copyAt('node_modules/smqp', original);
    copyAt('node_modules/some-engine/node_modules/smqp', original);
    copyAt('node_modules/@scope/other/node_modules/smqp', 'export function generateId() { return "x"; }\n');
    const states = (check = false) =>
      Object.fromEntries(patchSmqp(dir, check).map((r) => [r.file.slice(dir.length + 1), r.state]));
    const [top, nested, other] = [
      'node_modules/smqp/src/shared.js',
      'node_modules/some-engine/node_modules/smqp/src/shared.js',
      'node_modules/@scope/other/node_modules/smqp/src/shared.js',
    ];
    expect(states(true)).toEqual({ [top]: 'unpatched', [nested]: 'unpatched', [other]: 'unknown' });
    expect(states()).toEqual({ [top]: 'patched now', [nested]: 'patched now', [other]: 'unknown' });
    expect(states()).toEqual({ [top]: 'patched', [nested]: 'patched', [other]: 'unknown' });
    const patched = readFileSync(join(dir, 'node_modules/smqp/src/shared.js'), 'utf8');
    expect(patched).not.toContain('Math.random().toString(16).substring(2, 12)');
    expect(readFileSync(join(dir, 'node_modules/@scope/other/node_modules/smqp/src/shared.js'), 'utf8')).toContain(
      'return "x"',
    );
  });
});

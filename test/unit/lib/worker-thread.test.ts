import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker } from '../../../server/lib/worker-thread.js';

const ENTRY = new URL('./fixtures/echo-worker.ts', import.meta.url);

function ask(worker: Worker, text: string): Promise<{ text: string; from: string; entry: string; error: string }> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(text);
  });
}

describe('startWorker', () => {
  const started: Worker[] = [];
  afterEach(async () => {
    for (const w of started.splice(0)) await w.terminate();
  });

  it('starts a TypeScript module from one bundle in node_modules/.cache, shared by every start', async () => {
    const first = startWorker(ENTRY);
    const second = startWorker(ENTRY);
    started.push(first, second);
    const [a, b] = await Promise.all([ask(first, 'one'), ask(second, 'two')]);
    expect(a.text).toBe('one');
    expect(b.text).toBe('two');
    // the module ran from the bundle (its platform import inside it), not through tsx from the source
    expect(a.from).toMatch(/\/node_modules\/\.cache\/power-marketing\/echo-worker-[0-9a-f]{16}\.mjs$/);
    expect(a.error).toBe('AppError');
    expect(b.from).toBe(a.from);
    expect(existsSync(fileURLToPath(a.from))).toBe(true);
    // it still learns which module it stands for
    expect(a.entry).toBe(ENTRY.href);
  });
});

/**
 * Run by scavenge-retention.test.ts in a process of its own (node --expose-gc, a young generation
 * of 128 MB so that no scavenge falls inside a round): how many bytes each finished step leaves
 * in the old generation after three young-generation collections. A step's engine is garbage once
 * the step has answered; whatever of it survives those collections was kept by the scavenger
 * alone (a full collection frees it).
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { loadedDefinition } from '../../support/engine-definition.js';
import { executeStep } from '../../../server/engine/runtime.js';

const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const xml = readFileSync(new URL('../../../processes/new-connection.bpmn', import.meta.url), 'utf8');
const definition = await loadedDefinition(xml);
const started = await executeStep(definition, null, {}, { kind: 'start' });
const saved = JSON.stringify(started.state);
const acceptance = started.waiting.find((w) => w.elementId === 'A01');
if (!acceptance) throw new Error('A01 is not waiting');
const variables = { acceptClass: '01', elecTypeCode: '201', capacityKva: 8, important: false, gridWorks: false };

/** Acceptance of a new connection, recovered from the saved state as on a node that did not run the start. */
async function step(): Promise<void> {
  const outcome = await executeStep(definition, JSON.parse(saved), variables, {
    kind: 'signal',
    executionId: acceptance!.executionId,
    assign: variables,
  });
  if (outcome.waiting.map((w) => w.elementId).join() !== 'A02') throw new Error(`unexpected: ${outcome.status}`);
}

const oldGeneration = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name !== 'new_space')
    .reduce((sum, s) => sum + s.space_used_size, 0);

for (let i = 0; i < 10; i++) await step();
const STEPS = 3;
const perStep: number[] = [];
for (let round = 0; round < 7; round++) {
  gc();
  gc();
  const before = oldGeneration();
  for (let i = 0; i < STEPS; i++) await step();
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (let i = 0; i < 3; i++) gc({ type: 'minor' });
  perStep.push((oldGeneration() - before) / STEPS);
}
perStep.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ promotedPerStepBytes: Math.round(perStep[3]!) })}\n`);

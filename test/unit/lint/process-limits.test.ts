import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileDefinition } from '../../../server/engine/definitions.js';
import { DEFAULT_PROCESS_LIMITS, timerIntervalMs, type ProcessLimits } from '../../../server/engine/runnability.js';
import { AppError } from '../../../server/lib/errors.js';
import { loadConfig } from '../../../server/config/index.js';
import type { PlatformLintData } from '../../../server/lint/rules/support.js';
import { lintXml } from '../../../server/lint/runner.js';
import { taskChain } from '../../integration/hardening/chain.js';

/**
 * The platform/process-limits rule and the engine's compile refuse the same processes, in the same
 * words, under the same configured limits: the designer, the deploy's lint and the compile agree.
 */
const limits: ProcessLimits = {
  timerMinIntervalMs: 60_000,
  maxElements: 50,
  maxXmlBytes: 64 * 1024,
  multiInstanceMax: 100,
};
const data: PlatformLintData = { services: [], roles: ['acceptance_clerk'], users: [], forms: null, limits };
const catalog = { has: () => true };

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bpmn/${name}`, import.meta.url), 'utf8');

/** A start → user task with a reminder timer → end process; the timer is what varies. */
function reminder(kind: string, value: string): string {
  return fixture('timer-cycle.every-second.bpmn').replace(
    '<timeCycle>R/PT1S</timeCycle>',
    `<${kind}>${value}</${kind}>`,
  );
}

async function limitErrors(xml: string, lintData: PlatformLintData = data) {
  return (await lintXml(xml, lintData))
    .filter((i) => i.rule === 'platform/process-limits')
    .map(({ elementId, message }) => ({ element: elementId, reason: message }));
}

async function compileProblems(xml: string, processLimits: ProcessLimits = limits) {
  try {
    await compileDefinition(xml, catalog, processLimits);
    return [];
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err.details.map((d) => ({ element: d.element, reason: d.reason }));
  }
}

describe('the process-limits rule', () => {
  it.each([
    ['R/PT0S', 0],
    ['R5/PT30S', 30_000],
    ['R/2026-01-01T00:00:00Z/PT1M', 60_000],
    ['R3/2026-01-01T00:00:00Z/2026-01-01T00:00:10Z', 10_000],
    ['PT2H', 7_200_000],
    ['${cycle}', null],
  ])('reads the interval of the timer %s', (text, ms) => {
    expect(timerIntervalMs(text)).toBe(ms);
  });

  it.each([
    [
      'timeCycle',
      'R/PT0S',
      '"Remind": the timer\'s timeCycle "R/PT0S" repeats every 0 s; the shortest interval allowed is 60 s',
    ],
    [
      'timeCycle',
      'R/PT1S',
      '"Remind": the timer\'s timeCycle "R/PT1S" repeats every 1 s; the shortest interval allowed is 60 s',
    ],
    [
      'timeCycle',
      'PT10S',
      '"Remind": the timer\'s timeCycle "PT10S" repeats every 10 s; the shortest interval allowed is 60 s',
    ],
    [
      'timeDuration',
      'R/PT0S',
      '"Remind": the timer\'s timeDuration "R/PT0S" repeats every 0 s; the shortest interval allowed is 60 s',
    ],
  ])('refuses a %s of %s, and the compile refuses it in the same words', async (kind, value, reason) => {
    const xml = reminder(kind, value);
    const found = await limitErrors(xml);
    expect(found).toEqual([{ element: 'remind', reason }]);
    expect(await compileProblems(xml)).toContainEqual({ element: 'remind', reason });
  });

  it.each([
    ['timeCycle', 'R/PT1M'],
    ['timeCycle', 'R3/PT1H'],
    ['timeCycle', '${cycle}'],
    ['timeDuration', 'PT0S'],
  ])('accepts a %s of %s', async (kind, value) => {
    expect(await limitErrors(reminder(kind, value))).toEqual([]);
  });

  it('refuses a literal loopCardinality above the maximum, and leaves an expression to run time', async () => {
    const literal = fixture('multi-instance.million-copies.bpmn');
    const reason = '"Copy": 1000000 multi-instance iterations exceed the largest multi-instance allowed (100)';
    expect(await limitErrors(literal)).toEqual([{ element: 'copy', reason }]);
    expect(await compileProblems(literal)).toContainEqual({ element: 'copy', reason });
    expect(await limitErrors(fixture('multi-instance.cardinality-from-variable.bpmn'))).toEqual([]);
  });

  it('refuses a process with more elements than the maximum', async () => {
    const xml = taskChain('bigChain', 30);
    const reason = 'Process "bigChain" has 63 elements; a process may have at most 50';
    expect(await limitErrors(xml)).toEqual([{ element: 'bigChain', reason }]);
    expect(await compileProblems(xml)).toContainEqual({ element: 'bigChain', reason });
    expect(await limitErrors(taskChain('smallChain', 20))).toEqual([]);
  });

  it('refuses a document above the size limit before reading it', async () => {
    const xml = taskChain('wordyChain', 20).replace('<definitions', `<!-- ${'x'.repeat(64 * 1024)} -->\n<definitions`);
    const [issue] = await lintXml(xml, data);
    expect(issue).toMatchObject({ rule: 'platform/process-limits', code: 'limits.document-size', severity: 'error' });
    await expect(compileDefinition(xml, catalog, limits)).rejects.toMatchObject({ code: 'BPMN_TOO_LARGE' });
  });

  it('applies the defaults when the lint data carries no limits', async () => {
    const { limits: _, ...withoutLimits } = data;
    expect(await limitErrors(reminder('timeCycle', 'R/PT1S'), withoutLimits)).toHaveLength(1);
    expect(await limitErrors(taskChain('bigChain', 30), withoutLimits)).toEqual([]);
    expect(DEFAULT_PROCESS_LIMITS).toEqual({
      timerMinIntervalMs: 60_000,
      maxElements: 2_000,
      maxXmlBytes: 1024 * 1024,
      multiInstanceMax: 1_000,
    });
  });

  it('takes the limits from the configuration', () => {
    const config = loadConfig({
      TIMER_MIN_INTERVAL: 'PT5M',
      PROCESS_MAX_ELEMENTS: '300',
      PROCESS_MAX_XML_BYTES: '2048',
      MULTI_INSTANCE_MAX: '50',
      STEP_MAX_ACTIVITY_EXECUTIONS: '500',
      STEP_MAX_MS: '40',
    });
    expect(config.processLimits).toEqual({
      timerMinIntervalMs: 300_000,
      maxElements: 300,
      maxXmlBytes: 2048,
      multiInstanceMax: 50,
    });
    expect(config.stepLimits).toEqual({
      maxActivityExecutions: 500,
      multiInstanceMax: 50,
      timerMinIntervalMs: 300_000,
      maxStepMs: 40,
    });
    expect(loadConfig({}).processLimits).toEqual(DEFAULT_PROCESS_LIMITS);
  });
});

/**
 * bench/dmn-tck — runs the DMN TCK's compliance-level-2 and -3 test cases against server/dmn and
 * prints how many pass, fail and are skipped (with why). A model the engine refuses as
 * DMN_UNSUPPORTED (contexts, business knowledge models, decision services, imports, …) has its
 * cases skipped; a model it refuses as invalid counts as failed, since the TCK's models are valid.
 *
 *   npx tsx bench/dmn-tck.ts <path to a checkout of github.com/dmn-tck/tck> [--verbose] [--json]
 *
 * Numbers are compared with a relative tolerance of 1e-12: FEEL numbers are decimals, feelin's
 * are IEEE doubles, and 0.1 + 0.2 would otherwise fail for the wrong reason. The TCK itself is
 * not part of this repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { date, duration } from '@bpmn-io/feelin';
import {
  DEFAULT_DMN_LIMITS,
  DMN_UNSUPPORTED,
  evaluateDecision,
  parseDmn,
  type DmnDefinitions,
  type JsonValue,
} from '../server/dmn/index.js';
import { toJson } from '../server/dmn/values.js';
import { attribute, childNamed, childrenNamed, readXml, type XmlElement } from '../server/dmn/xml.js';
import { AppError } from '../server/lib/errors.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const LEVELS = ['compliance-level-2', 'compliance-level-3'];

type Model = { definitions: DmnDefinitions } | { skipped: string } | { failed: string };
type Verdict = { kind: 'passed' } | { kind: 'failed'; reason: string } | { kind: 'skipped'; reason: string };

const root = process.argv[2];
const VERBOSE = process.argv.includes('--verbose');
const JSON_OUT = process.argv.includes('--json');

function main(): void {
  if (!root || !existsSync(join(root, 'TestCases'))) {
    process.stderr.write('usage: npx tsx bench/dmn-tck.ts <path to a dmn-tck/tck checkout> [--verbose] [--json]\n');
    process.exit(2);
  }
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const byLevel = new Map(LEVELS.map((level) => [level, { passed: 0, failed: 0, skipped: 0 }]));
  const skipReasons = new Map<string, number>();
  const failures: string[] = [];
  for (const level of LEVELS) {
    const levelDir = join(root, 'TestCases', level);
    for (const name of readdirSync(levelDir).sort()) {
      const dir = join(levelDir, name);
      if (!statSync(dir).isDirectory()) continue;
      for (const file of readdirSync(dir)
        .filter((f) => /-test-\d+\.xml$/.test(f))
        .sort()) {
        for (const [id, verdict] of runTestFile(dir, file)) {
          counts[verdict.kind]++;
          byLevel.get(level)![verdict.kind]++;
          const label = `${level}/${name}/${file}#${id}`;
          if (verdict.kind === 'skipped') skipReasons.set(verdict.reason, (skipReasons.get(verdict.reason) ?? 0) + 1);
          if (verdict.kind === 'failed') failures.push(`${label}: ${verdict.reason}`);
          if (VERBOSE) process.stdout.write(`${verdict.kind.toUpperCase().padEnd(7)} ${label}\n`);
        }
      }
    }
  }
  process.stdout.write(`\n## DMN TCK (${LEVELS.join(', ')})\n`);
  process.stdout.write(`  passed ${counts.passed}, failed ${counts.failed}, skipped ${counts.skipped}\n`);
  for (const [level, c] of byLevel) {
    process.stdout.write(`    ${level}: passed ${c.passed}, failed ${c.failed}, skipped ${c.skipped}\n`);
  }
  process.stdout.write(`\n  skipped, by reason:\n`);
  for (const [reason, n] of [...skipReasons].sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`    ${String(n).padStart(4)}  ${reason}\n`);
  }
  process.stdout.write(`\n  failed:\n`);
  for (const failure of failures) process.stdout.write(`    ${failure.slice(0, 300)}\n`);
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify({ bench: 'dmn-tck', ...counts, levels: Object.fromEntries(byLevel) })}\n`);
  }
}

const models = new Map<string, Model>();

function loadModel(path: string): Model {
  let model = models.get(path);
  if (model) return model;
  try {
    // The TCK's FEEL suites put hundreds of decisions in one model; the limit is for deployments.
    model = { definitions: parseDmn(readFileSync(path, 'utf8'), { ...DEFAULT_DMN_LIMITS, maxDecisions: 10_000 }) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const reasons = err.details.map((d) => d.reason);
    model =
      err.code === DMN_UNSUPPORTED
        ? { skipped: `model uses ${unsupportedFeature(reasons[0] ?? err.message)}` }
        : { failed: `model refused: ${reasons.slice(0, 3).join('; ')}` };
  }
  models.set(path, model);
  return model;
}

/** A refusal's reason reduced to the feature, so skips group by it. */
function unsupportedFeature(reason: string): string {
  const boxed = /a (\w+) is not supported/.exec(reason);
  if (boxed) return `a boxed ${boxed[1]}`;
  if (/business knowledge/.test(reason)) return 'a business knowledge model';
  if (/import/.test(reason)) return 'an import';
  if (/no decision logic/.test(reason)) return 'a decision without logic (for a decision service)';
  return reason;
}

function runTestFile(dir: string, file: string): [string, Verdict][] {
  const doc = readXml(readFileSync(join(dir, file), 'utf8'));
  const modelName = childNamed(doc, 'modelName')?.text.trim() ?? '';
  const model = loadModel(join(dir, modelName));
  return childrenNamed(doc, 'testCase').map((testCase) => {
    const id = attribute(testCase, 'id') ?? '?';
    if ('skipped' in model) return [id, { kind: 'skipped', reason: model.skipped }];
    if ('failed' in model) return [id, { kind: 'failed', reason: model.failed }];
    const type = attribute(testCase, 'type') ?? 'decision';
    if (type !== 'decision') return [id, { kind: 'skipped', reason: `a test of a ${type}` }];
    try {
      return [id, runTestCase(model.definitions, testCase)];
    } catch (err) {
      // feelin could not build an input or expected value (a negative year, say).
      return [id, { kind: 'failed', reason: `value not representable in feelin: ${(err as Error).message}` }];
    }
  });
}

function runTestCase(definitions: DmnDefinitions, testCase: XmlElement): Verdict {
  const variables: Record<string, unknown> = {};
  for (const input of childrenNamed(testCase, 'inputNode')) variables[attribute(input, 'name') ?? ''] = valueOf(input);
  const problems: string[] = [];
  for (const resultNode of childrenNamed(testCase, 'resultNode')) {
    const name = attribute(resultNode, 'name') ?? '';
    const decision = [...definitions.decisions.values()].find((d) => d.name === name || d.variableName === name);
    if (!decision) {
      problems.push(`${name}: no such decision`);
      continue;
    }
    const expectError = attribute(resultNode, 'errorResult') === 'true';
    const expected = toJson(valueOf(childNamed(resultNode, 'expected')));
    let actual: JsonValue;
    try {
      actual = evaluateDecision(definitions, decision.id, variables).result;
    } catch (err) {
      if (expectError) continue;
      problems.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    if (expectError ? actual !== null : !same(actual, expected)) {
      problems.push(`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  }
  return problems.length ? { kind: 'failed', reason: problems.join('; ') } : { kind: 'passed' };
}

/** A TCK value element (value, component*, list of items) as the FEEL value it stands for. */
function valueOf(node: XmlElement | undefined): unknown {
  if (!node) return null;
  const list = childNamed(node, 'list');
  if (list) return childrenNamed(list, 'item').map(valueOf);
  const components = childrenNamed(node, 'component');
  if (components.length) return Object.fromEntries(components.map((c) => [attribute(c, 'name') ?? '', valueOf(c)]));
  const value = childNamed(node, 'value');
  return value ? scalar(value) : null;
}

function scalar(value: XmlElement): unknown {
  if (value.attributes.get(`{${XSI}}nil`) === 'true') return null;
  if (childNamed(value, 'list') || childNamed(value, 'component')) return valueOf(value);
  const type = (value.attributes.get(`{${XSI}}type`) ?? 'xsd:string').replace(/^\w+:/, '');
  const text = value.text;
  switch (type) {
    case 'decimal':
    case 'double':
    case 'float':
    case 'int':
    case 'integer':
    case 'long':
      return Number(text.trim());
    case 'boolean':
      return text.trim() === 'true';
    case 'date':
    case 'dateTime':
      return date(text.trim());
    case 'time':
      return date(undefined, text.trim());
    case 'duration':
      return duration(text.trim());
    default:
      return text;
  }
}

function same(actual: JsonValue, expected: JsonValue): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(actual), Math.abs(expected));
  }
  if (typeof actual === 'string' && typeof expected === 'string' && /^-?P/.test(actual) && /^-?P/.test(expected)) {
    return actual === expected || duration(actual).toMillis() === duration(expected).toMillis();
  }
  if (Array.isArray(actual) || Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      Array.isArray(expected) &&
      actual.length === expected.length &&
      actual.every((a, i) => same(a, expected[i]!))
    );
  }
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length && keys.every((k) => k in actual && same(actual[k]!, expected[k]!))
    );
  }
  return actual === expected;
}

main();

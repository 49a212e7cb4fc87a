/**
 * bench/dmn — evaluations per second of server/dmn on one core: a generated UNIQUE table of 100
 * rules over 5 inputs (category, contract years, prepaid, region, amount), evaluated over 1 000
 * prepared sets of variables. The amount column, which tells the rules apart, is last, so most
 * rules pass several cells before they fail, as in a real tariff table. For comparison, the same
 * table with its amount cells written as `? >= a and ? < b`, a form only feelin evaluates.
 * No database: pure CPU.
 *
 *   npm run bench -- dmn [--seconds 5] [--json]
 */
import { evaluateDecision, parseDmn, type DmnDefinitions } from '../server/dmn/index.js';
import { median, report, round } from './stats.js';

// Not bench/support.ts's benchArgs: that module brings the platform and a database driver along.
const argv = process.argv.slice(2);
const args = new Map(argv.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), argv[i + 1] ?? '']] : [])));
const SECONDS = Number(args.get('seconds') ?? 5);
const JSON_OUT = process.argv.includes('--json');
const RULES = 100;

/** A small deterministic generator, so every run evaluates the same table over the same inputs. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const CATEGORIES = ['residential', 'commercial', 'industrial', 'agricultural'];
const REGIONS = ['north', 'south', 'east', 'west'];

export function tableXml(amountCell: (low: number, high: number) => string): string {
  const next = random(7);
  const pick = <T>(options: readonly T[]) => options[Math.floor(next() * options.length)]!;
  const rules = Array.from({ length: RULES }, (_, k) => {
    const category = pick(['-', '"residential", "commercial"', 'not("agricultural")', '"industrial", "agricultural"']);
    const years = pick(['-', '>= 1', '[0..30]', '< 50']);
    const prepaid = pick(['-', 'true', 'false', '-']);
    const region = pick(['-', '"north", "south", "east"', 'not("west")', '-']);
    const amount = amountCell(k * 100, (k + 1) * 100);
    const cells = [category, years, prepaid, region, amount]
      .map((cell) => `<inputEntry><text>${cell.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text></inputEntry>`)
      .join('');
    const outputs = `<outputEntry><text>"T${k % 17}"</text></outputEntry><outputEntry><text>${(k % 10) / 100}</text></outputEntry>`;
    return `<rule id="rule${k + 1}">${cells}${outputs}</rule>`;
  });
  const input = (id: string, expression: string, typeRef: string) =>
    `<input id="${id}" label="${id}"><inputExpression typeRef="${typeRef}"><text>${expression}</text></inputExpression></input>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="bench" namespace="http://example.com/bench">
  <decision id="tariff" name="Tariff">
    <decisionTable id="tariffTable" hitPolicy="UNIQUE">
      ${input('category', 'customer.category', 'string')}
      ${input('years', 'contractYears', 'integer')}
      ${input('prepaid', 'prepaid', 'boolean')}
      ${input('region', 'region', 'string')}
      ${input('amount', 'amount', 'number')}
      <output id="tariffCode" name="tariffCode" typeRef="string" />
      <output id="discount" name="discount" typeRef="number" />
      ${rules.join('\n      ')}
    </decisionTable>
  </decision>
</definitions>`;
}

function variableSets(count: number): Record<string, unknown>[] {
  const next = random(11);
  return Array.from({ length: count }, () => ({
    customer: { category: CATEGORIES[Math.floor(next() * CATEGORIES.length)] },
    contractYears: Math.floor(next() * 40),
    prepaid: next() < 0.5,
    region: REGIONS[Math.floor(next() * REGIONS.length)],
    amount: Math.round(next() * RULES * 100 * 100) / 100,
  }));
}

/** Evaluations per second over `seconds`, and how many evaluations matched a rule. */
function rate(definitions: DmnDefinitions, sets: Record<string, unknown>[], seconds: number) {
  let evaluations = 0;
  let matched = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) {
      const evaluation = evaluateDecision(definitions, 'tariff', sets[evaluations % sets.length]!);
      if (evaluation.matchedRules.length) matched++;
      evaluations++;
    }
  }
  return { perSecond: evaluations / ((performance.now() - started) / 1000), matched: matched / evaluations };
}

export function run(): Promise<void> {
  const xml = tableXml((low, high) => `[${low}..${high})`);
  const parseStarted = performance.now();
  const definitions = parseDmn(xml);
  const parseMs = performance.now() - parseStarted;
  const sets = variableSets(1000);
  rate(definitions, sets, 1); // warm-up
  const rounds = [1, 2, 3].map(() => rate(definitions, sets, SECONDS / 3));
  const perSecond = median(rounds.map((r) => r.perSecond));
  const viaFeelin = parseDmn(tableXml((low, high) => `? >= ${low} and ? < ${high}`));
  const slow = rate(viaFeelin, sets, Math.min(3, SECONDS));
  report(`dmn: UNIQUE table, ${RULES} rules × 5 inputs, 1 core`, {
    'parse and compile, ms': round(parseMs, 1),
    'evaluations/s (median of 3)': Math.round(perSecond),
    'µs per evaluation': round(1e6 / perSecond, 1),
    'evaluations that matched a rule': `${Math.round(rounds[0]!.matched * 100)} %`,
    'amount cells in feelin, evaluations/s': Math.round(slow.perSecond),
  });
  if (JSON_OUT) {
    process.stdout.write(
      `${JSON.stringify({
        bench: 'dmn',
        rules: RULES,
        inputs: 5,
        parseMs: round(parseMs, 1),
        evaluationsPerSecond: Math.round(perSecond),
        feelinCellsEvaluationsPerSecond: Math.round(slow.perSecond),
      })}\n`,
    );
  }
  return Promise.resolve();
}

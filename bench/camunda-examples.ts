/**
 * bench/camunda-examples — deploys every .bpmn and .dmn file of a checkout of
 * github.com/camunda/camunda-bpm-examples through `POST /engine-rest/deployment/create`, one file
 * per deployment, as Camunda Modeler's deploy button sends it (multipart, `designer` over HTTP
 * Basic), on a fresh PostgreSQL database; then prints how many deployed, how many deployed with
 * warnings, and the refused files counted by reason: the code of the first error the deploy lint
 * reports for the file (the same check the deploy ran), or the refusal's first detail when the
 * lint has none (XML that does not parse, a DMN the decision engine refuses).
 *
 *   git clone <camunda-bpm-examples> /tmp/camunda-bpm-examples
 *   npx tsx bench/camunda-examples.ts /tmp/camunda-bpm-examples [--json] [--verbose]
 *
 * The examples are not part of this repository. With `--json` the last line is the figures as JSON.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApiClient } from '../test/support/client.js';
import { camundaClient, modelerDeployment } from '../test/support/engine-rest.js';
import { withBenchPlatform } from './support.js';

interface Outcome {
  file: string;
  kind: 'bpmn' | 'dmn';
  status: 'deployed' | 'warnings' | 'unchanged' | 'refused';
  /** Refusals: the reason they are counted under; warnings: the warning codes. */
  reasons: string[];
  detail?: string;
}

interface LintIssue {
  severity: 'error' | 'warn';
  rule: string;
  code?: string;
  message: string;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules' || name === 'target') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(bpmn|dmn)$/i.test(name)) out.push(path);
  }
  return out.sort();
}

/** A refusal's text without the ids, names and positions that differ from file to file. */
function normalise(message: string): string {
  return message
    .replace(/^[^:]+\.(bpmn|dmn): /i, '')
    .replace(/"[^"]*"|'[^']*'|«[^»]*»/g, '…')
    .replace(/\b(line|column) \d+/gi, '$1 n')
    .slice(0, 120);
}

async function lint(api: ApiClient, xml: string): Promise<LintIssue[]> {
  const res = await api.post<{ issues: LintIssue[] }>('/api/v1/designer/lint', { xml });
  return res.status === 200 ? res.body.issues : [];
}

async function deployOne(engine: ApiClient, api: ApiClient, root: string, path: string): Promise<Outcome> {
  const file = relative(root, path);
  const content = readFileSync(path, 'utf8');
  const kind = path.toLowerCase().endsWith('.dmn') ? 'dmn' : 'bpmn';
  const name = file.split('/').pop()!;
  const res = await engine.post('/deployment/create', modelerDeployment(file, [{ name, content }]));
  const body = res.body as Record<string, unknown>;
  if (res.status === 200) {
    const definitions = kind === 'bpmn' ? body.deployedProcessDefinitions : body.deployedDecisionDefinitions;
    if (!definitions) return { file, kind, status: 'unchanged', reasons: [] };
    const warnings = kind === 'bpmn' ? (await lint(api, content)).filter((i) => i.severity === 'warn') : [];
    return warnings.length
      ? { file, kind, status: 'warnings', reasons: [...new Set(warnings.map((w) => w.code ?? w.rule))] }
      : { file, kind, status: 'deployed', reasons: [] };
  }
  const errors =
    (body.details as Record<string, { errors?: { message?: string }[] }> | undefined)?.[name]?.errors ?? [];
  const detail = errors[0]?.message ?? (body.message as string | undefined) ?? `HTTP ${res.status}`;
  const issues = kind === 'bpmn' ? (await lint(api, content)).filter((i) => i.severity === 'error') : [];
  const reasons = issues.length
    ? [...new Set(issues.map((i) => i.code ?? i.rule))]
    : [`${String(body.type ?? res.status)}: ${normalise(detail)}`];
  return { file, kind, status: 'refused', reasons, detail };
}

function tally(outcomes: Outcome[], pick: (o: Outcome) => string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const o of outcomes) for (const r of pick(o)) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--'));
  if (!root)
    throw new Error('usage: npx tsx bench/camunda-examples.ts <camunda-bpm-examples checkout> [--json] [--verbose]');
  const files = filesUnder(root);
  const outcomes = await withBenchPlatform('bench_camunda_examples', async (_db, platform) => {
    const engine = camundaClient(platform.url, 'designer');
    const api = await new ApiClient(platform.url).login('designer');
    const done: Outcome[] = [];
    for (const path of files) done.push(await deployOne(engine, api, root, path));
    return done;
  });

  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  const refused = outcomes.filter((o) => o.status === 'refused');
  const byFirstReason = tally(refused, (o) => o.reasons.slice(0, 1));
  const byAnyReason = tally(refused, (o) => o.reasons);
  const warningCodes = tally(
    outcomes.filter((o) => o.status === 'warnings'),
    (o) => o.reasons,
  );
  const figures = {
    files: outcomes.length,
    bpmn: outcomes.filter((o) => o.kind === 'bpmn').length,
    dmn: outcomes.filter((o) => o.kind === 'dmn').length,
    deployed: count('deployed') + count('warnings'),
    deployedWithWarnings: count('warnings'),
    unchanged: count('unchanged'),
    refused: refused.length,
    refusedByFirstReason: Object.fromEntries(byFirstReason),
  };

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`## camunda-bpm-examples through POST /engine-rest/deployment/create (${root})`);
  out(`  files                         ${figures.files} (${figures.bpmn} .bpmn, ${figures.dmn} .dmn)`);
  out(`  deployed                      ${figures.deployed}`);
  out(`    of them with warnings       ${figures.deployedWithWarnings}`);
  out(`  unchanged (already deployed)  ${figures.unchanged}`);
  out(`  refused                       ${figures.refused}`);
  out('  refused, by the first error reported:');
  for (const [reason, n] of byFirstReason) out(`    ${String(n).padStart(4)}  ${reason}`);
  out('  refused files naming each error (a file may name several):');
  for (const [reason, n] of byAnyReason) out(`    ${String(n).padStart(4)}  ${reason}`);
  out('  warnings of deployed files (files naming each):');
  for (const [reason, n] of warningCodes) out(`    ${String(n).padStart(4)}  ${reason}`);
  if (args.includes('--verbose')) {
    for (const o of outcomes) out(`  ${o.status.padEnd(9)} ${o.file}  ${o.reasons.join(', ')}`);
  }
  if (args.includes('--json')) out(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

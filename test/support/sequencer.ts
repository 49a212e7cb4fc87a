import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the longest test files first. Vitest orders by the durations of the previous run on this
 * machine, but CI starts from a fresh clone with no such cache and falls back to file size, which
 * says little about time (a short file that spawns and kills servers outlasts a long one of pure
 * queries): the long files then start last and one worker runs alone for minutes at the end.
 * `test/durations.json` holds each file's seconds from a full run (`test/support/write-durations.ts`
 * rewrites it from a JSON report); a file it does not know yet counts as the median.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const known = readDurations();
    const values = Object.values(known).sort((a, b) => a - b);
    const median = values.length ? (values[Math.floor(values.length / 2)] ?? 0) : 0;
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) => known[relative(root, spec.moduleId)] ?? median;
    // Stable within each project: projects keep the order the base sequencer gave them.
    const projectOrder = new Map<string, number>();
    sorted.forEach((spec) =>
      projectOrder.set(spec.project.name, projectOrder.get(spec.project.name) ?? projectOrder.size),
    );
    return [...sorted].sort(
      (a, b) =>
        (projectOrder.get(a.project.name) ?? 0) - (projectOrder.get(b.project.name) ?? 0) || seconds(b) - seconds(a),
    );
  }
}

function readDurations(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8'));
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    );
  } catch {
    return {};
  }
}

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseDmn, type DmnDefinitions } from '../../../server/dmn/index.js';
import { AppError } from '../../../server/lib/errors.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/dmn/${name}`, import.meta.url), 'utf8');
}

export function parseFixture(name: string): DmnDefinitions {
  return parseDmn(fixture(name));
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A document with one decision `d`: a table of one input (`expression`, typed `inputType`) and
 * one output (`outputType`); each rule is [input entry, output entry].
 */
export function oneColumnTable(options: {
  expression?: string;
  inputType?: string;
  outputType?: string;
  hitPolicy?: string;
  rules: [string, string][];
}): string {
  const { expression = 'x', inputType, outputType, hitPolicy = 'FIRST', rules } = options;
  const inputTypeRef = inputType ? ` typeRef="${inputType}"` : '';
  const outputTypeRef = outputType ? ` typeRef="${outputType}"` : '';
  const rows = rules
    .map(
      ([entry, output], i) =>
        `<rule id="r${i + 1}"><inputEntry><text>${escape(entry)}</text></inputEntry><outputEntry><text>${escape(output)}</text></outputEntry></rule>`,
    )
    .join('\n      ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="t" name="t" namespace="http://example.com/dmn">
  <decision id="d" name="d">
    <decisionTable id="dt" hitPolicy="${hitPolicy}">
      <input id="in" label="In"><inputExpression${inputTypeRef}><text>${escape(expression)}</text></inputExpression></input>
      <output id="out" name="out"${outputTypeRef} />
      ${rows}
    </decisionTable>
  </decision>
</definitions>`;
}

/** The AppError `run` throws, for assertions on its code and details. */
export function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal, got none');
}

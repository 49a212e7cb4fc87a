import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBpmnBytes, diagramInterchange, differences, semanticTree } from '../../support/bpmn-semantics.js';

const read = (dir: string, name: string) =>
  decodeBpmnBytes(readFileSync(path.resolve(import.meta.dirname, '../../fixtures', dir, name)));

/**
 * The round-trip check of the designer's browser tests compares a file with its re-export
 * through `semanticTree` + `differences`. These cases show it catches every kind of loss it
 * is trusted with — and ignores what carries no meaning.
 */
describe('round-trip semantics (test/support/bpmn-semantics.ts)', () => {
  const original = read('camunda7', 'loan-granting.bpmn');

  it('finds no difference between a file and itself', async () => {
    expect(differences(await semanticTree(original), await semanticTree(original))).toEqual([]);
  });

  it.each([
    ['a camunda: attribute', 'camunda:topic="creditScoreChecker"', '', 'topic'],
    [
      'a camunda: attribute value',
      'camunda:collection="${creditScores}"',
      'camunda:collection="${scores}"',
      'collection',
    ],
    ['an extension element', /<camunda:inputOutput>[\s\S]*?<\/camunda:inputOutput>/, '', 'extensionElements'],
    ['a condition', '${score &gt; 5}', '${score &gt; 6}', 'conditionExpression'],
    ['a name', 'name="Check credit score"', 'name="Check score"', 'name'],
    ['a label bound', 'x="494" y="254.5" width="90"', 'x="495" y="254.5" width="90"', 'bounds'],
    ['a timer', /<bpmn:timeCycle[^>]*>[^<]*<\/bpmn:timeCycle>/, '', 'timeCycle'],
  ])('reports a lost or changed %s', async (_what, find, replace, mentioned) => {
    const changed = original.replace(find, replace);
    expect(changed).not.toBe(original);
    const found = differences(await semanticTree(original), await semanticTree(changed));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(mentioned);
  });

  it('ignores the order of elements and the exporter stamp', async () => {
    const lines = original.split('\n');
    const first = lines.findIndex((l) => l.includes('<bpmn:sequenceFlow id="SequenceFlow_0nww3wx"'));
    const reordered = [...lines];
    const [flow] = reordered.splice(first, 1);
    reordered.splice(
      reordered.findIndex((l) => l.includes('</bpmn:process>')),
      0,
      flow!,
    );
    const restamped = reordered.join('\n').replace('exporterVersion="4.6.0"', 'exporterVersion="5.0.0"');
    expect(differences(await semanticTree(original), await semanticTree(restamped))).toEqual([]);
  });

  it('reads an ISO-8859-1 file as its prolog says, relabelled UTF-8', () => {
    const xml = read('corpus/miwg', 'A.1.0.bpmn');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    expect(diagramInterchange(xml)).toMatchObject({ shapes: expect.any(Array), planes: ['WFP-6-'] });
  });
});

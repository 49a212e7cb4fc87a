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
  const fixtures = {
    arrears: read('camunda7', 'arrears-reminder.bpmn'),
    meterTest: read('camunda7', 'meter-test-request.bpmn'),
    connection: read('camunda7', 'new-connection-review.bpmn'),
  };
  type Fixture = keyof typeof fixtures;

  it.each(Object.keys(fixtures) as Fixture[])('finds no difference between %s and itself', async (name) => {
    const xml = fixtures[name];
    expect(differences(await semanticTree(xml), await semanticTree(xml))).toEqual([]);
  });

  it.each<[string, Fixture, string | RegExp, string, string]>([
    ['an external task topic', 'arrears', 'camunda:topic="arrears-scan"', '', 'topic'],
    [
      'a multi-instance collection',
      'arrears',
      'camunda:collection="${overdueAccounts}"',
      'camunda:collection="${accounts}"',
      'collection',
    ],
    [
      'an input/output mapping',
      'arrears',
      /<camunda:inputOutput>[\s\S]*?<\/camunda:inputOutput>/,
      '',
      'extensionElements',
    ],
    ['a script input parameter', 'arrears', 'd.getDay() === 1 ? 3 : 1', 'd.getDay() === 1 ? 2 : 1', 'value'],
    [
      'a condition',
      'arrears',
      '${overdueAccounts.size() &gt; 0}',
      '${overdueAccounts.size() &gt; 1}',
      'conditionExpression',
    ],
    ['a (Chinese) name', 'arrears', 'name="电话催缴"', 'name="电话催收"', 'name'],
    ['a timer cycle', 'meterTest', /<bpmn:timeCycle[^>]*>R3\/P1D<\/bpmn:timeCycle>/, '', 'timeCycle'],
    [
      'a due date',
      'meterTest',
      'camunda:dueDate="${dateTime().plusDays(3).toDate()}"',
      'camunda:dueDate="${dateTime().plusDays(4).toDate()}"',
      'dueDate',
    ],
    ['candidate users', 'meterTest', 'camunda:candidateUsers="xh.meter, yh.meter" ', '', 'candidateUsers'],
    ['a map entry', 'meterTest', '>14:00-17:30<', '>14:00-17:00<', 'entries'],
    ["a lane's member", 'meterTest', '<bpmn:flowNodeRef>ApproveAdjustment</bpmn:flowNodeRef>', '', 'flowNodeRef'],
    [
      "a message flow's source",
      'meterTest',
      'sourceRef="CustomerNotified" targetRef="Participant_Customer"',
      'sourceRef="SendTestReport" targetRef="Participant_Customer"',
      'messageFlows',
    ],
    [
      'a call activity mapping',
      'connection',
      '<camunda:in source="applicationId" target="applicationId" />',
      '',
      'extensionElements',
    ],
    [
      'a follow-up date',
      'connection',
      'camunda:followUpDate="${dateTime().plusDays(2).toDate()}" ',
      '',
      'followUpDate',
    ],
    ['a label bound', 'connection', 'x="1056" y="242" width="44"', 'x="1057" y="242" width="44"', 'bounds'],
  ])('reports a lost or changed %s', async (_what, name, find, replace, mentioned) => {
    const original = fixtures[name];
    const changed = original.replace(find, replace);
    expect(changed).not.toBe(original);
    const found = differences(await semanticTree(original), await semanticTree(changed));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(mentioned);
  });

  it('ignores the order of elements and the exporter stamp', async () => {
    const original = fixtures.arrears;
    const lines = original.split('\n');
    const first = lines.findIndex((l) => l.includes('<bpmn:sequenceFlow id="Flow_151jrox"'));
    const reordered = [...lines];
    const [flow] = reordered.splice(first, 1);
    reordered.splice(
      reordered.findIndex((l) => l.includes('</bpmn:process>')),
      0,
      flow!,
    );
    const restamped = reordered.join('\n').replace('exporterVersion="5.22.0"', 'exporterVersion="5.40.0"');
    expect(restamped).not.toBe(original);
    expect(differences(await semanticTree(original), await semanticTree(restamped))).toEqual([]);
  });

  it('reads an ISO-8859-1 file as its prolog says, relabelled UTF-8', () => {
    const xml = read('corpus/miwg', 'A.1.0.bpmn');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    expect(diagramInterchange(xml)).toMatchObject({ shapes: expect.any(Array), planes: ['WFP-6-'] });
  });
});

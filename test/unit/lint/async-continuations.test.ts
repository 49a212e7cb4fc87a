import { describe, expect, it } from 'vitest';
import { compileDefinition } from '../../../server/engine/definitions.js';
import { lintXml } from '../../../server/lint/runner.js';
import type { PlatformLintData } from '../../../server/lint/rules/support.js';

const data: PlatformLintData = {
  services: ['noop'],
  roles: ['acceptance_clerk'],
  users: [],
  forms: [],
};

function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="p" isExecutable="true">${body}</process>
</definitions>`;
}

/** start → element → end. */
const around = (element: string) =>
  definitions(`<startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="x"/>${element}
    <sequenceFlow id="b" sourceRef="x" targetRef="end"/><endEvent id="end"/>`);

async function refusals(xml: string) {
  const lint = (await lintXml(xml, data)).filter((i) => i.severity === 'error').map((i) => i.message);
  const engine = await compileDefinition(xml, { has: () => true }).then(
    () => [] as string[],
    (err: { details?: { reason: string }[] }) => (err.details ?? []).map((d) => d.reason),
  );
  // The designer's lint and the deploy refuse in the same words.
  expect(engine.sort()).toEqual([...lint].sort());
  return lint;
}

describe('camunda:asyncBefore / asyncAfter at deploy', () => {
  it.each([
    [
      'a user task',
      '<userTask id="x" camunda:asyncBefore="true" camunda:asyncAfter="true" camunda:candidateGroups="acceptance_clerk"/>',
    ],
    ['a plain task (camunda:async)', '<task id="x" camunda:async="true"/>'],
    ['a manual task', '<manualTask id="x" camunda:asyncAfter="true"/>'],
    [
      'a service task',
      '<serviceTask id="x" camunda:asyncBefore="true" camunda:asyncAfter="true" camunda:delegateExpression="${noop}"/>',
    ],
    ['an exclusive gateway', '<exclusiveGateway id="x" camunda:asyncBefore="true"/>'],
    ['a parallel gateway', '<parallelGateway id="x" camunda:asyncAfter="true"/>'],
    ['an intermediate throw event', '<intermediateThrowEvent id="x" camunda:asyncBefore="true"/>'],
    [
      'a sub-process',
      '<subProcess id="x" camunda:asyncBefore="true"><startEvent id="s"/><sequenceFlow id="s1" sourceRef="s" targetRef="e"/><endEvent id="e"/></subProcess>',
    ],
    [
      'a retry cycle on a user task with asyncBefore',
      '<userTask id="x" camunda:asyncBefore="true"><extensionElements><camunda:failedJobRetryTimeCycle>R2/PT5M</camunda:failedJobRetryTimeCycle></extensionElements></userTask>',
    ],
  ])('deploys %s', async (_, element) => {
    expect(await refusals(around(element))).toEqual([]);
  });

  it('refuses a boundary event with asyncBefore, saying where to put it', async () => {
    const xml = around(`<userTask id="x"/>
      <boundaryEvent id="late" name="Late" attachedToRef="x" camunda:asyncBefore="true"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
      <sequenceFlow id="c" sourceRef="late" targetRef="end2"/><endEvent id="end2"/>`);
    expect(await refusals(xml)).toEqual([
      '"Late": camunda:asyncBefore on a boundary event is not supported (it listens while its activity runs and cannot wait before or after firing); put camunda:asyncBefore on the first element after it',
    ]);
  });

  it('refuses asyncBefore on a message start event and points to asyncAfter', async () => {
    const xml =
      definitions(`<startEvent id="paid" name="Paid" camunda:asyncBefore="true"><messageEventDefinition messageRef="m"/></startEvent>
      <sequenceFlow id="a" sourceRef="paid" targetRef="end"/><endEvent id="end"/>`).replace(
        '</process>',
        '</process><message id="m" name="paid"/>',
      );
    expect(await refusals(xml)).toEqual([
      '"Paid": camunda:asyncBefore on a message or signal start event is not supported (its message is delivered as the instance starts); use camunda:asyncAfter on it instead',
    ]);
    expect(await refusals(xml.replace('asyncBefore', 'asyncAfter'))).toEqual([]);
  });

  it('refuses an event-based gateway and asyncBefore on an event after one', async () => {
    const xml = definitions(`<startEvent id="start"/><sequenceFlow id="a" sourceRef="start" targetRef="g"/>
      <eventBasedGateway id="g" name="Wait" camunda:asyncAfter="true"/>
      <sequenceFlow id="b" sourceRef="g" targetRef="t"/>
      <intermediateCatchEvent id="t" name="Timeout" camunda:asyncBefore="true"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <sequenceFlow id="c" sourceRef="t" targetRef="end"/><endEvent id="end"/>
      <sequenceFlow id="d" sourceRef="g" targetRef="paid"/>
      <intermediateCatchEvent id="paid"><timerEventDefinition><timeDuration>PT2H</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <sequenceFlow id="e" sourceRef="paid" targetRef="end"/>`);
    const found = await refusals(xml);
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/"Wait": camunda:asyncAfter on an event-based gateway/);
    expect(found.join('\n')).toMatch(
      /"Timeout": camunda:asyncBefore on an event-based gateway or on an event after one/,
    );
  });

  it('refuses asyncBefore on the start event of an event sub-process', async () => {
    const xml = around(`<userTask id="x"/>
      <subProcess id="esp" triggeredByEvent="true">
        <startEvent id="escStart" name="On timer" isInterrupting="false" camunda:asyncBefore="true"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></startEvent>
        <sequenceFlow id="e1" sourceRef="escStart" targetRef="escEnd"/><endEvent id="escEnd"/>
      </subProcess>`);
    expect((await refusals(xml)).join('\n')).toMatch(
      /"On timer": camunda:asyncBefore on an event sub-process or its start event/,
    );
  });

  it('refuses async on multi-instance loop characteristics (one boundary per iteration)', async () => {
    const xml = around(
      '<userTask id="x" name="Sign"><multiInstanceLoopCharacteristics camunda:asyncBefore="true"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></userTask>',
    );
    expect(await refusals(xml)).toEqual([
      '"Sign": camunda:asyncBefore on multi-instance loop characteristics (a boundary for each iteration) is not supported; put camunda:asyncBefore / camunda:asyncAfter on the activity itself (before and after all iterations)',
    ]);
  });

  it('still refuses a retry cycle on an element that runs no job', async () => {
    const xml = around(
      '<userTask id="x" name="Check"><extensionElements><camunda:failedJobRetryTimeCycle>R2/PT5M</camunda:failedJobRetryTimeCycle></extensionElements></userTask>',
    );
    expect((await refusals(xml)).join('\n')).toMatch(
      /"Check": camunda:failedJobRetryTimeCycle on a UserTask has no job to retry/,
    );
  });
});

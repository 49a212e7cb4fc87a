import { describe, expect, it } from 'vitest';
import { compileDefinition } from '../../../server/engine/definitions.js';
import { signalVariables } from '../../../server/workflow/signal-deliveries.js';

const services = { has: () => true };

function process(body: string, roots = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <signal id="Sig" name="alarm" />
  <signal id="SigExpr" name="alarm-\${region}" />
  <escalation id="Esc" escalationCode="LATE" />
  ${roots}
  <process id="p" isExecutable="true">${body}</process>
</definitions>`;
}

async function refusal(xml: string): Promise<string[]> {
  try {
    await compileDefinition(xml, services);
    return [];
  } catch (err) {
    return ((err as { details: { element: string; reason: string }[] }).details ?? []).map(
      (d) => `${d.element}: ${d.reason}`,
    );
  }
}

describe('deploying signal and escalation events', () => {
  it('records signal start events and what signal throws pass along', async () => {
    const compiled = await compileDefinition(
      process(`<startEvent id="s"><signalEventDefinition signalRef="Sig" /></startEvent>
        <sequenceFlow id="f" sourceRef="s" targetRef="e" />
        <endEvent id="e"><signalEventDefinition signalRef="Sig"><extensionElements>
          <camunda:in variables="all" /><camunda:in sourceExpression="\${amount * 2}" target="doubled" />
        </extensionElements></signalEventDefinition></endEvent>`),
      services,
    );
    expect(compiled.meta.signalStarts).toEqual({ s: 'alarm' });
    expect(compiled.meta.signalThrows).toEqual({
      e: { all: true, mappings: [{ source: null, sourceExpression: '${amount * 2}', target: 'doubled' }] },
    });
  });

  it.each([
    [
      'a signal event without a signal',
      `<intermediateCatchEvent id="c"><signalEventDefinition /></intermediateCatchEvent>`,
      'c: "c": a signal event needs a signal',
    ],
    [
      'a signal start event named by an expression',
      `<startEvent id="s"><signalEventDefinition signalRef="SigExpr" /></startEvent>`,
      's: "s": a signal start event cannot wait for an expression',
    ],
    [
      'a signal start event of an event sub-process',
      `<subProcess id="ev" triggeredByEvent="true"><startEvent id="es" isInterrupting="false"><signalEventDefinition signalRef="Sig" /></startEvent></subProcess>`,
      'es: "es": a signal start event of an event sub-process is not supported',
    ],
    [
      'camunda:in local on a signal',
      `<endEvent id="e"><signalEventDefinition signalRef="Sig"><extensionElements><camunda:in variables="all" local="true" /></extensionElements></signalEventDefinition></endEvent>`,
      'e: "e": camunda:in on a signal passes variables="all" or a source/sourceExpression with a target; local is not supported',
    ],
    [
      'an escalation throw without an escalation',
      `<endEvent id="e"><escalationEventDefinition /></endEvent>`,
      'e: "e": an escalation throw or end event needs an escalation',
    ],
    [
      'an escalation boundary event on a call activity',
      `<callActivity id="call" calledElement="child" /><boundaryEvent id="b" attachedToRef="call"><escalationEventDefinition escalationRef="Esc" /></boundaryEvent>`,
      'b: "b": an escalation boundary event on a call activity is not supported',
    ],
    [
      'an interrupting escalation start event of an event sub-process',
      `<subProcess id="ev" triggeredByEvent="true"><startEvent id="es"><escalationEventDefinition escalationRef="Esc" /></startEvent></subProcess>`,
      'es: "es": an interrupting escalation start event of an event sub-process is not supported',
    ],
  ])('refuses %s, naming the element and what to use instead', async (_, body, reason) => {
    const problems = await refusal(process(body));
    expect(
      problems.some((p) => p.startsWith(reason)),
      problems.join('\n'),
    ).toBe(true);
  });
});

describe('signalVariables', () => {
  const variables = { amount: 21, feeder: 'F-1' };
  it('passes nothing without camunda:in', () => {
    expect(signalVariables(undefined, variables)).toEqual({});
  });
  it('passes every variable with variables="all", and mapped ones under their target', () => {
    expect(
      signalVariables(
        {
          all: true,
          mappings: [
            { source: 'feeder', sourceExpression: null, target: 'line' },
            { source: null, sourceExpression: '${amount * 2}', target: 'doubled' },
          ],
        },
        variables,
      ),
    ).toEqual({ amount: 21, feeder: 'F-1', line: 'F-1', doubled: 42 });
  });
});

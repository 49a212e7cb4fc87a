import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadedDefinition } from '../../support/engine-definition.js';
import { discardHeedingElements, QuietSequenceFlow } from '../../../server/engine/discard-pruning.js';
import {
  executeStep,
  type CommandWithVariables,
  type EngineState,
  type LoadedDefinition,
  type StepOutcome,
} from '../../../server/engine/runtime.js';
import type { Variables } from '../../../server/engine/step-context.js';

/**
 * A discard passes only along flows that lead to something that heeds it (a converging parallel
 * gateway, a link throw event); everywhere else it stops at once. The processes must run exactly
 * as before: the joins still fire, link catches still end, and nothing else shows a difference.
 */
const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`;
const definitions = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${NS} id="d" targetNamespace="http://x">${body}</bpmn:definitions>`;

/** An exclusive choice inside one branch of a parallel split, joined again by a parallel gateway. */
const JOIN = definitions(`<bpmn:process id="branches" isExecutable="true">
  <bpmn:startEvent id="start"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
  <bpmn:parallelGateway id="fork"/>
  <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="left"/>
  <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="choose"/>
  <bpmn:userTask id="left"/>
  <bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="join"/>
  <bpmn:exclusiveGateway id="choose" default="f6"/>
  <bpmn:sequenceFlow id="f5" sourceRef="choose" targetRef="big">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${environment.variables.amount &gt; 100}</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f6" sourceRef="choose" targetRef="small"/>
  <bpmn:userTask id="big"/>
  <bpmn:userTask id="small"/>
  <bpmn:sequenceFlow id="f7" sourceRef="big" targetRef="join"/>
  <bpmn:sequenceFlow id="f8" sourceRef="small" targetRef="join"/>
  <bpmn:parallelGateway id="join"/>
  <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="after"/>
  <bpmn:userTask id="after"/>
  <bpmn:sequenceFlow id="f10" sourceRef="after" targetRef="end"/>
  <bpmn:endEvent id="end"/>
</bpmn:process>`);

/** A choice between a link throw (caught elsewhere) and a task with a boundary timer and an escalation path. */
const LINK = definitions(`<bpmn:process id="links" isExecutable="true">
  <bpmn:startEvent id="start"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choose"/>
  <bpmn:exclusiveGateway id="choose" default="f3"/>
  <bpmn:sequenceFlow id="f2" sourceRef="choose" targetRef="throw">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${environment.variables.jump}</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f3" sourceRef="choose" targetRef="work"/>
  <bpmn:intermediateThrowEvent id="throw"><bpmn:linkEventDefinition id="l1" name="L"/></bpmn:intermediateThrowEvent>
  <bpmn:userTask id="work"/>
  <bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="false">
    <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="chase"/>
  <bpmn:userTask id="chase"/>
  <bpmn:sequenceFlow id="f5" sourceRef="chase" targetRef="chased"/>
  <bpmn:endEvent id="chased"/>
  <bpmn:sequenceFlow id="f6" sourceRef="work" targetRef="end"/>
  <bpmn:endEvent id="end"/>
  <bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition id="l2" name="L"/></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f7" sourceRef="catch" targetRef="linked"/>
  <bpmn:userTask id="linked"/>
  <bpmn:sequenceFlow id="f8" sourceRef="linked" targetRef="end2"/>
  <bpmn:endEvent id="end2"/>
</bpmn:process>`);

const load = (xml: string): Promise<LoadedDefinition> => loadedDefinition(xml);

/** One step over state as the database gives it back (recovered, as on another node). */
function step(
  definition: LoadedDefinition,
  state: EngineState | null,
  variables: Variables,
  command: CommandWithVariables,
) {
  const stored = state ? (JSON.parse(JSON.stringify(state)) as EngineState) : null;
  return executeStep(definition, stored, variables, command);
}

async function complete(definition: LoadedDefinition, outcome: StepOutcome, elementId: string, variables: Variables) {
  const wait = outcome.waiting.find((w) => w.elementId === elementId);
  if (!wait) throw new Error(`${elementId} is not waiting: ${outcome.waiting.map((w) => w.elementId).join(', ')}`);
  return step(definition, outcome.state, variables, { kind: 'signal', executionId: wait.executionId });
}

const quietFlows = (definition: LoadedDefinition) =>
  (definition.sourceContext as unknown as { getSequenceFlows(): { id: string; Behaviour: unknown }[] })
    .getSequenceFlows()
    .filter((f) => f.Behaviour === QuietSequenceFlow)
    .map((f) => f.id)
    .sort();
const waiting = (o: StepOutcome) => o.waiting.map((w) => w.elementId).sort();
const discarded = (o: StepOutcome) => o.history.filter((h) => h.event === 'discard').map((h) => h.elementId);

describe('discards pass only where something heeds them', () => {
  it('keeps every flow that leads to a parallel join or a link throw, and quiets the rest', async () => {
    const join = await load(JOIN);
    // Everything before the join leads to it; only the flows after it are quiet.
    expect(quietFlows(join)).toEqual(['f10', 'f9']);
    const link = await load(LINK);
    // The way to the link throw keeps its discard; the task's end, its boundary's path and the catch's do not.
    expect(quietFlows(link)).toEqual(['f3', 'f4', 'f5', 'f6', 'f7', 'f8']);
    expect(discardHeedingElements(link.sourceContext as never)).toEqual(new Set(['throw', 'choose', 'start']));
  });

  it('still fires a parallel join whose branch took one way of an exclusive choice', async () => {
    const join = await load(JOIN);
    for (const [amount, taken, untaken] of [
      [500, 'big', 'small'],
      [5, 'small', 'big'],
    ] as const) {
      const started = await step(join, null, { amount }, { kind: 'start' });
      expect(waiting(started)).toEqual(['left', taken].sort());
      // the untaken task's discard reaches the join, which counts it as its branch arrived
      expect(discarded(started)).toContain(untaken);
      const one = await complete(join, started, taken, { amount });
      expect(waiting(one)).toEqual(['left']);
      const joined = await complete(join, one, 'left', { amount });
      expect(waiting(joined)).toEqual(['after']);
      const done = await complete(join, joined, 'after', { amount });
      expect(done.status).toBe('completed');
    }
  });

  it('still ends a link catch whose throw was not taken, and sends no discard down the quiet flows', async () => {
    const link = await load(LINK);
    const started = await step(link, null, { jump: false }, { kind: 'start' });
    // the catch waited from the start; the untaken throw's discard took it away
    expect(waiting(started)).toEqual(['work']);
    expect(started.timers.map((t) => t.elementId)).toEqual(['late']);
    const events = started.history.map((h) => `${h.event}:${h.elementId}`);
    expect(events).toEqual(expect.arrayContaining(['discard:throw', 'start:catch', 'leave:catch']));
    // and nothing after the catch was walked to be discarded
    expect(discarded(started)).toEqual(['throw']);
    const done = await complete(link, started, 'work', { jump: false });
    // the boundary timer leaves with its task; its path (chase, chased) is not walked to discard it
    expect(done.history.map((h) => `${h.event}:${h.elementId}`)).toEqual([
      'end:work',
      'start:end',
      'end:end',
      'leave:end',
      'leave:late',
      'leave:work',
    ]);
    expect(done.status).toBe('completed');

    const jumped = await step(link, null, { jump: true }, { kind: 'start' });
    expect(waiting(jumped)).toEqual(['linked']);
    // the untaken task is not visited at all
    expect(discarded(jumped)).toEqual([]);
    expect((await complete(link, jumped, 'linked', { jump: true })).status).toBe('completed');
  });

  it('completes acceptance of a new connection without a discard wave through the rest of the process', async () => {
    const xml = readFileSync(new URL('../../../processes/new-connection.bpmn', import.meta.url), 'utf8');
    const definition = await load(xml);
    const started = await step(definition, null, {}, { kind: 'start' });
    const variables = { acceptClass: '01', elecTypeCode: '201', capacityKva: 8, important: false, gridWorks: false };
    const wait = started.waiting.find((w) => w.elementId === 'A01')!;
    const accepted = await step(definition, started.state, variables, {
      kind: 'signal',
      executionId: wait.executionId,
      assign: variables,
    });
    expect(waiting(accepted)).toEqual(['A02']);
    expect(accepted.timers.map((t) => t.elementId)).toEqual(['A02_OVERDUE']);
    // Without pruning the untaken branches' discards walked to the end event four times (over 100 events).
    expect(discarded(accepted)).toEqual([]);
    expect(accepted.history.map((h) => `${h.event}:${h.elementId}`)).toEqual([
      'end:A01',
      'start:gwDocuments',
      'end:gwDocuments',
      'start:gwClass',
      'end:gwClass',
      'start:A02_OVERDUE',
      'start:A02',
      'leave:gwClass',
      'leave:gwDocuments',
      'leave:A01',
    ]);
  });
});

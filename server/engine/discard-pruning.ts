import * as Elements from 'bpmn-elements';

/**
 * Which sequence flows pass a discard on.
 *
 * When an exclusive gateway takes one flow, bpmn-elements discards the others, and a discarded
 * activity discards its own outgoing flows (and its boundary events theirs): the discard runs to
 * the end of the process, once for every path that reaches an element (only a loop back stops
 * it). In the new-connection process, completing acceptance sent discards through the rest of
 * the diagram four times over: about 40 ms of a 47 ms step, every smqp message of it garbage.
 *
 * An element that was never started keeps no trace of its discard (no history row, no state the
 * process waits for). A discard matters only where something counts or forwards it:
 * - a converging gateway that waits for its peers (parallel; inclusive and complex for safety):
 *   an untaken branch arrives there as a discard;
 * - a link throw event, whose discard discards its catch event, which waits from the process's
 *   start and would otherwise keep the process from completing.
 * So a flow whose target cannot lead to one of those (along sequence flows, and from an activity
 * to the boundary events it carries) takes no discard: it neither publishes the event nor passes
 * it to its target. Every other flow behaves exactly as bpmn-elements has it.
 */

/** The subset of a deserialized moddle-context-serializer context this needs. */
interface FlowDefinition {
  id: string;
  sourceId: string;
  targetId: string;
  Behaviour: unknown;
}

interface ActivityDefinition {
  id: string;
  type: string;
  behaviour?: { attachedTo?: { id?: string }; eventDefinitions?: { type?: string }[] };
}

interface PrunableContext {
  getSequenceFlows(): FlowDefinition[];
  getActivities(): ActivityDefinition[];
}

const JOINS = new Set(['bpmn:ParallelGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']);

const BaseSequenceFlow = (Elements as unknown as { SequenceFlow: new (...args: unknown[]) => object }).SequenceFlow;

/** A sequence flow whose discard reaches nothing that heeds it. */
export class QuietSequenceFlow extends BaseSequenceFlow {
  discard(): void {
    // Deliberately nothing: see the module comment.
  }
}

/** Ids of the elements a discard must still reach: the heeding ones and everything leading to them. */
export function discardHeedingElements(context: PrunableContext): Set<string> {
  const flows = context.getSequenceFlows();
  const activities = context.getActivities();
  const inbound = new Map<string, number>();
  const predecessors = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = predecessors.get(to);
    if (list) list.push(from);
    else predecessors.set(to, [from]);
  };
  for (const f of flows) {
    inbound.set(f.targetId, (inbound.get(f.targetId) ?? 0) + 1);
    link(f.sourceId, f.targetId);
  }
  const heeding: string[] = [];
  for (const a of activities) {
    const attachedTo = a.behaviour?.attachedTo?.id;
    if (attachedTo) link(attachedTo, a.id);
    const joins = JOINS.has(a.type) && (inbound.get(a.id) ?? 0) > 1;
    const throwsLink =
      a.type === 'bpmn:IntermediateThrowEvent' &&
      (a.behaviour?.eventDefinitions ?? []).some((d) => d.type === 'bpmn:LinkEventDefinition');
    if (joins || throwsLink) heeding.push(a.id);
  }
  const reached = new Set(heeding);
  while (heeding.length) {
    const id = heeding.pop() as string;
    for (const p of predecessors.get(id) ?? []) {
      if (reached.has(p)) continue;
      reached.add(p);
      heeding.push(p);
    }
  }
  return reached;
}

/**
 * Gives every plain sequence flow of `context` whose target leads to nothing that heeds a discard
 * the quiet behaviour. Done once per loaded version: the flow definitions are shared by every
 * engine built over the context. Answers how many flows were made quiet.
 */
export function quietUnheededDiscards(context: unknown): number {
  const ctx = context as PrunableContext;
  const heeding = discardHeedingElements(ctx);
  let quiet = 0;
  for (const flow of ctx.getSequenceFlows()) {
    if (flow.Behaviour !== BaseSequenceFlow || heeding.has(flow.targetId)) continue;
    flow.Behaviour = QuietSequenceFlow;
    quiet += 1;
  }
  return quiet;
}

import { randomBytes } from 'node:crypto';
import { Conflict } from '../lib/errors.js';
import type { SourceContext } from './definitions.js';

/**
 * One instruction of a process instance modification, as Camunda 7 words them
 * (user-guide/process-engine/process-instance-modification): cancel every active instance of an
 * activity or one activity instance (an execution id here), start before an activity (it runs as
 * if a flow had just reached it), or start after one (its single outgoing flow is taken).
 */
export type ModificationInstruction =
  | { type: 'cancel'; activityId?: string | undefined; activityInstanceId?: string | undefined }
  | { type: 'startBeforeActivity' | 'startAfterActivity'; activityId: string };

/** What the engine exposes of an activity, a flow and a (sub-)process execution; bpmn-elements' own API. */
interface ActivityApiLike {
  id: string;
  type: string;
  executionId: string;
  content: Record<string, unknown>;
  owner?: ActivityLike;
  discard(): void;
}
interface ActivityLike {
  id: string;
  type: string;
  isRunning?: boolean;
  run(content?: Record<string, unknown>): void;
  execution?: { source?: { executions?: ProcessExecutionLike[] }; getPostponed?(): ActivityApiLike[] };
}
interface FlowLike {
  id: string;
  sourceId: string;
  targetId: string;
  take(content?: Record<string, unknown>): void;
  discard(content?: Record<string, unknown>): void;
}
interface ProcessExecutionLike {
  executionId: string;
  broker: {
    getQueue(name: string): { queueMessage(fields: object, content: object, props?: object): void } | undefined;
  };
  getActivityById(id: string): ActivityLike | undefined;
  getSequenceFlows(): FlowLike[];
  getPostponed(): ActivityApiLike[];
}
interface EngineLike {
  execution?: { definitions: { getProcesses(): { id: string; execution?: ProcessExecutionLike }[] }[] } | null;
}

/** The static shape of an element (parsed context), for the checks that need no running engine. */
interface StaticElement {
  id: string;
  type: string;
  parent?: { id: string; type: string };
  behaviour?: { loopCharacteristics?: unknown; attachedTo?: { id: string }; triggeredByEvent?: boolean };
}

function refuse(reason: string): never {
  throw new Conflict('MODIFICATION_REFUSED', reason);
}

/** The running scope an element lives in: the process, or one active (not multi-instance) sub-process. */
interface Scope {
  id: string;
  execution: ProcessExecutionLike;
}

/**
 * Applies a modification to a recovered, resumed engine, atomically from the caller's view: any
 * refusal throws before the step is saved, so the instance keeps its state. Cancels are resolved
 * in instruction order but carried out last, and a hold keeps each touched scope alive meanwhile,
 * so "cancel X, start before X" restarts X instead of ending the process between the two.
 */
export function applyModification(
  engine: EngineLike,
  sourceContext: SourceContext,
  instructions: ModificationInstruction[],
): void {
  const processes = engine.execution?.definitions.flatMap((d) => d.getProcesses()) ?? [];
  const root = processes.find((p) => p.execution)?.execution;
  if (!root) refuse('the process instance has no running process to modify');
  const context = sourceContext as unknown as { getActivityById(id: string): StaticElement | undefined };
  const element = (id: string): StaticElement => {
    const found = context.getActivityById(id);
    if (!found) refuse(`the process has no activity ${id}`);
    return found;
  };

  /** Every active activity instance with its scope and the sub-process entry holding it, depth first. */
  const active = (): Active[] => {
    const result: Active[] = [];
    const seen = new Set<string>();
    const visit = (scope: Scope, holder: Active | null) => {
      for (const api of scope.execution.getPostponed()) {
        if (seen.has(api.executionId)) continue;
        seen.add(api.executionId);
        const entry: Active = { api, scope, holder };
        result.push(entry);
        for (const sub of innerExecutions(api)) visit({ id: api.id, execution: sub }, entry);
        // A multi-instance activity's iterations, in the activity's own scope.
        for (const iteration of api.owner?.execution?.getPostponed?.() ?? []) {
          if (seen.has(iteration.executionId)) continue;
          seen.add(iteration.executionId);
          result.push({ api: iteration, scope, holder: entry });
        }
      }
    };
    visit({ id: processes[0]!.id, execution: root }, null);
    return result;
  };

  /** Refuses an element that sits inside a multi-instance body or an event sub-process. */
  const checkAncestors = (id: string) => {
    let parent = element(id).parent;
    while (parent && parent.type !== 'bpmn:Process') {
      const scope = element(parent.id);
      if (scope.behaviour?.loopCharacteristics)
        refuse(
          `${id} lies inside the multi-instance body of ${parent.id}; its iterations cannot be modified one by one`,
        );
      if (scope.behaviour?.triggeredByEvent)
        refuse(`${id} lies inside the event sub-process ${parent.id}, which only its event starts`);
      parent = scope.parent;
    }
  };

  /** The running scope that holds `id`: the process, or its active sub-process (refused when not active or repeated). */
  const scopeOf = (id: string): Scope => {
    const parent = element(id).parent;
    if (!parent || parent.type === 'bpmn:Process') return { id: parent?.id ?? '', execution: root };
    const executions = active()
      .filter((a) => a.api.id === parent.id)
      .flatMap((a) => innerExecutions(a.api));
    if (executions.length === 0)
      refuse(`${id} lies inside the sub-process ${parent.id}, which is not active; start before ${parent.id} instead`);
    if (executions.length > 1) refuse(`${id} lies inside ${parent.id}, which is active more than once`);
    return { id: parent.id, execution: executions[0]! };
  };

  const holds = new Map<ProcessExecutionLike, { id: string; type: string; executionId: string; parent: object }>();
  const hold = (scope: Scope) => {
    if (holds.has(scope.execution)) return;
    const content = {
      id: '__modification_hold',
      type: 'bpmn:Task',
      executionId: `__modification_hold_${randomBytes(5).toString('hex')}`,
      parent: { id: scope.id, executionId: scope.execution.executionId },
    };
    // A child message the scope counts as postponed but finds no activity for: it keeps the scope
    // from completing while its last activity is cancelled and before the new ones run.
    const queue = scope.execution.broker.getQueue(`execute-${scope.execution.executionId}-q`);
    if (!queue) refuse('the process is not in a state that can be modified');
    queue.queueMessage({ routingKey: 'activity.wait' }, content, { persistent: false });
    holds.set(scope.execution, content);
  };

  const cancels = new Map<string, Active>();
  /** Start instructions, carried out after resolving every instruction; `target` is the activity that will run. */
  const starts: { target: string; run: () => void }[] = [];
  const touched = new Map<ProcessExecutionLike, Scope>();

  for (const instruction of instructions) {
    if (instruction.type === 'cancel') {
      const running = active().filter((a) => !cancels.has(a.api.executionId));
      let targets: Active[];
      if (instruction.activityInstanceId) {
        targets = running.filter((a) => a.api.executionId === instruction.activityInstanceId);
        if (targets.length === 0) refuse(`no activity instance ${instruction.activityInstanceId} is active`);
        const target = targets[0]!;
        if (isIteration(target.api))
          refuse(
            `${target.api.id} (${target.api.executionId}) is one iteration of a multi-instance activity; cancel the whole activity by its id`,
          );
      } else {
        const id = instruction.activityId ?? '';
        element(id);
        targets = running.filter((a) => a.api.id === id && !isIteration(a.api));
        if (targets.length === 0) refuse(`${id} is not active`);
      }
      for (const target of targets) {
        checkAncestors(target.api.id);
        if (isBoundary(target.api))
          refuse(`${target.api.id} is a boundary event; it goes when the activity it is attached to is cancelled`);
        if (target.api.type === 'bpmn:CallActivity')
          refuse(`${target.api.id} calls another process; cancel the called instance, or this instance, instead`);
        cancels.set(target.api.executionId, target);
      }
      continue;
    }

    const id = instruction.activityId;
    const el = element(id);
    checkAncestors(id);
    if (el.type === 'bpmn:BoundaryEvent')
      refuse(`${id} is a boundary event; start before or after the activity it is attached to instead`);
    const scope = scopeOf(id);
    touched.set(scope.execution, scope);
    if (instruction.type === 'startBeforeActivity') {
      const activity = scope.execution.getActivityById(id);
      if (!activity) refuse(`${id} cannot be started in ${scope.id}`);
      starts.push({
        target: id,
        run: () => {
          if (activity.isRunning)
            refuse(`${id} is already active; cancel it in the same modification to start it again`);
          activity.run();
        },
      });
    } else {
      const flows = scope.execution.getSequenceFlows().filter((f) => f.sourceId === id);
      if (flows.length !== 1)
        refuse(
          `${id} has ${flows.length} outgoing sequence flows; starting after it needs exactly one (start before the next activity instead)`,
        );
      const flow = flows[0]!;
      starts.push({
        target: flow.targetId,
        run: () => {
          const next = scope.execution.getActivityById(flow.targetId);
          if (next?.isRunning && !JOINS.has(next.type))
            refuse(`${flow.targetId}, after ${id}, is already active; cancel it in the same modification first`);
          flow.take({ sequenceId: `${flow.id}_take_${randomBytes(5).toString('hex')}` });
        },
      });
    }
  }

  // A sub-process whose every active activity is cancelled, and where nothing starts, is cancelled
  // as a whole (Camunda cancels the parent scope too): it must not complete and go on downstream.
  for (;;) {
    const all = active();
    const widened = all.find((sub) => {
      if (cancels.has(sub.api.executionId) || innerExecutions(sub.api).length === 0) return false;
      const inner = all.filter((a) => a.holder === sub && !isBoundary(a.api));
      const startsHere = innerExecutions(sub.api).some((e) => touched.has(e));
      return inner.length > 0 && inner.every((a) => cancels.has(a.api.executionId)) && !startsHere;
    });
    if (!widened) break;
    for (const a of all) if (isBelow(a, widened)) cancels.delete(a.api.executionId);
    cancels.set(widened.api.executionId, widened);
  }
  const remaining = active().filter((a) => a.holder === null && !cancels.has(a.api.executionId) && !isBoundary(a.api));
  if (starts.length === 0 && remaining.length === 0)
    refuse('the modification would leave the instance with no active activity; cancel the instance instead');

  for (const { scope } of cancels.values()) hold(scope);
  for (const scope of touched.values()) hold(scope);
  // A start of an activity being cancelled (a restart) runs after the cancels; every other start
  // runs first, in the order given, so the scopes it enters stay alive.
  const restarting = new Set([...cancels.values()].map((c) => c.api.id));
  for (const start of starts) if (!restarting.has(start.target)) start.run();
  // Camunda's cancel takes nothing downstream: while the cancelled activities (and the boundary
  // events that go with them) leave, no sequence flow passes their discard on.
  const flows = new Set<FlowLike>();
  for (const execution of [root, ...active().flatMap((a) => innerExecutions(a.api))])
    for (const flow of execution.getSequenceFlows()) flows.add(flow);
  for (const flow of flows) Object.assign(flow, { discard: () => undefined });
  try {
    for (const { api } of cancels.values()) api.discard();
  } finally {
    for (const flow of flows) delete (flow as Partial<FlowLike>).discard;
  }
  for (const start of starts) if (restarting.has(start.target)) start.run();
  for (const [execution, content] of holds) {
    execution.broker
      .getQueue(`execute-${execution.executionId}-q`)
      ?.queueMessage({ routingKey: 'activity.leave' }, content, { persistent: false });
  }
}

interface Active {
  api: ActivityApiLike;
  scope: Scope;
  /** The active sub-process whose execution holds this one; null at the process level. */
  holder: Active | null;
}

const JOINS = new Set(['bpmn:ParallelGateway', 'bpmn:InclusiveGateway']);

function innerExecutions(api: ActivityApiLike): ProcessExecutionLike[] {
  return api.owner?.execution?.source?.executions ?? [];
}

/** A boundary event goes with the activity it is attached to (its wait may be its event definition's). */
function isBoundary(api: ActivityApiLike): boolean {
  return api.type === 'bpmn:BoundaryEvent' || api.content.attachedTo !== undefined;
}

function isIteration(api: ActivityApiLike): boolean {
  return api.content.isMultiInstance === true && api.content.index !== undefined;
}

function isBelow(entry: Active, ancestor: Active): boolean {
  for (let h = entry.holder; h; h = h.holder) if (h === ancestor) return true;
  return false;
}

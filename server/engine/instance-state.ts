import { loadSourceContext } from './definitions.js';
import type { EngineState } from './runtime.js';

/**
 * Reading and rewriting a saved engine state (bpmn-engine `getState()`) without running it: which
 * activities are active, and the same state with element ids renamed for another version of the
 * process (migration). Plain data in, plain data out; nothing here runs the engine.
 */

/** An activity that has a status in the saved state (executing, or waiting on a timer, a message, a task). */
export interface ActiveElement {
  id: string;
  type: string;
  executionId: string;
  /** The sub-process it runs in (element id), or null at the process level. */
  parentId: string | null;
}

interface ChildState {
  id: string;
  type: string;
  status?: string;
  executionId?: string;
  execution?: { children?: ChildState[]; executions?: { children?: ChildState[] }[] };
}

interface ProcessState {
  id: string;
  execution?: { children?: ChildState[] };
}

function processesOf(state: EngineState | null): ProcessState[] {
  const definitions = (state?.definitions ?? []) as { execution?: { processes?: ProcessState[] } }[];
  return definitions.flatMap((d) => d.execution?.processes ?? []);
}

/** Every active activity in a saved state, sub-process children included (depth first). */
export function activeElements(state: EngineState | null): ActiveElement[] {
  const result: ActiveElement[] = [];
  const visit = (children: ChildState[] | undefined, parentId: string | null) => {
    for (const child of children ?? []) {
      if (!child.status) continue;
      result.push({ id: child.id, type: child.type, executionId: child.executionId ?? '', parentId });
      visit(child.execution?.children, child.id);
      for (const inner of child.execution?.executions ?? []) visit(inner.children, child.id);
    }
  };
  for (const process of processesOf(state)) visit(process.execution?.children, null);
  return result;
}

/** The keys of a saved state whose string values name elements (activities, flows, boundary hosts). */
const ELEMENT_KEYS = new Set(['id', 'attachedTo', 'targetId', 'sourceId']);

/**
 * The state with element ids renamed by `mapping` (source id → target id), in one pass so that
 * swapped ids stay swapped. BPMN ids are unique in a document, so a value under `id` that is a
 * mapped element id names that element (a message's or timer's own id never equals another
 * element's). Execution ids keep their old prefixes: they are opaque, and the task, job and
 * subscription rows are keyed by them.
 */
export function renameElements(state: EngineState, mapping: Record<string, string>): EngineState {
  const renamed = Object.entries(mapping).filter(([from, to]) => from !== to);
  if (renamed.length === 0) return state;
  const rename = new Map(renamed);
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = ELEMENT_KEYS.has(key) && typeof v === 'string' ? (rename.get(v) ?? v) : walk(v);
    }
    return out;
  };
  return walk(state) as EngineState;
}

/** What migration needs to know of an element besides its type: where it sits, what it loops, what it hangs on. */
export interface ElementShape {
  type: string;
  /** The sub-process holding it; null at the process level. */
  parentId: string | null;
  multiInstance: boolean;
  /** An event sub-process (started by its event only). */
  eventSubProcess: boolean;
  /** For a boundary event, the activity it is attached to. */
  attachedTo: string | null;
  /** The event definitions' types (bpmn:TimerEventDefinition, …), sorted. */
  eventDefinitions: string[];
  /**
   * The element's behaviour as the engine reads it, without ids, labels and form keys: two
   * versions' elements with the same fingerprint wait, time out and correlate alike.
   */
  fingerprint: string;
}

interface SerializedActivity {
  id: string;
  type: string;
  parent?: { id: string; type: string };
  behaviour?: {
    loopCharacteristics?: unknown;
    triggeredByEvent?: boolean;
    attachedTo?: { id: string };
    eventDefinitions?: { type: string }[];
  };
}

/** The shapes of every activity of a deployed version, from its serialized engine context. */
export function elementShapes(serializedContext: string): Map<string, ElementShape> {
  const context = loadSourceContext(serializedContext) as unknown as {
    getProcesses(): { id: string }[];
    getActivities(scopeId?: string): SerializedActivity[];
  };
  const shapes = new Map<string, ElementShape>();
  for (const activity of context.getActivities()) {
    const parent = activity.parent;
    if (parent?.type === 'bpmn:Definitions') continue;
    shapes.set(activity.id, {
      type: activity.type,
      parentId: parent && parent.type !== 'bpmn:Process' ? parent.id : null,
      multiInstance: !!activity.behaviour?.loopCharacteristics,
      eventSubProcess: !!activity.behaviour?.triggeredByEvent,
      attachedTo: activity.behaviour?.attachedTo?.id ?? null,
      eventDefinitions: (activity.behaviour?.eventDefinitions ?? []).map((d) => d.type).sort(),
      fingerprint: behaviourFingerprint(activity.behaviour),
    });
  }
  return shapes;
}

/** Definitions an element refers to by name (a message's name is what correlates, not a label). */
const REFERENCED_TYPES = new Set(['bpmn:Message', 'bpmn:Signal', 'bpmn:Error', 'bpmn:Escalation']);

/** See ElementShape.fingerprint: keys sorted, `id` and `formKey` dropped, and the `name` of flow elements. */
function behaviourFingerprint(behaviour: unknown): string {
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, ''));
    if (!value || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const labelled = key === 'attachedTo' || (typeof object.$type === 'string' && !REFERENCED_TYPES.has(object.$type));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(object).sort()) {
      if (k === 'id' || k === 'formKey' || (labelled && k === 'name')) continue;
      out[k] = walk(object[k], k);
    }
    return out;
  };
  return JSON.stringify(walk(behaviour ?? null, '')) ?? 'null';
}

import { isoDurationMs } from './iso-duration.js';
import { resolveTemplate, type Scope } from './expressions.js';

/**
 * Camunda 7's variable mappings, read from bpmn-moddle elements and evaluated by the platform's
 * safe expressions: `camunda:inputOutput` on activities and intermediate events, `camunda:in` /
 * `camunda:out` on call activities, and `camunda:failedJobRetryTimeCycle`. Free of Node imports:
 * the designer's lint bundles the readers through runnability.ts.
 */

/** A parameter's value: a text (constant or `${…}`), a camunda:list, a camunda:map, or nothing (null). */
export type IoValue = { text: string } | { list: IoValue[] } | { map: [string, IoValue][] } | { none: true };

export interface IoParameter {
  name: string;
  value: IoValue;
}

/** An element's camunda:inputOutput: inputs become its local variables, outputs go to its parent scope when it ends. */
export interface IoMapping {
  inputs: IoParameter[];
  outputs: IoParameter[];
}

/** One camunda:in or camunda:out of a call activity. */
export type CallMapping =
  | { all: true; local: boolean }
  | { source: string; target: string; local: boolean }
  | { sourceExpression: string; target: string; local: boolean };

/** A call activity's camunda:in / camunda:out; with no camunda:in nothing is passed, as in Camunda. */
export interface CallVariableMappings {
  in: CallMapping[];
  out: CallMapping[];
  /** camunda:in businessKey: an expression over the caller's variables (or its business key). */
  businessKey: string | null;
}

interface ModdleLike {
  $type: string;
  [property: string]: unknown;
}

function many(value: unknown): ModdleLike[] {
  return Array.isArray(value) ? (value as ModdleLike[]) : [];
}

function extensionValues(element: ModdleLike): ModdleLike[] {
  return many((element.extensionElements as ModdleLike | undefined)?.values);
}

function readValue(body: unknown, definition: ModdleLike | undefined): IoValue {
  if (!definition) return typeof body === 'string' && body !== '' ? { text: body } : { none: true };
  switch (definition.$type) {
    case 'camunda:List':
      return {
        list: many(definition.items).map((item) =>
          readValue(item.value, item.$type === 'camunda:Value' ? undefined : item),
        ),
      };
    case 'camunda:Map':
      return {
        map: many(definition.entries).map((entry) => [
          typeof entry.key === 'string' ? entry.key : '',
          readValue(entry.value, entry.definition as ModdleLike | undefined),
        ]),
      };
    default:
      // A camunda:Script: refused at deploy (runnability.ts), never evaluated.
      return { none: true };
  }
}

/** The element's camunda:inputOutput, or null when it has none. */
export function readIoMapping(element: ModdleLike): IoMapping | null {
  const io = extensionValues(element).find((v) => v.$type === 'camunda:InputOutput');
  if (!io) return null;
  const parameters = (list: unknown): IoParameter[] =>
    many(list).map((p) => ({
      name: typeof p.name === 'string' ? p.name.trim() : '',
      value: readValue(p.value, p.definition as ModdleLike | undefined),
    }));
  return { inputs: parameters(io.inputParameters), outputs: parameters(io.outputParameters) };
}

/** Evaluates a parameter's value over a scope: lists and maps element by element, nested. */
export function evaluateIoValue(value: IoValue, scope: Scope): unknown {
  if ('text' in value) return resolveTemplate(value.text, scope);
  if ('list' in value) return value.list.map((item) => evaluateIoValue(item, scope));
  if ('map' in value) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of value.map) out[key] = evaluateIoValue(entry, scope);
    return out;
  }
  return null;
}

/** Every text a value holds, for the deploy's expression checks. */
export function ioTexts(value: IoValue): string[] {
  if ('text' in value) return [value.text];
  if ('list' in value) return value.list.flatMap(ioTexts);
  if ('map' in value) return value.map.flatMap(([, entry]) => ioTexts(entry));
  return [];
}

function attr(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * A call activity's camunda:in / camunda:out as the runtime applies them; a mapping it cannot read
 * is left out here and refused at deploy (callMappingProblems).
 */
export function readCallMappings(element: ModdleLike): CallVariableMappings {
  const result: CallVariableMappings = { in: [], out: [], businessKey: null };
  for (const value of extensionValues(element)) {
    if (value.$type !== 'camunda:In' && value.$type !== 'camunda:Out') continue;
    const into = value.$type === 'camunda:In' ? result.in : result.out;
    const local = value.local === true;
    const businessKey = attr(value.businessKey);
    if (value.$type === 'camunda:In' && businessKey) {
      result.businessKey = businessKey;
      continue;
    }
    const target = attr(value.target);
    const source = attr(value.source);
    const sourceExpression = attr(value.sourceExpression);
    if (attr(value.variables) === 'all') into.push({ all: true, local });
    else if (source && target) into.push({ source, target, local });
    else if (sourceExpression && target) into.push({ sourceExpression, target, local });
  }
  return result;
}

/** What is wrong with one camunda:in / camunda:out, as a short English problem, or null. */
export function callMappingProblem(value: ModdleLike): string | null {
  const kind = value.$type === 'camunda:In' ? 'camunda:in' : 'camunda:out';
  const variables = attr(value.variables);
  const businessKey = attr(value.businessKey);
  const source = attr(value.source);
  const sourceExpression = attr(value.sourceExpression);
  const target = attr(value.target);
  if (businessKey) {
    if (kind === 'camunda:out') return 'camunda:out has no businessKey (only camunda:in passes one)';
    if (source || sourceExpression || target || variables)
      return 'a camunda:in with businessKey takes no other attribute';
    return null;
  }
  if (variables !== null) {
    if (variables !== 'all') return `${kind} variables="${variables}": only variables="all" exists`;
    if (source || sourceExpression || target) return `${kind} variables="all" takes no source or target`;
    return null;
  }
  if (source && sourceExpression) return `${kind} has both source and sourceExpression; give one`;
  if (!source && !sourceExpression) return `${kind} needs source, sourceExpression, variables="all" or businessKey`;
  if (!target) return `${kind} needs a target (the variable to set)`;
  return null;
}

/** A failed job's retry plan: how many attempts in all, and the wait before each retry. */
export interface RetryCycle {
  attempts: number;
  /** Waits in ms before the 2nd, 3rd, … attempt; the last repeats when attempts outnumber them. */
  waitsMs: number[];
}

/**
 * camunda:failedJobRetryTimeCycle: `R<n>/<duration>` (n attempts, the duration between them) or a
 * comma list of durations (one retry after each: list length + 1 attempts), as Camunda reads it.
 * Null when the text is neither.
 */
export function parseRetryCycle(text: string): RetryCycle | null {
  const trimmed = text.trim();
  const repeated = /^R(\d+)\/(P[^/,]+)$/.exec(trimmed);
  if (repeated) {
    const wait = isoDurationMs(repeated[2] as string);
    const attempts = Number(repeated[1]);
    return wait === null || attempts < 1 ? null : { attempts, waitsMs: [wait] };
  }
  const waits = trimmed.split(',').map((part) => isoDurationMs(part.trim()));
  if (waits.length === 0 || waits.some((w) => w === null)) return null;
  return { attempts: waits.length + 1, waitsMs: waits as number[] };
}

/** The wait before the next attempt after `attempt` attempts (1-based) failed. */
export function retryWaitMs(cycle: RetryCycle, attempt: number): number {
  const index = Math.min(Math.max(attempt - 1, 0), cycle.waitsMs.length - 1);
  return cycle.waitsMs[index] ?? 0;
}

/** The element's camunda:failedJobRetryTimeCycle text, or null. */
export function readRetryCycle(element: ModdleLike): string | null {
  const cycle = extensionValues(element).find((v) => v.$type === 'camunda:FailedJobRetryTimeCycle');
  return cycle ? attr(cycle.body) : null;
}

/**
 * The variables a list of camunda:in (or camunda:out) mappings hands over from `from`: every one
 * for `all`, then each `source` or `sourceExpression` under its target (a source the caller does
 * not have is passed as null, as Camunda does).
 */
export function mappedVariables(mappings: CallMapping[], from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const scope: Scope = (name) => (Object.prototype.hasOwnProperty.call(from, name) ? from[name] : undefined);
  for (const mapping of mappings) {
    if ('all' in mapping) Object.assign(out, from);
    else if ('source' in mapping) out[mapping.target] = scope(mapping.source) ?? null;
    else out[mapping.target] = resolveTemplate(mapping.sourceExpression, scope) ?? null;
  }
  return out;
}

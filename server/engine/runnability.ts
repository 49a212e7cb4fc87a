import { declaredInstanceDeadline, deadlineSpecProblem, deadlineValueProblem } from '../lib/deadlines.js';
import type { Finding, LintMessageCode } from '../lint/messages.js';
import { parseServiceReference } from '../services/service-reference.js';
import { ExpressionError, isExpression, parseExpression, rootIdentifiers, validateTemplate } from './expressions.js';
import { isoDurationMs } from './iso-duration.js';
import { callMappingProblem, ioTexts, parseRetryCycle, readIoMapping, readRetryCycle } from './io-mapping.js';

/**
 * What the runtime can run, as pure checks over bpmn-moddle elements: the platform's lint rules
 * report these findings (in the designer and at deploy, server/lint/rules) and the engine's
 * compile refuses on the very same ones (definitions.ts), so the two never disagree. Free of Node
 * imports: the designer bundles it with the lint rules.
 */

/** The platform lint rule (`platform/<rule>`) that reports a finding. */
export type PlatformRule =
  | 'no-script-task'
  | 'supported-elements'
  | 'expressions-valid'
  | 'element-complete'
  | 'service-exists'
  | 'deadline-valid'
  | 'executable-process'
  | 'process-limits';

export interface RuleFinding extends Finding {
  rule: PlatformRule;
}

/** A bpmn-moddle element, as both bpmn-moddle (server) and bpmn-js (browser) hand it out. */
export interface CheckedElement {
  $type: string;
  id?: string;
  name?: string;
  $parent?: unknown;
  [property: string]: unknown;
}

/**
 * The sizes a deployed process may have (ARCHITECTURE.md "Limits are part of the design"): set by
 * the server's configuration, handed to the lint rules with their data and to the engine's compile.
 */
export interface ProcessLimits {
  /** The shortest interval a timer cycle (or a repeating duration) may repeat at, in ms. */
  timerMinIntervalMs: number;
  /** Flow elements per process, sub-processes' included. */
  maxElements: number;
  /** Bytes of one BPMN document. */
  maxXmlBytes: number;
  /** The largest multi-instance cardinality. */
  multiInstanceMax: number;
}

export const DEFAULT_PROCESS_LIMITS: ProcessLimits = {
  timerMinIntervalMs: 60_000,
  maxElements: 2_000,
  maxXmlBytes: 1024 * 1024,
  multiInstanceMax: 1_000,
};

export { isoDurationMs };

/**
 * The interval a timer repeats at, in ms: of a repeating interval (`R/PT1M`, `R5/<start>/PT1H`,
 * `R/<start>/<end>`) or of a plain duration used as a cycle; null when the text is none of these
 * (an expression, a date, a cron-like text the engine refuses itself).
 */
export function timerIntervalMs(text: string): number | null {
  const parts = text.trim().split('/');
  if (/^R\d*$/.test(parts[0] ?? '')) parts.shift();
  const duration = parts.find((part) => part.startsWith('P'));
  if (duration) return isoDurationMs(duration);
  if (parts.length === 2) {
    const [start, end] = parts.map((part) => Date.parse(part));
    if (start !== undefined && end !== undefined && !Number.isNaN(start) && !Number.isNaN(end)) return end - start;
  }
  return null;
}

/** A timer that repeats: any cycle, and a duration written as a repeating interval (`R/PT0S`). */
function repeats(kind: string, text: string): boolean {
  return kind === 'timeCycle' || /^R\d*\//.test(text.trim());
}

/** A timer cycle (or repeating duration) shorter than the limit would fire without pause. */
export function timerIntervalProblem(
  kind: string,
  text: string,
  limits: Pick<ProcessLimits, 'timerMinIntervalMs'>,
): Record<string, string> | null {
  if (!repeats(kind, text) || isExpression(text)) return null;
  const interval = timerIntervalMs(text);
  if (interval === null || interval >= limits.timerMinIntervalMs) return null;
  return {
    field: kind,
    value: text.trim(),
    interval: String(interval / 1000),
    min: String(limits.timerMinIntervalMs / 1000),
  };
}

export interface ServiceCatalog {
  has(name: string): boolean;
}

/** Element types the runtime supports; anything else in an executable process is refused. */
export const SUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:Task',
  'bpmn:UserTask',
  'bpmn:ManualTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ReceiveTask',
  'bpmn:CallActivity',
  'bpmn:SubProcess',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);
const SUPPORTED_EVENT_DEFINITIONS = new Set([
  'bpmn:TimerEventDefinition',
  'bpmn:MessageEventDefinition',
  'bpmn:ErrorEventDefinition',
  'bpmn:TerminateEventDefinition',
  'bpmn:SignalEventDefinition',
  'bpmn:EscalationEventDefinition',
  'bpmn:LinkEventDefinition',
]);
/** The user task attributes that may hold `${…}` expressions (read by the runtime). */
const USER_TASK_FIELDS = [
  'candidateGroups',
  'candidateUsers',
  'assignee',
  'formKey',
  'dueDate',
  'followUpDate',
  'priority',
] as const;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function children(value: unknown): CheckedElement[] {
  return Array.isArray(value) ? (value as CheckedElement[]) : [];
}

function finding(rule: PlatformRule, code: LintMessageCode, params: Record<string, string> = {}, path?: string[]) {
  return { rule, code, params, ...(path ? { path } : {}) } satisfies RuleFinding;
}

/** The syntax of every `${…}` in a text, and no Camunda Java API roots (`execution`, `task`). */
export function expressionFindings(field: string, value: unknown, path?: string[]): RuleFinding[] {
  if (typeof value !== 'string' || !value.includes('${')) return [];
  try {
    validateTemplate(value);
    const found: RuleFinding[] = [];
    for (const body of value.match(/\$\{([^}]*)\}/g) ?? []) {
      for (const root of rootIdentifiers(body.slice(2, -1))) {
        if (root === 'execution' || root === 'task') {
          found.push(finding('expressions-valid', 'expression.java-api', { field, value: root }, path));
        }
      }
    }
    return found;
  } catch (err) {
    const problem = err instanceof ExpressionError ? err.message : String(err);
    return [finding('expressions-valid', 'expression.invalid', { field, value, problem }, path)];
  }
}

/**
 * Why a flow element (or artifact) cannot run, or nothing. Only the element's own attributes and
 * definitions are read: a sub-process's children are elements of their own.
 */
export function elementFindings(
  element: CheckedElement,
  services: ServiceCatalog | null,
  limits: ProcessLimits = DEFAULT_PROCESS_LIMITS,
): RuleFinding[] {
  const type = element.$type;
  if (type === 'bpmn:ScriptTask') return [finding('no-script-task', 'script-task.forbidden')];
  if (!SUPPORTED_TYPES.has(type)) {
    return [finding('supported-elements', 'element.unsupported', { type: type.replace('bpmn:', '') })];
  }
  const found = [
    ...eventDefinitionFindings(element, limits),
    ...loopFindings(element, limits),
    ...extensionFindings(element),
    ...asyncFindings(element, limits),
  ];
  switch (type) {
    case 'bpmn:UserTask':
      return [...found, ...userTaskFindings(element)];
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
      return [...found, ...serviceFindings(element, services)];
    case 'bpmn:BusinessRuleTask':
      return [...found, ...businessRuleFindings(element)];
    case 'bpmn:SequenceFlow':
      return [...found, ...conditionFindings(element)];
    case 'bpmn:CallActivity': {
      const called = text(element.calledElement);
      if (!called) return [...found, finding('element-complete', 'call-activity.no-called-element')];
      return [
        ...found,
        ...expressionFindings('calledElement', called, ['calledElement']),
        ...callMappingFindings(element),
      ];
    }
    case 'bpmn:ReceiveTask':
      return element.messageRef ? found : [...found, finding('element-complete', 'receive-task.no-message')];
    default:
      return found;
  }
}

function eventDefinitionFindings(element: CheckedElement, limits: ProcessLimits): RuleFinding[] {
  const found: RuleFinding[] = [];
  for (const definition of children(element.eventDefinitions)) {
    if (!SUPPORTED_EVENT_DEFINITIONS.has(definition.$type)) {
      found.push(finding('supported-elements', 'event.unsupported', { type: definition.$type.replace('bpmn:', '') }));
      continue;
    }
    if (definition.$type === 'bpmn:TimerEventDefinition') found.push(...timerFindings(definition, limits));
    const throwing = element.$type === 'bpmn:EndEvent' || element.$type === 'bpmn:IntermediateThrowEvent';
    if (definition.$type === 'bpmn:MessageEventDefinition' && !definition.messageRef && !throwing) {
      found.push(finding('element-complete', 'event.no-message'));
    }
    if (definition.$type === 'bpmn:SignalEventDefinition') found.push(...signalFindings(element, definition));
    if (definition.$type === 'bpmn:EscalationEventDefinition') found.push(...escalationFindings(element, definition));
  }
  return found;
}

/** A start event of an event sub-process (triggeredByEvent). */
function inEventSubProcess(element: CheckedElement): boolean {
  const parent = element.$parent as CheckedElement | undefined;
  return element.$type === 'bpmn:StartEvent' && parent?.$type === 'bpmn:SubProcess' && parent.triggeredByEvent === true;
}

/**
 * Signals are broadcast by name across instances (workflow/signals.service.ts), so every signal
 * event names its signal. A signal start event's name is fixed (no instance, no variables yet);
 * an event sub-process's signal start waits inside the engine where no subscription is kept.
 * camunda:in passes variables along as Camunda 7 does, except `local` (no local scopes here).
 */
function signalFindings(element: CheckedElement, definition: CheckedElement): RuleFinding[] {
  const signal = definition.signalRef as CheckedElement | undefined;
  if (!signal) return [finding('element-complete', 'signal.no-signal', {}, ['eventDefinitions'])];
  if (inEventSubProcess(element)) return [finding('supported-elements', 'signal.event-subprocess')];
  const name = text(signal.name) ?? signal.id ?? '';
  const found: RuleFinding[] = [];
  if (element.$type === 'bpmn:StartEvent' && name.includes('${')) {
    found.push(finding('supported-elements', 'signal.start-expression', { value: name }));
  }
  for (const value of children((definition.extensionElements as CheckedElement | undefined)?.values)) {
    if (value.$type === 'camunda:Out')
      found.push(finding('supported-elements', 'signal.in-unsupported', { value: 'camunda:out' }));
    if (value.$type !== 'camunda:In') continue;
    const unsupported = ['local', 'businessKey'].find(
      (attribute) => value[attribute] !== undefined && value[attribute] !== false,
    );
    const complete =
      value.variables === 'all' || (text(value.target) && (text(value.source) || text(value.sourceExpression)));
    if (unsupported) found.push(finding('supported-elements', 'signal.in-unsupported', { value: unsupported }));
    else if (!complete)
      found.push(finding('supported-elements', 'signal.in-unsupported', { value: 'camunda:in without a target' }));
    found.push(...expressionFindings('camunda:in sourceExpression', value.sourceExpression));
  }
  return found;
}

/**
 * Escalations stay inside one instance (bpmn-elements delivers them): a called process is an
 * instance of its own, so a boundary event on a call activity would never hear one; and an
 * interrupting escalation event sub-process does not interrupt its scope in the engine.
 */
function escalationFindings(element: CheckedElement, definition: CheckedElement): RuleFinding[] {
  const throwing = element.$type === 'bpmn:EndEvent' || element.$type === 'bpmn:IntermediateThrowEvent';
  if (throwing && !definition.escalationRef) return [finding('element-complete', 'escalation.no-escalation')];
  const attachedTo = element.attachedToRef as CheckedElement | undefined;
  if (element.$type === 'bpmn:BoundaryEvent' && attachedTo?.$type === 'bpmn:CallActivity') {
    return [finding('supported-elements', 'escalation.call-activity')];
  }
  if (inEventSubProcess(element) && element.isInterrupting !== false) {
    return [finding('supported-elements', 'escalation.interrupting-start')];
  }
  return [];
}

/** A timer reads like a deadline: ISO date or duration, wd:<N>, sla:<step>, or an expression. */
function timerFindings(definition: CheckedElement, limits: ProcessLimits): RuleFinding[] {
  const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((kind) => definition[kind]);
  if (kinds.length === 0) return [finding('deadline-valid', 'timer.missing')];
  const found: RuleFinding[] = [];
  for (const kind of kinds) {
    const body = text((definition[kind] as CheckedElement).body);
    const problem = body && kind !== 'timeCycle' ? deadlineSpecProblem(body) : null;
    const tooOften = body ? timerIntervalProblem(kind, body, limits) : null;
    if (tooOften) found.push(finding('process-limits', 'limits.timer-interval', tooOften));
    if (!body) found.push(finding('deadline-valid', 'timer.empty', { field: kind }));
    else if (problem) found.push(finding('deadline-valid', 'timer.invalid', { field: kind, problem }));
    else found.push(...expressionFindings(kind, body));
  }
  return found;
}

function loopFindings(element: CheckedElement, limits: ProcessLimits): RuleFinding[] {
  const loop = element.loopCharacteristics as CheckedElement | undefined;
  if (!loop) return [];
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') return standardLoopFindings(loop, limits);
  const cardinality = loop.loopCardinality as CheckedElement | undefined;
  const completion = loop.completionCondition as CheckedElement | undefined;
  const found = [
    ...expressionFindings('collection', loop.collection),
    ...expressionFindings('loopCardinality', cardinality?.body),
    ...expressionFindings('completionCondition', completion?.body),
  ];
  if (!loop.collection && !cardinality) found.push(finding('element-complete', 'loop.no-collection'));
  const literal = text(cardinality?.body);
  if (literal && !isExpression(literal) && Number(literal) > limits.multiInstanceMax) {
    const max = String(limits.multiInstanceMax);
    found.push(finding('process-limits', 'limits.multi-instance', { value: literal, max }, ['loopCharacteristics']));
  }
  return found;
}

/**
 * A standard loop repeats its activity until its condition holds (tested after each pass, or
 * before with testBefore) or its maximum is reached: one of the two must bound it, and a literal
 * maximum is held to the multi-instance limit.
 */
function standardLoopFindings(loop: CheckedElement, limits: ProcessLimits): RuleFinding[] {
  const condition = text((loop.loopCondition as CheckedElement | undefined)?.body);
  const maximum = loop.loopMaximum === undefined || loop.loopMaximum === null ? null : Number(loop.loopMaximum);
  const found = [...expressionFindings('loopCondition', condition)];
  if (!condition && maximum === null) found.push(finding('element-complete', 'loop.standard'));
  if (maximum !== null && maximum > limits.multiInstanceMax) {
    const max = String(limits.multiInstanceMax);
    found.push(
      finding('process-limits', 'limits.multi-instance', { value: String(maximum), max }, ['loopCharacteristics']),
    );
  }
  return found;
}

/**
 * Listeners with a Java class, a delegate expression or a script run code and are refused; a
 * listener with an expression is accepted, its expression checked like any other: the platform's
 * expressions read values and have no side effects, so such a listener changes nothing.
 * Input/output parameters are text, a list, a map, or an expression.
 */
function extensionFindings(element: CheckedElement): RuleFinding[] {
  const found: RuleFinding[] = [];
  for (const value of children((element.extensionElements as CheckedElement | undefined)?.values)) {
    if (value.$type === 'camunda:ExecutionListener' || value.$type === 'camunda:TaskListener') {
      const expression = text(value.expression);
      if (value.class || value.delegateExpression || value.script || !expression) {
        found.push(finding('supported-elements', 'listener.forbidden', { type: value.$type.replace('camunda:', '') }));
      } else found.push(...expressionFindings('listener expression', expression));
    }
  }
  return [...found, ...ioMappingFindings(element)];
}

function userTaskFindings(element: CheckedElement): RuleFinding[] {
  const found: RuleFinding[] = [];
  const values: Record<(typeof USER_TASK_FIELDS)[number], string | null> = {
    candidateGroups: text(element.candidateGroups),
    candidateUsers: text(element.candidateUsers),
    assignee: text(element.assignee),
    // Camunda 7.16+ links a form-js form by camunda:formRef; both name a deployed form's id.
    formKey: text(element.formKey) ?? text(element.formRef),
    dueDate: text(element.dueDate),
    followUpDate: text(element.followUpDate),
    priority: text(element.priority),
  };
  for (const field of USER_TASK_FIELDS) found.push(...expressionFindings(field, values[field], [field]));
  for (const field of ['dueDate', 'followUpDate'] as const) {
    const value = values[field];
    if (value && deadlineValueProblem(value)) {
      found.push(finding('deadline-valid', 'deadline.invalid', { field, value }, [field]));
    }
  }
  const priority = values.priority;
  if (priority && !isExpression(priority) && !/^-?\d+$/.test(priority)) {
    found.push(finding('expressions-valid', 'user-task.priority', { value: priority }, ['priority']));
  }
  return found;
}

/** The task names a service the parser reads and, when a registry is given, that it holds (or an external topic). */
export function serviceFindings(element: CheckedElement, services: ServiceCatalog | null): RuleFinding[] {
  const reference = parseServiceReference(element);
  if ('refused' in reference) return [{ rule: 'service-exists', ...reference.refused }];
  // An external task's topic is served by workers outside the platform, not by the registry.
  if ('topic' in reference) return [];
  if (services && !services.has(reference.service)) {
    return [finding('service-exists', 'service.unknown', { value: reference.service }, [reference.attribute])];
  }
  return [];
}

const DECISION_BINDINGS = new Set(['latest', 'deployment', 'version', 'versionTag']);
const DECISION_RESULT_MAPPINGS = new Set(['singleEntry', 'singleResult', 'collectEntries', 'resultList']);

/**
 * A business rule task evaluates a deployed DMN decision (camunda:decisionRef, Camunda 7's
 * DmnBusinessRuleTaskActivityBehavior); the other implementations Camunda allows run Java or an
 * expression and are refused. Whether the decision is deployed is asked at run time, as Camunda
 * does: it may be deployed after the process.
 */
export function businessRuleFindings(element: CheckedElement): RuleFinding[] {
  for (const field of ['class', 'delegateExpression', 'expression'] as const) {
    const value = text(element[field]);
    if (value) return [finding('supported-elements', 'business-rule.implementation', { field, value }, [field])];
  }
  if (text(element.type) === 'external') {
    const value = 'external';
    return [finding('supported-elements', 'business-rule.implementation', { field: 'type', value }, ['type'])];
  }
  const decisionRef = text(element.decisionRef);
  if (!decisionRef) return [finding('element-complete', 'business-rule.no-decision', {}, ['decisionRef'])];
  const found = [
    ...expressionFindings('decisionRef', decisionRef, ['decisionRef']),
    ...expressionFindings('decisionRefVersion', element.decisionRefVersion, ['decisionRefVersion']),
    ...expressionFindings('decisionRefVersionTag', element.decisionRefVersionTag, ['decisionRefVersionTag']),
  ];
  const binding = text(element.decisionRefBinding) ?? 'latest';
  if (!DECISION_BINDINGS.has(binding)) {
    found.push(finding('element-complete', 'business-rule.binding', { value: binding }, ['decisionRefBinding']));
  }
  const version = text(element.decisionRefVersion);
  if (binding === 'version' && !version) {
    const params = { value: binding, field: 'decisionRefVersion' };
    found.push(finding('element-complete', 'business-rule.no-version', params, ['decisionRefVersion']));
  }
  if (binding === 'version' && version && !isExpression(version) && !/^[1-9]\d*$/.test(version)) {
    found.push(finding('element-complete', 'business-rule.version', { value: version }, ['decisionRefVersion']));
  }
  if (binding === 'versionTag' && !text(element.decisionRefVersionTag)) {
    const params = { value: binding, field: 'decisionRefVersionTag' };
    found.push(finding('element-complete', 'business-rule.no-version', params, ['decisionRefVersionTag']));
  }
  const mapping = text(element.mapDecisionResult);
  if (mapping && !DECISION_RESULT_MAPPINGS.has(mapping)) {
    found.push(finding('element-complete', 'business-rule.mapping', { value: mapping }, ['mapDecisionResult']));
  }
  return found;
}

function conditionFindings(flow: CheckedElement): RuleFinding[] {
  const condition = flow.conditionExpression as CheckedElement | undefined;
  if (!condition) return [];
  const language = text(condition.language);
  if (language) return [finding('supported-elements', 'script.condition', { value: language })];
  const body = text(condition.body);
  if (!body) return [finding('element-complete', 'condition.empty')];
  if (!isExpression(body)) return [finding('expressions-valid', 'condition.not-expression', { value: body })];
  return expressionFindings('condition', body, ['conditionExpression']);
}

/** The process's own deadline (camunda:properties dueDate and dueDatePausedBy), and its size. */
export function processFindings(
  process: CheckedElement,
  limits: ProcessLimits = DEFAULT_PROCESS_LIMITS,
): RuleFinding[] {
  const elements = countElements(process);
  const size =
    elements > limits.maxElements
      ? [finding('process-limits', 'limits.elements', { value: String(elements), max: String(limits.maxElements) })]
      : [];
  return [...size, ...deadlineFindings(process)];
}

/** Flow elements of a container, its sub-processes' included. */
function countElements(container: CheckedElement): number {
  let count = 0;
  for (const element of children(container.flowElements)) count += 1 + countElements(element);
  return count;
}

/**
 * A document larger than the limit is refused before it is read: reading it would already cost
 * the node what the limit protects. Measured in UTF-8 bytes, as the deployment carries it.
 */
export function documentSizeFinding(xml: string, limits: ProcessLimits = DEFAULT_PROCESS_LIMITS): RuleFinding | null {
  const bytes = new TextEncoder().encode(xml).length;
  if (bytes <= limits.maxXmlBytes) return null;
  return finding('process-limits', 'limits.document-size', { value: String(bytes), max: String(limits.maxXmlBytes) });
}

function deadlineFindings(process: CheckedElement): RuleFinding[] {
  const { dueDate, pausedBy } = declaredInstanceDeadline(process);
  const path = ['extensionElements'];
  if (!dueDate) return pausedBy.length ? [finding('deadline-valid', 'deadline.paused-without-due', {}, path)] : [];
  const found = expressionFindings('dueDate', dueDate, path);
  if (deadlineValueProblem(dueDate)) {
    found.push(finding('deadline-valid', 'deadline.invalid', { field: 'dueDate', value: dueDate }, path));
  }
  const ids = elementIds(process);
  for (const id of pausedBy) {
    if (!ids.has(id)) found.push(finding('deadline-valid', 'deadline.paused-unknown', { value: id }, path));
  }
  return found;
}

/** The ids of every flow element, sub-processes included. */
function elementIds(container: CheckedElement, into = new Set<string>()): Set<string> {
  for (const element of children(container.flowElements)) {
    if (element.id) into.add(element.id);
    if (element.flowElements) elementIds(element, into);
  }
  return into;
}

/** A message name is text, or one expression (resolved when the message is thrown). */
export function messageFindings(message: CheckedElement): RuleFinding[] {
  const name = text(message.name) ?? message.id ?? '';
  if (!name.includes('${')) return [];
  try {
    parseExpression(name.slice(2, -1));
    return [];
  } catch {
    return [finding('expressions-valid', 'message.invalid-name', { value: name }, ['name'])];
  }
}

/**
 * A document holds exactly one executable process (the one the platform deploys). Each finding
 * names the element it is about: the processes, or the definitions when there is none.
 */
export function executableProcessFindings(
  definitions: CheckedElement,
): { element: CheckedElement; finding: RuleFinding }[] {
  const processes = children(definitions.rootElements).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) {
    const value = processes.map((p) => p.id).join(', ') || 'none';
    const notExecutable = finding('executable-process', 'process.not-executable', { value }, ['isExecutable']);
    return (processes.length ? processes : [definitions]).map((element) => ({ element, finding: notExecutable }));
  }
  if (executable.length === 1) return [];
  const value = executable.map((p) => p.id).join(', ');
  const several = finding('executable-process', 'process.several-executable', { value }, ['isExecutable']);
  return executable.map((element) => ({ element, finding: several }));
}

/**
 * Where Camunda 7 takes camunda:inputOutput and where this runtime gives it a scope of its own:
 * activities and intermediate events, end events with inputs only (Camunda refuses their
 * outputs); not start or boundary events, gateways, or a multi-instance activity (whose
 * per-instance mapping the runtime does not keep). Parameters are text, `${…}`, list or map.
 */
const IO_ELEMENTS = new Set([
  'bpmn:Task',
  'bpmn:UserTask',
  'bpmn:ManualTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ReceiveTask',
  'bpmn:CallActivity',
  'bpmn:SubProcess',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:EndEvent',
]);

function ioMappingFindings(element: CheckedElement): RuleFinding[] {
  const io = children((element.extensionElements as CheckedElement | undefined)?.values).find(
    (v) => v.$type === 'camunda:InputOutput',
  );
  if (!io) return [];
  const type = element.$type.replace('bpmn:', '');
  if (!IO_ELEMENTS.has(element.$type) || element.triggeredByEvent === true) {
    return [finding('supported-elements', 'io.not-here', { type })];
  }
  const found: RuleFinding[] = [];
  if (element.loopCharacteristics) found.push(finding('supported-elements', 'io.multi-instance'));
  if (element.$type === 'bpmn:EndEvent' && children(io.outputParameters).length) {
    found.push(finding('supported-elements', 'io.not-here', { type: `${type} (output parameters)` }));
  }
  for (const parameter of [...children(io.inputParameters), ...children(io.outputParameters)]) {
    if ((parameter.definition as CheckedElement | undefined)?.$type === 'camunda:Script') {
      found.push(finding('supported-elements', 'script.parameter', { field: String(parameter.name) }));
    }
    if (!text(parameter.name)) found.push(finding('element-complete', 'io.no-name'));
  }
  const mapping = readIoMapping(element);
  for (const parameter of [...(mapping?.inputs ?? []), ...(mapping?.outputs ?? [])]) {
    for (const value of ioTexts(parameter.value)) {
      found.push(...expressionFindings(`parameter ${parameter.name}`, value));
    }
  }
  return found;
}

/**
 * A call activity's camunda:in / camunda:out, read as Camunda 7 reads them; what runs code instead
 * (a variable mapping class or delegate expression) is refused, and so is `local`, for which the
 * called instance keeps no local scope here.
 */
function callMappingFindings(element: CheckedElement): RuleFinding[] {
  const found: RuleFinding[] = [];
  for (const field of ['variableMappingClass', 'variableMappingDelegateExpression'] as const) {
    const value = text(element[field]);
    if (value) found.push(finding('supported-elements', 'call-activity.mapping-code', { field, value }, [field]));
  }
  for (const value of children((element.extensionElements as CheckedElement | undefined)?.values)) {
    if (value.$type !== 'camunda:In' && value.$type !== 'camunda:Out') continue;
    const problem =
      callMappingProblem(value) ??
      (value.local === true
        ? `${value.$type === 'camunda:In' ? 'camunda:in' : 'camunda:out'} local="true" is not supported; map the variables by name`
        : null);
    if (problem) found.push(finding('element-complete', 'call-activity.mapping', { problem }));
    const businessKey = text(value.businessKey);
    if (businessKey && !PARENT_BUSINESS_KEY.test(businessKey)) {
      found.push(...expressionFindings('camunda:in businessKey', businessKey));
    }
    found.push(...expressionFindings('sourceExpression', value.sourceExpression));
  }
  return found;
}

/** Camunda's usual way to hand the caller's business key on: read here without a Java API. */
export const PARENT_BUSINESS_KEY = /^[$#]\{\s*execution\.processBusinessKey\s*\}$/;

/** Elements that run as a job of their own (the service job is their transaction boundary). */
const JOB_ELEMENTS = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

const ASYNC_FIELDS = ['asyncBefore', 'async', 'asyncAfter'] as const;

/**
 * An element's camunda:asyncBefore (or its older name camunda:async) and camunda:asyncAfter: the
 * transaction boundaries an async-continuation job continues from (engine/async-continuation.ts).
 */
export function readAsyncBoundary(element: CheckedElement): { before?: true; after?: true } | null {
  const before = element.asyncBefore === true || element.async === true;
  const after = element.asyncAfter === true;
  if (!before && !after) return null;
  return { ...(before ? { before: true as const } : {}), ...(after ? { after: true as const } : {}) };
}

function isStartOfEventSubProcess(element: CheckedElement): boolean {
  const parent = element.$parent as CheckedElement | undefined;
  return element.$type === 'bpmn:StartEvent' && parent?.$type === 'bpmn:SubProcess' && parent.triggeredByEvent === true;
}

/** Read from the container's sequence flows: `incoming` is not filled in by every parse. */
function followsEventGateway(element: CheckedElement): boolean {
  const flows = children((element.$parent as CheckedElement | undefined)?.flowElements);
  return flows.some(
    (flow) =>
      flow.$type === 'bpmn:SequenceFlow' &&
      flow.targetRef === element &&
      (flow.sourceRef as CheckedElement | undefined)?.$type === 'bpmn:EventBasedGateway',
  );
}

/** Why camunda:<field> cannot be a boundary on this element, or nothing (Camunda 7.24 allows it on every flow node). */
function asyncRefusal(element: CheckedElement, field: (typeof ASYNC_FIELDS)[number]): LintMessageCode | null {
  const type = element.$type;
  if (type === 'bpmn:BoundaryEvent') return 'async.boundary-event';
  if (isStartOfEventSubProcess(element) || (type === 'bpmn:SubProcess' && element.triggeredByEvent === true))
    return 'async.event-subprocess';
  if (type === 'bpmn:EventBasedGateway' || (field !== 'asyncAfter' && followsEventGateway(element)))
    return 'async.event-gateway';
  const triggered = children(element.eventDefinitions).some(
    (d) => d.$type === 'bpmn:MessageEventDefinition' || d.$type === 'bpmn:SignalEventDefinition',
  );
  if (type === 'bpmn:StartEvent' && field !== 'asyncAfter' && triggered) return 'async.message-start';
  return null;
}

/**
 * camunda:asyncBefore / asyncAfter are transaction boundaries: the step commits there and an
 * async-continuation job runs on, retried and raising its incident at the element. Refused where
 * the element must be listening when it is reached (boundary events, event sub-processes, message
 * starts, events after an event-based gateway) and per iteration of a multi-instance.
 * camunda:failedJobRetryTimeCycle shapes the retries of the element's jobs, held to the timer
 * interval limit.
 */
function asyncFindings(element: CheckedElement, limits: ProcessLimits): RuleFinding[] {
  const found: RuleFinding[] = [];
  for (const field of ASYNC_FIELDS) {
    if (element[field] !== true) continue;
    const code = asyncRefusal(element, field);
    if (code) found.push(finding('supported-elements', code, { field }, [field]));
  }
  const loop = element.loopCharacteristics as CheckedElement | undefined;
  for (const field of ASYNC_FIELDS) {
    if (loop?.[field] === true)
      found.push(finding('supported-elements', 'async.multi-instance', { field }, ['loopCharacteristics', field]));
  }
  const cycle = readRetryCycle(element);
  if (!cycle) return found;
  if (!JOB_ELEMENTS.has(element.$type) && !readAsyncBoundary(element)) {
    found.push(finding('supported-elements', 'retry-cycle.not-job', { type: element.$type.replace('bpmn:', '') }));
    return found;
  }
  const parsed = parseRetryCycle(cycle);
  if (!parsed) return [...found, finding('element-complete', 'retry-cycle.invalid', { value: cycle })];
  const shortest = Math.min(...parsed.waitsMs);
  if (shortest < limits.timerMinIntervalMs) {
    const params = { value: cycle, interval: String(shortest / 1000), min: String(limits.timerMinIntervalMs / 1000) };
    found.push(finding('process-limits', 'limits.retry-interval', params));
  }
  return found;
}

import { createHash } from 'node:crypto';
import BpmnModdle, { type ModdleElement } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import * as Elements from 'bpmn-elements';
import serializer, { deserialize, TypeResolver } from 'moddle-context-serializer';
import { Invalid, type ErrorDetail } from '../lib/errors.js';
import { checkXmlSafety } from './xml-safety.js';
import { ExpressionError, validateTemplate, isExpression, parseExpression, rootIdentifiers } from './expressions.js';
import { PlatformService } from './platform-service.js';
import { PlatformTimerEventDefinition } from './timer-definition.js';
import { declaredInstanceDeadline, deadlineSpecProblem, deadlineValueProblem } from '../lib/deadlines.js';

/** What the platform knows about a user task from its camunda: attributes (read at deploy). */
export interface UserTaskMeta {
  name: string | null;
  candidateGroups: string | null;
  candidateUsers: string | null;
  assignee: string | null;
  formKey: string | null;
  dueDate: string | null;
  followUpDate: string | null;
  priority: string | null;
}

export interface ServiceTaskMeta {
  service: string;
  resultVariable: string | null;
  /**
   * The task's camunda:inputParameter values (text, possibly `${…}` templates, or a camunda:Map of
   * them): what this one call passes besides the process variables (e.g. a notice's template).
   */
  inputs?: Record<string, string | Record<string, string>>;
}

/** Everything the runtime needs besides the engine's own serialized context. */
export interface DefinitionMeta {
  processId: string;
  name: string | null;
  elements: Record<string, { type: string; name: string | null }>;
  userTasks: Record<string, UserTaskMeta>;
  serviceTasks: Record<string, ServiceTaskMeta>;
  /** message id → message name */
  messages: Record<string, string>;
  /** element id of a message start event → message name */
  messageStarts: Record<string, string>;
  callActivities: Record<string, string>;
  /**
   * The whole instance's deadline, from the process's camunda:properties: `dueDate` (ISO date or
   * duration, wd:<N>, sla:<step>, or an expression giving one), counted from the instance's start,
   * and `dueDatePausedBy` (element ids whose time, such as waiting for the customer, does not count:
   * the deadline moves by the working days spent in them). Absent on versions deployed before it.
   */
  deadline?: { dueDate: string; pausedBy: string[] } | null;
}

export interface CompiledDefinition {
  key: string;
  name: string | null;
  xmlHash: string;
  /** `sourceContext.serialize()`: parsed once at deploy, stored, deserialized once per node. */
  serializedContext: string;
  meta: DefinitionMeta;
}

export interface ServiceCatalog {
  has(name: string): boolean;
}

const moddlePackages = { camunda: camundaPackage };

/** Element types the runtime supports; anything else in an executable process is refused. */
const SUPPORTED_TYPES = new Set([
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
/** Roots an expression may read; anything else is most likely a typo or a Java bean. */
const RESERVED_ROOTS = new Set(['environment', 'content', 'properties', 'fields']);

// Timers run on the platform clock and understand wd:/sla: deadlines (timer-definition.ts).
const typeResolver = TypeResolver({
  ...(Elements as unknown as Record<string, unknown>),
  TimerEventDefinition: PlatformTimerEventDefinition,
});

/** bpmn-elements' type resolver, plus: every service or send task runs through the platform registry. */
export function platformTypeResolver(entity: { type: string; behaviour?: Record<string, unknown> }): void {
  typeResolver(entity);
  if (entity.behaviour && (entity.type === 'bpmn:ServiceTask' || entity.type === 'bpmn:SendTask')) {
    entity.behaviour.Service = PlatformService;
  }
}

export function hashXml(xml: string): string {
  return createHash('sha256').update(xml).digest('hex');
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

class Checker {
  readonly problems: ErrorDetail[] = [];
  readonly meta: DefinitionMeta;

  constructor(
    private readonly process: ModdleElement,
    private readonly services: ServiceCatalog,
    messages: Record<string, string>,
  ) {
    this.meta = {
      processId: process.id as string,
      name: str(process.name),
      elements: {},
      userTasks: {},
      serviceTasks: {},
      messages,
      messageStarts: {},
      callActivities: {},
      deadline: null,
    };
    this.processDeadline();
  }

  /** The instance deadline declared on the process (see DefinitionMeta.deadline). */
  private processDeadline(): void {
    const { dueDate, pausedBy } = declaredInstanceDeadline(this.process);
    if (!dueDate) {
      if (pausedBy.length) this.fail(this.process, 'dueDatePausedBy needs a dueDate property on the process');
      return;
    }
    this.expression(this.process, 'dueDate', dueDate);
    const problem = deadlineValueProblem(dueDate);
    if (problem) this.fail(this.process, `dueDate: ${problem}`);
    this.meta.deadline = { dueDate, pausedBy };
  }

  /** After the walk: the elements that pause the deadline exist. */
  checkDeadline(): void {
    for (const id of this.meta.deadline?.pausedBy ?? []) {
      if (!this.meta.elements[id]) this.fail(this.process, `dueDatePausedBy: no element "${id}" in the process`);
    }
  }

  fail(element: ModdleElement | undefined, reason: string): void {
    this.problems.push({ element: element?.id ?? this.process.id, reason });
  }

  expression(element: ModdleElement, what: string, text: unknown): void {
    if (typeof text !== 'string' || !text.includes('${')) return;
    try {
      validateTemplate(text);
      for (const body of text.match(/\$\{([^}]*)\}/g) ?? []) {
        const roots = rootIdentifiers(body.slice(2, -1));
        for (const root of roots) {
          if (root === 'execution' || root === 'task') {
            this.fail(element, `${what}: '${root}' refers to Camunda's Java API, which this platform does not provide`);
          }
        }
      }
    } catch (err) {
      const reason = err instanceof ExpressionError ? err.message : String(err);
      this.fail(element, `${what}: invalid expression "${text}": ${reason}`);
    }
  }

  walk(container: ModdleElement): void {
    const flowElements = (container.flowElements as ModdleElement[] | undefined) ?? [];
    for (const element of flowElements) this.element(element);
    for (const artifact of (container.artifacts as ModdleElement[] | undefined) ?? []) {
      if (!SUPPORTED_TYPES.has(artifact.$type)) this.fail(artifact, `${artifact.$type} is not supported`);
    }
  }

  private element(element: ModdleElement): void {
    const type = element.$type;
    if (element.id) this.meta.elements[element.id] = { type, name: str(element.name) };
    if (type === 'bpmn:ScriptTask') {
      this.fail(element, 'script tasks are not allowed: scripts cannot run on this platform; use a service task');
      return;
    }
    if (!SUPPORTED_TYPES.has(type)) {
      this.fail(element, `${type.replace('bpmn:', '')} is not supported by the platform`);
      return;
    }
    this.eventDefinitions(element);
    this.loop(element);
    this.listeners(element);
    switch (type) {
      case 'bpmn:UserTask':
        return this.userTask(element);
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
        return this.serviceTask(element);
      case 'bpmn:SequenceFlow':
        return this.sequenceFlow(element);
      case 'bpmn:CallActivity':
        return this.callActivity(element);
      case 'bpmn:SubProcess':
        return this.walk(element);
      case 'bpmn:ReceiveTask':
        if (!element.messageRef) this.fail(element, 'a receive task needs a message');
        return;
      case 'bpmn:StartEvent':
        return this.startEvent(element);
    }
  }

  private eventDefinitions(element: ModdleElement): void {
    for (const definition of (element.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      if (!SUPPORTED_EVENT_DEFINITIONS.has(definition.$type)) {
        this.fail(element, `${definition.$type.replace('bpmn:', '')} is not supported by the platform`);
        continue;
      }
      if (definition.$type === 'bpmn:TimerEventDefinition') this.timer(element, definition);
      if (
        definition.$type === 'bpmn:MessageEventDefinition' &&
        !definition.messageRef &&
        element.$type !== 'bpmn:EndEvent' &&
        element.$type !== 'bpmn:IntermediateThrowEvent'
      ) {
        this.fail(element, 'a message event needs a message (messageRef) so that it can be correlated');
      }
    }
  }

  private timer(element: ModdleElement, definition: ModdleElement): void {
    const kinds = ['timeDuration', 'timeDate', 'timeCycle'] as const;
    const present = kinds.filter((k) => definition[k]);
    if (present.length === 0) this.fail(element, 'a timer needs a duration, a date or a cycle');
    for (const kind of present) {
      const body = str((definition[kind] as ModdleElement).body);
      if (!body) this.fail(element, `the timer's ${kind} is empty`);
      else if (kind !== 'timeCycle' && deadlineSpecProblem(body))
        this.fail(element, `${kind}: ${deadlineSpecProblem(body)}`);
      else this.expression(element, kind, body);
    }
  }

  private loop(element: ModdleElement): void {
    const loop = element.loopCharacteristics as ModdleElement | undefined;
    if (!loop) return;
    if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
      this.fail(element, 'standard loops are not supported; use a multi-instance marker');
      return;
    }
    this.expression(element, 'collection', loop.collection);
    const cardinality = loop.loopCardinality as ModdleElement | undefined;
    if (cardinality) this.expression(element, 'loopCardinality', cardinality.body);
    const completion = loop.completionCondition as ModdleElement | undefined;
    if (completion) this.expression(element, 'completionCondition', completion.body);
    if (!loop.collection && !cardinality)
      this.fail(element, 'a multi-instance activity needs a collection or a cardinality');
  }

  private listeners(element: ModdleElement): void {
    const values =
      ((element.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
    for (const value of values) {
      if (value.$type === 'camunda:ExecutionListener' || value.$type === 'camunda:TaskListener') {
        this.fail(
          element,
          `${value.$type.replace('camunda:', '')}s run Java or scripts and are not supported; use a service task`,
        );
      }
      if (value.$type === 'camunda:InputOutput') {
        for (const parameter of [
          ...((value.inputParameters as ModdleElement[]) ?? []),
          ...((value.outputParameters as ModdleElement[]) ?? []),
        ]) {
          const definition = parameter.definition as ModdleElement | undefined;
          if (definition?.$type === 'camunda:Script')
            this.fail(element, `parameter ${String(parameter.name)} is a script; scripts are not allowed`);
          this.expression(element, `parameter ${String(parameter.name)}`, parameter.value);
        }
      }
    }
  }

  private userTask(element: ModdleElement): void {
    const meta: UserTaskMeta = {
      name: str(element.name),
      candidateGroups: str(element.candidateGroups),
      candidateUsers: str(element.candidateUsers),
      assignee: str(element.assignee),
      // Camunda 7.16+ links a form-js form by camunda:formRef; both name a deployed form's id.
      formKey: str(element.formKey) ?? str(element.formRef),
      dueDate: str(element.dueDate),
      followUpDate: str(element.followUpDate),
      priority: str(element.priority),
    };
    for (const [field, value] of Object.entries(meta)) {
      if (field !== 'name') this.expression(element, field, value);
    }
    for (const field of ['dueDate', 'followUpDate'] as const) {
      const problem = deadlineValueProblem(meta[field]);
      if (problem) this.fail(element, `${field}: ${problem}`);
    }
    if (meta.priority && !isExpression(meta.priority) && !/^-?\d+$/.test(meta.priority)) {
      this.fail(element, `priority must be a whole number or an expression, not "${meta.priority}"`);
    }
    this.meta.userTasks[element.id as string] = meta;
  }

  private serviceTask(element: ModdleElement): void {
    const name = serviceName(element);
    if ('error' in name) {
      this.fail(element, name.error);
      return;
    }
    if (!this.services.has(name.service)) {
      this.fail(element, `unknown service "${name.service}": it is not in the platform's service registry`);
      return;
    }
    const inputs = inputParameters(element);
    this.meta.serviceTasks[element.id as string] = {
      service: name.service,
      resultVariable: str(element.resultVariable),
      ...(Object.keys(inputs).length ? { inputs } : {}),
    };
  }

  private sequenceFlow(element: ModdleElement): void {
    const condition = element.conditionExpression as ModdleElement | undefined;
    if (!condition) return;
    if (str(condition.language)) {
      this.fail(
        element,
        `script conditions (language "${String(condition.language)}") are not allowed; write the condition as \${…}`,
      );
      return;
    }
    const body = str(condition.body);
    if (!body) this.fail(element, 'the condition is empty');
    else if (!isExpression(body)) this.fail(element, `a condition must be one \${…} expression, not "${body}"`);
    else this.expression(element, 'condition', body);
  }

  private callActivity(element: ModdleElement): void {
    const called = str(element.calledElement);
    if (!called) {
      this.fail(element, 'a call activity needs calledElement (the key of the process to call)');
      return;
    }
    this.expression(element, 'calledElement', called);
    this.meta.callActivities[element.id as string] = called;
  }

  private startEvent(element: ModdleElement): void {
    for (const definition of (element.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      const ref = definition.messageRef as ModdleElement | undefined;
      if (definition.$type === 'bpmn:MessageEventDefinition' && ref?.id && element.$parent === this.process) {
        this.meta.messageStarts[element.id as string] = this.meta.messages[ref.id] ?? ref.id;
      }
    }
  }
}

/** The registry name a service task names, in the ways Camunda 7 and bpmn-engine files write it. */
/** camunda:inputParameter values of an element: text, or a camunda:Map of texts (lists and scripts are not kept). */
function inputParameters(element: ModdleElement): Record<string, string | Record<string, string>> {
  const inputs: Record<string, string | Record<string, string>> = {};
  const values =
    ((element.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
  for (const io of values.filter((v) => v.$type === 'camunda:InputOutput')) {
    for (const parameter of (io.inputParameters as ModdleElement[] | undefined) ?? []) {
      const key = str(parameter.name);
      if (!key) continue;
      const definition = parameter.definition as ModdleElement | undefined;
      if (definition?.$type === 'camunda:Map') {
        const map: Record<string, string> = {};
        for (const entry of (definition.entries as ModdleElement[] | undefined) ?? []) {
          const k = str(entry.key);
          if (k) map[k] = typeof entry.value === 'string' ? entry.value : '';
        }
        inputs[key] = map;
      } else if (!definition) inputs[key] = typeof parameter.value === 'string' ? parameter.value : '';
    }
  }
  return inputs;
}

export function serviceName(element: ModdleElement): { service: string } | { error: string } {
  const delegate = str(element.delegateExpression);
  if (delegate) {
    const match = /^\$\{\s*([A-Za-z_][\w.-]*)\s*\}$/.exec(delegate);
    return match
      ? { service: match[1] as string }
      : { error: `delegateExpression must name one service, like \${smsGateway}, not "${delegate}"` };
  }
  const topic = str(element.topic);
  if (str(element.type) === 'external' && topic) return { service: topic };
  const implementation = str(element.implementation);
  if (implementation && implementation.startsWith('${')) {
    const match = /^\$\{\s*(?:environment\.)?services\.([A-Za-z_][\w-]*)\s*\}$/.exec(implementation);
    return match
      ? { service: match[1] as string }
      : { error: `implementation must be \${environment.services.name}, not "${implementation}"` };
  }
  if (str(element.class))
    return {
      error: `camunda:class "${String(element.class)}" names Java code, which cannot run here; name a registered service`,
    };
  if (str(element.expression))
    return {
      error: 'camunda:expression service calls are not supported; use delegateExpression with a registered service',
    };
  return {
    error: 'a service task must name a registered service (camunda:delegateExpression="${name}" or an external topic)',
  };
}

function collectMessages(root: ModdleElement): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const element of (root.rootElements as ModdleElement[] | undefined) ?? []) {
    if (element.$type === 'bpmn:Message' && element.id) messages[element.id] = str(element.name) ?? element.id;
  }
  return messages;
}

function checkMessages(messages: Record<string, string>, problems: ErrorDetail[]): void {
  for (const [id, name] of Object.entries(messages)) {
    try {
      if (name.includes('${')) parseExpression(name.slice(2, -1));
    } catch {
      problems.push({ element: id, reason: `invalid message name "${name}"` });
    }
  }
}

/**
 * Parses and validates a BPMN document for deployment. Throws `Invalid` (400) naming every
 * element that cannot run and why; on success returns one compiled definition.
 */
export async function compileDefinition(xml: string, services: ServiceCatalog): Promise<CompiledDefinition> {
  const xmlProblems = checkXmlSafety(xml);
  if (xmlProblems.length) throw new Invalid('BPMN_XML_INVALID', xmlProblems[0]?.reason ?? 'invalid XML', xmlProblems);

  let parsed;
  try {
    parsed = await new BpmnModdle(moddlePackages).fromXML(xml.trim());
  } catch (err) {
    throw new Invalid('BPMN_INVALID', `not a BPMN 2.0 document: ${(err as Error).message.split('\n')[0]}`, [
      { reason: (err as Error).message.split('\n')[0] ?? 'unparsable' },
    ]);
  }
  const warnings = parsed.warnings.map((w) => ({
    element: w.element?.id,
    reason: w.message.split('\n')[0] ?? w.message,
  }));
  if (warnings.length)
    throw new Invalid(
      'BPMN_INVALID',
      `the BPMN document has ${warnings.length} problem(s): ${warnings[0]?.reason}`,
      warnings,
    );

  const root = parsed.rootElement;
  if (root.$type !== 'bpmn:Definitions') throw new Invalid('BPMN_INVALID', 'the root element must be bpmn:definitions');
  const processes = ((root.rootElements as ModdleElement[] | undefined) ?? []).filter(
    (e) => e.$type === 'bpmn:Process',
  );
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) {
    const ids = processes.map((p) => p.id).join(', ') || 'none';
    throw new Invalid(
      'BPMN_NOT_EXECUTABLE',
      `no executable process: mark the process isExecutable="true" (processes: ${ids})`,
      [{ element: processes[0]?.id, reason: 'isExecutable is not true' }],
    );
  }
  if (executable.length > 1) {
    throw new Invalid(
      'BPMN_MULTIPLE_EXECUTABLE',
      `one executable process per file; found ${executable.map((p) => p.id).join(', ')}`,
      executable.map((p) => ({ element: p.id, reason: 'executable' })),
    );
  }

  const process = executable[0] as ModdleElement;
  const messages = collectMessages(root);
  const checker = new Checker(process, services, messages);
  checkMessages(messages, checker.problems);
  checker.walk(process);
  checker.checkDeadline();
  if (checker.problems.length) {
    const first = checker.problems[0] as ErrorDetail;
    throw new Invalid('BPMN_UNSUPPORTED', `${first.element}: ${first.reason}`, checker.problems);
  }

  const sourceContext = serializer(parsed as never, platformTypeResolver as never);
  return {
    key: process.id as string,
    name: str(process.name),
    xmlHash: hashXml(xml),
    serializedContext: sourceContext.serialize(),
    meta: checker.meta,
  };
}

export type SourceContext = ReturnType<typeof serializer>;

/** Restores an engine source context from its stored serialization (once per node and version). */
export function loadSourceContext(serialized: string): SourceContext {
  return deserialize(JSON.parse(serialized), platformTypeResolver as never) as SourceContext;
}

export { RESERVED_ROOTS };

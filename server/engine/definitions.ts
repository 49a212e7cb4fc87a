import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import serializer, { deserialize, TypeResolver } from 'moddle-context-serializer';
import { Invalid, type ErrorDetail } from '../lib/errors.js';
import { camundaProperties, declaredInstanceDeadline } from '../lib/deadlines.js';
import { findingParams, formatLintMessage, type Finding } from '../lint/messages.js';
import { parseServiceReference } from '../services/service-reference.js';
import { readBpmnDocument } from './document.js';
import {
  readCallMappings,
  readIoMapping,
  readRetryCycle,
  type CallVariableMappings,
  type IoMapping,
} from './io-mapping.js';
import { PlatformService } from './platform-service.js';
import type { AsyncBoundary } from './async-continuation.js';
import {
  DEFAULT_PROCESS_LIMITS,
  documentSizeFinding,
  elementFindings,
  executableProcessFindings,
  messageFindings,
  processFindings,
  readAsyncBoundary,
  SUPPORTED_TYPES,
  type CheckedElement,
  type ProcessLimits,
  type ServiceCatalog,
} from './runnability.js';
import { PlatformLoopCharacteristics, PlatformStandardLoopCharacteristics } from './loop-characteristics.js';
import { PlatformTimerEventDefinition } from './timer-definition.js';
import { quietUnheededDiscards } from './discard-pruning.js';

export type { ServiceCatalog } from './runnability.js';

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
  /**
   * A Camunda external task (`camunda:type="external"`): workers fetch it by topic instead of the
   * registry running it; `service` then repeats the topic. Both may be `${…}` templates.
   */
  external?: { topic: string; priority: string | null };
}

/** How a business rule task picks the version of its decision (Camunda 7's camunda:decisionRefBinding). */
export type DecisionRefBinding = 'latest' | 'deployment' | 'version' | 'versionTag';

/**
 * A business rule task's camunda: attributes: the decision it evaluates (`decisionRef`, possibly
 * a `${…}` template), which version, and where the mapped result goes. The job that evaluates it
 * carries this as its payload.
 */
export interface BusinessRuleTaskMeta {
  decisionRef: string;
  binding: DecisionRefBinding;
  /** decisionRefVersion (binding version): a number or a template. */
  version: string | null;
  /** decisionRefVersionTag (binding versionTag). */
  versionTag: string | null;
  resultVariable: string | null;
  /** camunda:mapDecisionResult; Camunda's default is resultList. */
  mapDecisionResult: 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList';
  /** camunda:inputParameter values: variables the decision sees besides the instance's. */
  inputs?: Record<string, string | Record<string, string>>;
}

/** Everything the runtime needs besides the engine's own serialized context. */
export interface DefinitionMeta {
  processId: string;
  name: string | null;
  elements: Record<string, { type: string; name: string | null }>;
  userTasks: Record<string, UserTaskMeta>;
  serviceTasks: Record<string, ServiceTaskMeta>;
  /** Absent on versions deployed before business rule tasks ran. */
  businessRuleTasks?: Record<string, BusinessRuleTaskMeta>;
  /** message id → message name */
  messages: Record<string, string>;
  /** element id of a message start event → message name */
  messageStarts: Record<string, string>;
  callActivities: Record<string, string>;
  /**
   * user task or call activity id → its camunda:property `department` (a department id or a
   * `${…}` template, resolved per multi-instance iteration): the department its task row, or the
   * instance it calls, belongs to instead of the instance's own — which must contain it
   * (server/workflow/element-department.ts). Absent when no element has one.
   */
  departments?: Record<string, string>;
  /** element id → its camunda:inputOutput (io-mapping.ts); absent on versions deployed before. */
  io?: Record<string, IoMapping>;
  /** call activity id → its camunda:in / camunda:out; absent on versions deployed before. */
  callMappings?: Record<string, CallVariableMappings>;
  /**
   * element id → camunda:failedJobRetryTimeCycle of the jobs that run it (its service or decision
   * job, its async-continuation jobs).
   */
  retryCycles?: Record<string, string>;
  /** element id → its camunda:asyncBefore / asyncAfter (async-continuation.ts); absent when none has one. */
  asyncBoundaries?: Record<string, AsyncBoundary>;
  /** element id of a signal start event of the process → signal name (absent before signals ran). */
  signalStarts?: Record<string, string>;
  /** element id of a signal throw or end event → the variables it passes along (its camunda:in). */
  signalThrows?: Record<string, SignalVariables>;
  /**
   * The whole instance's deadline, from the process's camunda:properties: `dueDate` (ISO date or
   * duration, wd:<N>, sla:<step>, or an expression giving one), counted from the instance's start,
   * and `dueDatePausedBy` (element ids whose time, such as waiting for the customer, does not count:
   * the deadline moves by the working days spent in them). Absent on versions deployed before it.
   */
  deadline?: { dueDate: string; pausedBy: string[] } | null;
  /**
   * The form (camunda:formKey / formRef) of the process's plain start event: a start through the
   * API is checked against it before anything is written. Absent when none, or on versions
   * deployed before.
   */
  startForm?: string;
}

/**
 * What a thrown signal carries to the instances it reaches (Camunda 7's camunda:in on a signal
 * event definition): every variable of the thrower (`all`), and/or one variable or expression
 * each under a target name. Without camunda:in a signal carries no variables.
 */
export interface SignalVariables {
  all: boolean;
  mappings: { source: string | null; sourceExpression: string | null; target: string }[];
}

export interface CompiledDefinition {
  key: string;
  name: string | null;
  xmlHash: string;
  /** `sourceContext.serialize()`: parsed once at deploy, stored, deserialized once per node. */
  serializedContext: string;
  meta: DefinitionMeta;
}

/** Roots an expression may read; anything else is most likely a typo or a Java bean. */
const RESERVED_ROOTS = new Set(['environment', 'content', 'properties', 'fields']);

// Timers run on the platform clock and understand wd:/sla: deadlines (timer-definition.ts).
const typeResolver = TypeResolver({
  ...(Elements as unknown as Record<string, unknown>),
  TimerEventDefinition: PlatformTimerEventDefinition,
  MultiInstanceLoopCharacteristics: PlatformLoopCharacteristics,
  StandardLoopCharacteristics: PlatformStandardLoopCharacteristics,
});

/** Run as a job by the platform: a service, or a decision (a business rule task). */
const PLATFORM_SERVICE_TYPES = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/**
 * bpmn-elements' type resolver, plus: every service or send task runs through the platform
 * registry, and every business rule task through the decisions, both as jobs.
 */
export function platformTypeResolver(entity: { type: string; behaviour?: Record<string, unknown> }): void {
  typeResolver(entity);
  if (entity.behaviour && PLATFORM_SERVICE_TYPES.has(entity.type)) {
    entity.behaviour.Service = PlatformService;
  }
}

export function hashXml(xml: string): string {
  return createHash('sha256').update(xml).digest('hex');
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Walks the executable process: records what the runtime needs (DefinitionMeta) and refuses what
 * it cannot run, on the findings the platform's lint reports too (runnability.ts), in its words.
 */
class Checker {
  readonly problems: ErrorDetail[] = [];
  readonly meta: DefinitionMeta;

  constructor(
    private readonly process: ModdleElement,
    private readonly services: ServiceCatalog,
    messages: Record<string, string>,
    private readonly limits: ProcessLimits,
  ) {
    const { dueDate, pausedBy } = declaredInstanceDeadline(process);
    this.meta = {
      processId: process.id as string,
      name: str(process.name),
      elements: {},
      userTasks: {},
      serviceTasks: {},
      businessRuleTasks: {},
      messages,
      messageStarts: {},
      callActivities: {},
      deadline: dueDate ? { dueDate, pausedBy } : null,
    };
    this.refuse(process, processFindings(process, limits));
  }

  refuse(element: CheckedElement, findings: Finding[]): void {
    for (const found of findings) {
      this.problems.push({
        element: element.id ?? this.process.id,
        reason: formatLintMessage(found.code, findingParams(element, found.params)),
      });
    }
  }

  walk(container: ModdleElement): void {
    for (const element of (container.flowElements as ModdleElement[] | undefined) ?? []) this.element(element);
    for (const artifact of (container.artifacts as ModdleElement[] | undefined) ?? []) {
      this.refuse(artifact, elementFindings(artifact, this.services, this.limits));
    }
  }

  private element(element: ModdleElement): void {
    const type = element.$type;
    if (element.id) this.meta.elements[element.id] = { type, name: str(element.name) };
    const findings = elementFindings(element, this.services, this.limits);
    this.refuse(element, findings);
    if (!SUPPORTED_TYPES.has(type)) return;
    this.variableMappings(element);
    switch (type) {
      case 'bpmn:UserTask':
        return this.userTask(element);
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
        if (findings.some((f) => f.rule === 'service-exists')) return;
        return this.serviceTask(element);
      case 'bpmn:BusinessRuleTask':
        if (findings.length) return;
        return this.businessRuleTask(element);
      case 'bpmn:CallActivity':
        return this.callActivity(element);
      case 'bpmn:SubProcess':
        return this.walk(element);
      case 'bpmn:StartEvent':
        return this.startEvent(element);
      case 'bpmn:IntermediateThrowEvent':
      case 'bpmn:EndEvent':
        return this.signalThrow(element);
    }
  }

  /** camunda:property `department` on a user task or call activity (DefinitionMeta.departments). */
  private department(element: ModdleElement): void {
    const department = camundaProperties(element).get('department');
    if (department) (this.meta.departments ??= {})[element.id as string] = department;
  }

  private userTask(element: ModdleElement): void {
    this.department(element);
    this.meta.userTasks[element.id as string] = {
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
  }

  private serviceTask(element: ModdleElement): void {
    const reference = parseServiceReference(element);
    if ('refused' in reference) return;
    const inputs = inputParameters(element);
    this.meta.serviceTasks[element.id as string] = {
      service: 'topic' in reference ? reference.topic : reference.service,
      resultVariable: str(element.resultVariable),
      ...(Object.keys(inputs).length ? { inputs } : {}),
      ...('topic' in reference ? { external: { topic: reference.topic, priority: str(element.taskPriority) } } : {}),
    };
  }

  private businessRuleTask(element: ModdleElement): void {
    const inputs = inputParameters(element);
    (this.meta.businessRuleTasks ??= {})[element.id as string] = {
      decisionRef: str(element.decisionRef) as string,
      binding: (str(element.decisionRefBinding) ?? 'latest') as DecisionRefBinding,
      version: str(element.decisionRefVersion),
      versionTag: str(element.decisionRefVersionTag),
      resultVariable: str(element.resultVariable),
      mapDecisionResult: (str(element.mapDecisionResult) ?? 'resultList') as BusinessRuleTaskMeta['mapDecisionResult'],
      ...(Object.keys(inputs).length ? { inputs } : {}),
    };
  }

  private callActivity(element: ModdleElement): void {
    this.department(element);
    const called = str(element.calledElement);
    if (called) this.meta.callActivities[element.id as string] = called;
  }

  /** camunda:inputOutput, camunda:in/out and the retry cycle, kept only where the element has them. */
  private variableMappings(element: ModdleElement): void {
    const id = element.id as string;
    const io = readIoMapping(element);
    if (io) (this.meta.io ??= {})[id] = io;
    if (element.$type === 'bpmn:CallActivity') (this.meta.callMappings ??= {})[id] = readCallMappings(element);
    const cycle = readRetryCycle(element);
    if (cycle) (this.meta.retryCycles ??= {})[id] = cycle;
    const boundary = readAsyncBoundary(element);
    if (boundary) (this.meta.asyncBoundaries ??= {})[id] = boundary;
  }

  private startEvent(element: ModdleElement): void {
    const definitions = (element.eventDefinitions as ModdleElement[] | undefined) ?? [];
    const form = str(element.formKey) ?? str(element.formRef);
    if (form && !definitions.length && element.$parent === this.process) this.meta.startForm = form;
    for (const definition of definitions) {
      const ref = definition.messageRef as ModdleElement | undefined;
      if (definition.$type === 'bpmn:MessageEventDefinition' && ref?.id && element.$parent === this.process) {
        this.meta.messageStarts[element.id as string] = this.meta.messages[ref.id] ?? ref.id;
      }
      const signal = definition.signalRef as ModdleElement | undefined;
      if (definition.$type === 'bpmn:SignalEventDefinition' && signal?.id && element.$parent === this.process) {
        (this.meta.signalStarts ??= {})[element.id as string] = str(signal.name) ?? signal.id;
      }
    }
  }

  private signalThrow(element: ModdleElement): void {
    for (const definition of (element.eventDefinitions as ModdleElement[] | undefined) ?? []) {
      if (definition.$type !== 'bpmn:SignalEventDefinition') continue;
      const values =
        ((definition.extensionElements as ModdleElement | undefined)?.values as ModdleElement[] | undefined) ?? [];
      const passed: SignalVariables = { all: false, mappings: [] };
      for (const value of values.filter((v) => v.$type === 'camunda:In')) {
        if (value.variables === 'all') passed.all = true;
        const target = str(value.target);
        if (target)
          passed.mappings.push({ source: str(value.source), sourceExpression: str(value.sourceExpression), target });
      }
      (this.meta.signalThrows ??= {})[element.id as string] = passed;
    }
  }
}

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

function collectMessages(root: ModdleElement): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const element of (root.rootElements as ModdleElement[] | undefined) ?? []) {
    if (element.$type === 'bpmn:Message' && element.id) messages[element.id] = str(element.name) ?? element.id;
  }
  return messages;
}

/**
 * Parses and validates a BPMN document for deployment. Throws `Invalid` (400) naming every
 * element that cannot run and why; on success returns one compiled definition.
 */
export async function compileDefinition(
  xml: string,
  services: ServiceCatalog,
  limits: ProcessLimits = DEFAULT_PROCESS_LIMITS,
): Promise<CompiledDefinition> {
  const tooLarge = documentSizeFinding(xml, limits);
  if (tooLarge) {
    const reason = formatLintMessage(tooLarge.code, findingParams({ id: '' }, tooLarge.params));
    throw new Invalid('BPMN_TOO_LARGE', reason, [{ element: '', reason }]);
  }
  const parsed = await readBpmnDocument(xml);
  const root = parsed.rootElement;
  const executable = executableProcessFindings(root);
  const first = executable[0];
  if (first) {
    const code = first.finding.code === 'process.not-executable' ? 'BPMN_NOT_EXECUTABLE' : 'BPMN_MULTIPLE_EXECUTABLE';
    const details = executable.map(({ element, finding }) => ({
      element: element.id,
      reason: formatLintMessage(finding.code, findingParams(element, finding.params)),
    }));
    throw new Invalid(code, details[0]?.reason ?? code, details);
  }
  const process = ((root.rootElements as ModdleElement[] | undefined) ?? []).find(
    (e) => e.$type === 'bpmn:Process' && e.isExecutable === true,
  ) as ModdleElement;
  const messages = collectMessages(root);
  const checker = new Checker(process, services, messages, limits);
  for (const message of (root.rootElements as ModdleElement[] | undefined) ?? []) {
    if (message.$type === 'bpmn:Message') checker.refuse(message, messageFindings(message));
  }
  checker.walk(process);
  const [problem] = checker.problems;
  if (problem) throw new Invalid('BPMN_UNSUPPORTED', `${problem.element}: ${problem.reason}`, checker.problems);

  const sourceContext = serializer(parsed, platformTypeResolver as never);
  return {
    key: process.id as string,
    name: str(process.name),
    xmlHash: hashXml(xml),
    serializedContext: sourceContext.serialize(),
    meta: checker.meta,
  };
}

export type SourceContext = ReturnType<typeof serializer>;

/**
 * Restores an engine source context from its stored serialization (once per node and version);
 * flows whose discard nothing downstream heeds stay quiet (discard-pruning.ts).
 */
export function loadSourceContext(serialized: string): SourceContext {
  const context = deserialize(JSON.parse(serialized) as object, platformTypeResolver as never);
  quietUnheededDiscards(context);
  return context;
}

export { RESERVED_ROOTS };

// Both the server and the browser (modeler/tsconfig.json) compile this file; the reference brings
// the declarations of bpmnlint's untyped rules along to either.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vendor.d.ts" />
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process.js';
import conditionalFlows from 'bpmnlint/rules/conditional-flows.js';
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway.js';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event.js';
import fakeJoin from 'bpmnlint/rules/fake-join.js';
import global from 'bpmnlint/rules/global.js';
import labelRequired from 'bpmnlint/rules/label-required.js';
import linkEvent from 'bpmnlint/rules/link-event.js';
import noBpmndi from 'bpmnlint/rules/no-bpmndi.js';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway.js';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements.js';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition.js';
import startEventRequired from 'bpmnlint/rules/start-event-required.js';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import superfluousLabel from 'bpmnlint/rules/superfluous-label.js';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination.js';
import exclusiveGatewayRouting from './rules/exclusive-gateway-routing.js';
import noScriptTask from './rules/no-script-task.js';
import serviceExists from './rules/service-exists.js';
import type { PlatformLintData } from './rules/support.js';
import userTaskCandidates from './rules/user-task-candidates.js';
import userTaskForm from './rules/user-task-form.js';
import deadlineValid from './rules/deadline-valid.js';
import elementComplete from './rules/element-complete.js';
import executableProcess from './rules/executable-process.js';
import expressionsValid from './rules/expressions-valid.js';
import processLimits from './rules/process-limits.js';
import supportedElements from './rules/supported-elements.js';

/**
 * The one lint configuration of the platform: bpmnlint's recommended rules plus the platform's
 * own, with the platform's data as rule config. The designer (bpmn-js, in the browser) and the
 * deploy check (server/lint/runner.ts) both build their linter from here, so they find the same
 * problems with the same messages. No Node imports: Vite bundles this file as it is.
 */
type Factory = (config?: unknown) => unknown;

/** bpmnlint's `recommended` set, with its severities. */
const RECOMMENDED: Record<string, { rule: Factory; severity: Severity }> = {
  'ad-hoc-sub-process': { rule: adHocSubProcess, severity: 'error' },
  'conditional-flows': { rule: conditionalFlows, severity: 'error' },
  'end-event-required': { rule: endEventRequired, severity: 'error' },
  'event-based-gateway': { rule: eventBasedGateway, severity: 'error' },
  'event-sub-process-typed-start-event': { rule: eventSubProcessTypedStartEvent, severity: 'error' },
  'fake-join': { rule: fakeJoin, severity: 'warn' },
  global: { rule: global, severity: 'warn' },
  // Labels and diagram interchange make a diagram readable; the engine needs neither, and files
  // posted to the API without a diagram must still deploy. Shown, never blocking.
  'label-required': { rule: labelRequired, severity: 'warn' },
  'link-event': { rule: linkEvent, severity: 'error' },
  'no-bpmndi': { rule: noBpmndi, severity: 'warn' },
  'no-complex-gateway': { rule: noComplexGateway, severity: 'error' },
  'no-disconnected': { rule: noDisconnected, severity: 'error' },
  'no-duplicate-sequence-flows': { rule: noDuplicateSequenceFlows, severity: 'error' },
  'no-gateway-join-fork': { rule: noGatewayJoinFork, severity: 'error' },
  'no-implicit-split': { rule: noImplicitSplit, severity: 'error' },
  'no-implicit-end': { rule: noImplicitEnd, severity: 'error' },
  'no-implicit-start': { rule: noImplicitStart, severity: 'error' },
  'no-inclusive-gateway': { rule: noInclusiveGateway, severity: 'warn' },
  'no-overlapping-elements': { rule: noOverlappingElements, severity: 'warn' },
  'single-blank-start-event': { rule: singleBlankStartEvent, severity: 'error' },
  'single-event-definition': { rule: singleEventDefinition, severity: 'error' },
  'start-event-required': { rule: startEventRequired, severity: 'error' },
  'sub-process-blank-start-event': { rule: subProcessBlankStartEvent, severity: 'error' },
  'superfluous-gateway': { rule: superfluousGateway, severity: 'warn' },
  'superfluous-label': { rule: superfluousLabel, severity: 'warn' },
  'superfluous-termination': { rule: superfluousTermination, severity: 'warn' },
};

/**
 * The platform's rules (bpmnlint plugin "platform"). Those that are errors block a deploy;
 * together they report everything the engine's compile would refuse
 * (server/engine/runnability.ts), before it.
 */
const PLATFORM: Record<string, Factory> = {
  'user-task-candidates': userTaskCandidates as Factory,
  'user-task-form': userTaskForm as Factory,
  'service-exists': serviceExists as Factory,
  'no-script-task': noScriptTask as Factory,
  'exclusive-gateway-routing': exclusiveGatewayRouting,
  'deadline-valid': deadlineValid as Factory,
  'supported-elements': supportedElements as Factory,
  'expressions-valid': expressionsValid as Factory,
  'element-complete': elementComplete as Factory,
  'executable-process': executableProcess as Factory,
  'process-limits': processLimits as Factory,
};

export type Severity = 'error' | 'warn';

/**
 * Worklist concerns, not safety: a file Camunda 7 would run deploys with these as warnings (an
 * installation can make them blocking, DEPLOY_WARNINGS_BLOCK). Everything else the platform's
 * rules find cannot run safely and refuses the deploy.
 */
const PLATFORM_WARNINGS = new Set(['user-task-candidates', 'user-task-form']);
export const PLATFORM_PLUGIN = 'bpmnlint-plugin-platform';

export interface LinterSetup {
  config: { rules: Record<string, Severity | [Severity, PlatformLintData]> };
  resolver: { resolveRule(pkg: string, name: string): Factory; resolveConfig(pkg: string, name: string): unknown };
}

/** `{ config, resolver }` for bpmnlint's Linter (and bpmn-js-bpmnlint's `linting.bpmnlint`). */
export function platformLinter(data: PlatformLintData): LinterSetup {
  const rules: LinterSetup['config']['rules'] = {};
  for (const [name, { severity }] of Object.entries(RECOMMENDED)) rules[name] = severity;
  for (const name of Object.keys(PLATFORM))
    rules[`platform/${name}`] = [PLATFORM_WARNINGS.has(name) ? 'warn' : 'error', data];
  return {
    config: { rules },
    resolver: {
      resolveRule(pkg, name) {
        const rule =
          pkg === PLATFORM_PLUGIN ? PLATFORM[name] : pkg === 'bpmnlint' ? RECOMMENDED[name]?.rule : undefined;
        if (!rule) throw new Error(`unknown lint rule ${pkg}/${name}`);
        return rule;
      },
      resolveConfig(pkg, name) {
        throw new Error(`no lint config ${pkg}/${name}: the platform lists its rules explicitly`);
      },
    },
  };
}

interface FlowNodeRefs {
  $type?: string;
  incoming?: unknown[];
  outgoing?: unknown[];
  flowElements?: FlowNodeRefs[];
  rootElements?: FlowNodeRefs[];
  sourceRef?: FlowNodeRefs;
  targetRef?: FlowNodeRefs;
}

/**
 * Fills in `incoming`/`outgoing` of flow nodes from the sequence flows' source and target, as
 * BPMN defines them: files written by hand or by other tools often leave those lists out, and
 * the connectivity rules read them. Both sides run this before linting.
 */
export function completeFlowReferences(definitions: unknown): void {
  const visit = (container: FlowNodeRefs): void => {
    for (const element of container.flowElements ?? []) {
      if (element.$type === 'bpmn:SequenceFlow') {
        const { sourceRef, targetRef } = element;
        if (sourceRef) {
          sourceRef.outgoing ??= [];
          if (!sourceRef.outgoing.includes(element)) sourceRef.outgoing.push(element);
        }
        if (targetRef) {
          targetRef.incoming ??= [];
          if (!targetRef.incoming.includes(element)) targetRef.incoming.push(element);
        }
      }
      if (element.flowElements) visit(element);
    }
  };
  for (const root of (definitions as FlowNodeRefs).rootElements ?? []) visit(root);
}

/** One finding, as the deploy refusal and the designer's issue list show it. */
export interface LintIssue {
  elementId: string;
  rule: string;
  message: string;
  severity: Severity;
  /** The platform rules' message code and parameters, for translation in the designer. */
  code?: string;
  params?: Record<string, string>;
}

/** Flattens bpmnlint's results (keyed by rule) into issues, errors first. */
export function toIssues(
  results: Record<string, { id?: string; message: string; category: string; [key: string]: unknown }[]>,
): LintIssue[] {
  const issues: LintIssue[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) {
      const issue: LintIssue = {
        elementId: r.id ?? '',
        rule,
        message: r.message,
        severity: r.category === 'warn' || r.category === 'info' ? 'warn' : 'error',
      };
      if (typeof r.code === 'string') issue.code = r.code;
      if (r.params && typeof r.params === 'object') issue.params = r.params as Record<string, string>;
      issues.push(issue);
    }
  }
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

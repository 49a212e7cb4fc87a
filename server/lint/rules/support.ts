import {
  DEFAULT_PROCESS_LIMITS,
  elementFindings,
  executableProcessFindings,
  messageFindings,
  processFindings,
  type CheckedElement,
  type PlatformRule,
  type ProcessLimits,
  type RuleFinding,
} from '../../engine/runnability.js';
import { findingParams, formatLintMessage, type Finding, type LintMessageCode } from '../messages.js';

/**
 * The slice of bpmnlint's rule API the platform rules use. Kept here, free of Node and of
 * bpmnlint imports, so that Vite bundles the very same rule modules into the designer.
 */
export interface ModdleNode {
  $type: string;
  $instanceOf(type: string): boolean;
  id?: string;
  name?: string;
  [property: string]: unknown;
}

export interface Reporter {
  report(id: string, message: string, context?: { path?: string[]; [key: string]: unknown }): void;
}

export interface RuleDefinition {
  check(node: ModdleNode, reporter: Reporter): boolean | void;
}

export type RuleFactory<C = unknown> = (config?: C) => RuleDefinition;

/** The platform's data the rules check against (GET /api/v1/designer/lint-config). */
export interface PlatformLintData {
  /** Registered service names (the service registry). */
  services: string[];
  /** Role codes: the candidate groups a user task may name. */
  roles: string[];
  /** Usernames: the candidate users or assignees a user task may name. */
  users: string[];
  /**
   * Form ids a formKey may name: deployed forms plus the forms of the deployment at hand; null
   * where the platform keeps no form catalogue (then only the presence of a formKey is checked).
   */
  forms: string[] | null;
  /** The sizes a process may have; the platform's defaults when absent. */
  limits?: ProcessLimits;
}

export function is(node: ModdleNode, type: string): boolean {
  return typeof node.$instanceOf === 'function' && node.$instanceOf(type);
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** An expression (`${…}`) is resolved at run time; the rules cannot check what it names. */
export function isExpression(value: string): boolean {
  return value.includes('${') || value.includes('#{');
}

/** Reports a platform finding: English text for the server, code and params for translation. */
export function report(
  reporter: Reporter,
  node: ModdleNode,
  code: LintMessageCode,
  params: Record<string, string> = {},
  path?: string[],
): void {
  const all = findingParams(node, params);
  reporter.report(node.id ?? '', formatLintMessage(code, all), { path, code, params: all });
}

function reportFinding(reporter: Reporter, element: { id?: string; name?: unknown }, found: Finding): void {
  const all = findingParams(element, found.params);
  reporter.report(element.id ?? '', formatLintMessage(found.code, all), {
    path: found.path,
    code: found.code,
    params: all,
  });
}

/**
 * A rule that reports what the runtime cannot run (server/engine/runnability.ts), the slice of it
 * that `rule` owns: the deploy's compile refuses on the same findings, so lint and engine agree.
 */
export function runnabilityRule(rule: PlatformRule): RuleFactory<Partial<PlatformLintData>> {
  return (config = {}) => {
    const services = config.services ? new Set(config.services) : null;
    const limits = config.limits ?? DEFAULT_PROCESS_LIMITS;
    const own = (found: RuleFinding[]) => found.filter((f) => f.rule === rule);
    return {
      check(node, reporter) {
        if (is(node, 'bpmn:Definitions')) {
          for (const { element, finding } of executableProcessFindings(node)) {
            if (finding.rule === rule) reportFinding(reporter, element, finding);
          }
          return;
        }
        let found: RuleFinding[] = [];
        if (is(node, 'bpmn:Process')) found = processFindings(node, limits);
        else if (is(node, 'bpmn:Message')) found = messageFindings(node);
        else if (is(node, 'bpmn:FlowElement') || is(node, 'bpmn:Artifact')) {
          found = elementFindings(node, services, limits);
        }
        for (const f of own(found)) reportFinding(reporter, node, f);
      },
    };
  };
}

export type { CheckedElement };

export function list(value: unknown): string[] {
  return (text(value) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

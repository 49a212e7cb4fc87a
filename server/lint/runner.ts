import BpmnModdle from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { Linter } from 'bpmnlint';
import { Invalid } from '../lib/errors.js';
import { completeFlowReferences, platformLinter, toIssues, type LintIssue } from './config.js';
import type { PlatformLintData } from './rules/support.js';

export type { LintIssue } from './config.js';

/**
 * Runs the platform's lint configuration (server/lint/config.ts, the same the designer runs) on
 * a BPMN document (at deploy, after the deploy validator has read it).
 */
export async function lintXml(xml: string, data: PlatformLintData): Promise<LintIssue[]> {
  const moddle = new BpmnModdle({ camunda: camundaPackage });
  let rootElement: unknown;
  try {
    ({ rootElement } = await moddle.fromXML(xml.trim()));
  } catch (err) {
    throw new Invalid('BPMN_XML_INVALID', `the BPMN XML cannot be read: ${(err as Error).message}`);
  }
  completeFlowReferences(rootElement);
  const setup = platformLinter(data);
  const linter = new Linter(setup);
  return toIssues(await linter.lint(rootElement));
}

import { Linter } from 'bpmnlint';
import { readBpmnDocument } from '../engine/document.js';
import { documentSizeFinding } from '../engine/runnability.js';
import { findingParams, formatLintMessage } from './messages.js';
import { completeFlowReferences, platformLinter, toIssues, type LintIssue } from './config.js';
import type { PlatformLintData } from './rules/support.js';

export type { LintIssue } from './config.js';

/**
 * Runs the platform's lint configuration (server/lint/config.ts, the same the designer runs) on
 * a BPMN document. The document is read as the engine's compile reads it (engine/document.ts):
 * one that cannot be read is refused alike (BPMN_XML_INVALID or BPMN_INVALID), before any rule.
 * A document above the size limit is not read at all: its one finding is its size.
 */
export async function lintXml(xml: string, data: PlatformLintData): Promise<LintIssue[]> {
  const tooLarge = documentSizeFinding(xml, data.limits);
  if (tooLarge) {
    const params = findingParams({ id: '' }, tooLarge.params);
    const message = formatLintMessage(tooLarge.code, params);
    return [
      { elementId: '', rule: 'platform/process-limits', message, severity: 'error', code: tooLarge.code, params },
    ];
  }
  const { rootElement } = await readBpmnDocument(xml);
  completeFlowReferences(rootElement);
  const setup = platformLinter(data);
  const linter = new Linter(setup);
  return toIssues(await linter.lint(rootElement));
}

import { SaxesParser } from 'saxes';
import type { ErrorDetail } from '../lib/errors.js';
import { formatLintMessage } from '../lint/messages.js';

/**
 * Checks that a BPMN document is well-formed XML without a DOCTYPE (and so without entity
 * declarations: no billion-laughs, no external entities). Returns the problems with line and
 * column, empty when the document is safe to hand to bpmn-moddle.
 */
export function checkXmlSafety(xml: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const parser = new SaxesParser({ xmlns: false, position: true });
  let sawRoot = false;
  parser.on('doctype', () => {
    problems.push({
      reason: formatLintMessage('document.doctype', {}),
      line: parser.line,
      column: parser.column,
    });
  });
  parser.on('opentag', () => {
    sawRoot = true;
  });
  parser.on('error', (err: Error) => {
    if (problems.length === 0) {
      problems.push({
        reason: formatLintMessage('document.malformed', { problem: err.message.replace(/^\d+:\d+: /, '') }),
        line: parser.line,
        column: parser.column,
      });
    }
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    if (problems.length === 0) {
      problems.push({
        reason: formatLintMessage('document.malformed', {
          problem: (err as Error).message.replace(/^\d+:\d+: /, ''),
        }),
        line: parser.line,
        column: parser.column,
      });
    }
  }
  if (problems.length === 0 && !sawRoot)
    problems.push({ reason: formatLintMessage('document.no-root', {}), line: 1, column: 1 });
  return problems;
}

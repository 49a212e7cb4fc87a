import type { FeelContext } from './feel.js';
import type { DmnProblem } from './errors.js';
import type { DmnLimits } from './limits.js';
import type { ItemDefinition } from './types.js';
import { childNamed, type XmlElement } from './xml.js';

/** What parsing one document carries from element to element: limits, names, problems found. */
export interface ParseContext {
  limits: DmnLimits;
  items: ReadonlyMap<string, ItemDefinition>;
  /** The document's names (input data, decisions, item components), so FEEL reads `Applicant data` as one name. */
  names: FeelContext;
  /** The document's default expression language (definitions/@expressionLanguage). */
  language: string | undefined;
  problems: DmnProblem[];
  /** Compiled table cells by language and text (table.ts `cell`). */
  cells: Map<string, unknown>;
}

export function problem(
  context: ParseContext,
  element: string,
  reason: string,
  at?: XmlElement,
  unsupported = false,
): void {
  context.problems.push({
    element,
    reason,
    ...(at ? { line: at.line, column: at.column } : {}),
    ...(unsupported ? { unsupported } : {}),
  });
}

/** The text of an expression element (`<text>` child), untrimmed; '' when absent. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  return childNamed(element, 'text')?.text ?? '';
}

/**
 * Compiles one expression, turning a FEEL problem into a problem of the document that names the
 * element and says where it sits; null when it could not be compiled.
 */
export function compiled<T>(
  context: ParseContext,
  element: string,
  where: string,
  text: string,
  at: XmlElement,
  compile: () => T,
): T | null {
  if (text.length > context.limits.maxExpressionLength) {
    problem(
      context,
      element,
      `${where}: the expression has ${text.length} characters, at most ${context.limits.maxExpressionLength}`,
      at,
    );
    return null;
  }
  try {
    return compile();
  } catch (err) {
    // FeelProblem, or a feelin error met evaluating a constant (a date literal, say).
    if (!(err instanceof Error)) throw err;
    problem(context, element, `${where}: ${err.message}`, at);
    return null;
  }
}

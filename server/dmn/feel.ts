import { evaluate, parseExpression, parseUnaryTests, unaryTest } from '@bpmn-io/feelin';
import { feelCompare, feelEquals, isDuration, isPlainObject, isSimpleValue, isTemporal } from './values.js';

/**
 * FEEL for decisions, compiled once at parse. feelin parses an expression on every call, which
 * costs tens of microseconds; a table of a hundred rules would pay that hundreds of times per
 * evaluation. The forms that fill almost every table cell — literals, names and paths,
 * comparisons, intervals, lists and not(…) of them — are therefore compiled here from feelin's
 * own parse tree into plain functions; everything else is handed to feelin at evaluation, so
 * the language stays feelin's.
 */

export type FeelContext = Record<string, unknown>;

export interface CompiledExpression {
  readonly text: string;
  evaluate(context: FeelContext): unknown;
}

export interface CompiledUnaryTests {
  readonly text: string;
  /** `-` or empty: matches anything without being evaluated. */
  readonly wildcard: boolean;
  matches(input: unknown, context: FeelContext): boolean;
}

/** A problem with an expression's text, found at parse; the caller names the element. */
export class FeelProblem extends Error {}

type Tree = ReturnType<typeof parseExpression>;
type SyntaxNode = Tree['topNode'];
/** true, false, or null (FEEL's third value: not comparable, so not a match). */
type Ternary = boolean | null;
type Predicate = (input: unknown, context: FeelContext) => Ternary;
type Producer = (context: FeelContext) => unknown;

/** Thrown by a native test that meets a value only feelin knows how to test (a list, a context). */
const TO_FEELIN = new Error('a value for feelin to test');

/**
 * Which language a text is in. Camunda 7 wrote JUEL for input expressions and output entries
 * before 7.13; of JUEL only `${name}` and `${a.b}` are taken, as the FEEL name they are. Scripts
 * (JavaScript, Groovy, Python, …) are never run: a decision is data, not code.
 */
export function feelText(text: string, language: string | undefined, allowJuelName: boolean): string {
  const lang = language?.trim() ?? '';
  const juelName = /^\$\{\s*([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_][\w]*)*)\s*\}$/.exec(text.trim());
  if (lang === '' || /feel/i.test(lang)) {
    if (juelName && allowJuelName) return juelName[1]!.replace(/\s+/g, '');
    if (/^[$#]\{/.test(text.trim())) throw new FeelProblem(`JUEL expressions are not run; use FEEL ("${text.trim()}")`);
    return text;
  }
  if (/^juel$/i.test(lang)) {
    if (juelName && allowJuelName) return juelName[1]!.replace(/\s+/g, '');
    throw new FeelProblem(`expression language '${lang}' is not run; use FEEL ("${text.trim()}")`);
  }
  throw new FeelProblem(`expression language '${lang}': scripts are not run; use FEEL`);
}

export function compileExpression(text: string, names: FeelContext): CompiledExpression {
  const tree = checkedParse(() => parseExpression(text, names, undefined), text);
  const node = tree.topNode.firstChild;
  const fast = node && node.nextSibling === null ? producer(node, text) : null;
  if (fast) return { text, evaluate: fast };
  return { text, evaluate: (context) => evaluate(text, context).value };
}

export function compileUnaryTests(text: string, names: FeelContext): CompiledUnaryTests {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '-') return { text, wildcard: true, matches: () => true };
  const tree = checkedParse(() => parseUnaryTests(text, names, undefined), text);
  const fast = unaryPredicate(tree.topNode, text);
  const slow = (input: unknown, context: FeelContext) => unaryTest(text, { ...context, '?': input }).value === true;
  if (!fast) return { text, wildcard: false, matches: slow };
  const matches = (input: unknown, context: FeelContext) => {
    if (!isSimpleValue(input)) return slow(input, context);
    try {
      return fast(input, context) === true;
    } catch (err) {
      if (err === TO_FEELIN) return slow(input, context);
      throw err;
    }
  };
  return { text, wildcard: false, matches };
}

function checkedParse(parse: () => Tree, text: string): Tree {
  const tree = parse();
  let error: number | null = null;
  tree.iterate({
    enter(node) {
      if (error !== null) return false;
      if (node.type.isError) error = node.from;
      return undefined;
    },
  });
  if (error !== null) {
    const at = Math.min(error, text.length);
    const near = text.slice(Math.max(0, at - 10), at + 10);
    throw new FeelProblem(`FEEL syntax error at character ${at + 1} of "${text.trim()}" (near "${near.trim()}")`);
  }
  return tree;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

const LITERALS = new Set(['NumericLiteral', 'StringLiteral', 'BooleanLiteral', 'null']);

/** A literal, name or path as a function of the context; null for any other form. */
function producer(node: SyntaxNode, source: string): Producer | null {
  const text = source.slice(node.from, node.to);
  if (LITERALS.has(node.name)) {
    const value = evaluate(text).value;
    return () => value;
  }
  if (node.name === 'DateTimeLiteral') {
    const value = dateLiteral(node, text);
    return value === undefined ? null : () => value;
  }
  const path = pathOf(node, source);
  if (!path) return null;
  return (context) => lookup(context, path, text);
}

/**
 * A date literal with constant arguments, evaluated once. One FEEL rejects (`date("2025-13-01")`)
 * is null in FEEL, not a syntax error, so it is left to feelin at evaluation.
 */
function dateLiteral(node: SyntaxNode, text: string): unknown {
  const args = node.getChild('PositionalParameters');
  const constant =
    node.getChild('AtLiteral') !== null ||
    (args !== null && children(args).length > 0 && children(args).every((c) => c.name === 'StringLiteral'));
  if (!constant) return undefined;
  let value: unknown;
  try {
    value = evaluate(text).value;
  } catch {
    return undefined;
  }
  const valid = (isTemporal(value) || isDuration(value)) && value.isValid;
  return valid ? value : undefined;
}

/** `a`, `a.b.c`, `Applicant data.age` as its segments; null for any other form. */
function pathOf(node: SyntaxNode, source: string): string[] | null {
  if (node.name === 'VariableName') return [source.slice(node.from, node.to).replace(/\s+/g, ' ')];
  if (node.name !== 'PathExpression') return null;
  const [target, member, ...rest] = children(node);
  if (!target || !member || rest.length || member.name !== 'VariableName') return null;
  const head = pathOf(target, source);
  return head ? [...head, source.slice(member.from, member.to).replace(/\s+/g, ' ')] : null;
}

/**
 * FEEL name resolution over plain data: a missing name or member is null. A path through a
 * list (FEEL projects it) or a date (its properties) is left to feelin.
 */
function lookup(context: FeelContext, path: readonly string[], text: string): unknown {
  let value: unknown = context;
  for (const [i, segment] of path.entries()) {
    if (value === null || value === undefined) return null;
    if (!isPlainObject(value)) return evaluate(text, context).value;
    if (!Object.hasOwn(value, segment)) {
      // A name with spaces FEEL may have read differently once it knows the context's names.
      return i === 0 && segment.includes(' ') ? evaluate(text, context).value : null;
    }
    value = value[segment];
  }
  return value ?? null;
}

/** The unary tests of an input entry as a native predicate; null when some part is not a fast form. */
function unaryPredicate(top: SyntaxNode, source: string): Predicate | null {
  const [first, ...rest] = children(top);
  if (!first) return null;
  if (first.name === 'Wildcard') return () => true;
  if (first.name === 'PositiveUnaryTests' && rest.length === 0) return anyOf(first, source);
  if (first.name === 'not') {
    const tests = rest.find((c) => c.name === 'PositiveUnaryTests');
    const positive = tests ? anyOf(tests, source) : null;
    if (!positive) return null;
    return (input, context) => {
      const r = positive(input, context);
      return r === null ? null : !r;
    };
  }
  return null;
}

/** FEEL's `?` in (t1, t2, …): true if one holds, else null if one was not comparable, else false. */
function anyOf(tests: SyntaxNode, source: string): Predicate | null {
  const predicates: Predicate[] = [];
  for (const test of children(tests)) {
    const inner = test.name === 'PositiveUnaryTest' ? test.firstChild : null;
    const predicate = inner && inner.nextSibling === null ? positiveTest(inner, source) : null;
    if (!predicate) return null;
    predicates.push(predicate);
  }
  if (predicates.length === 1) return predicates[0]!;
  return (input, context) => {
    let result: Ternary = false;
    for (const predicate of predicates) {
      const r = predicate(input, context);
      if (r === true) return true;
      if (r === null) result = null;
    }
    return result;
  };
}

function positiveTest(node: SyntaxNode, source: string): Predicate | null {
  if (LITERALS.has(node.name) || node.name === 'DateTimeLiteral') {
    const value = producer(node, source);
    return value ? (input, context) => feelEquals(input, value(context)) : null;
  }
  if (pathOf(node, source)) return nameTest(producer(node, source)!);
  if (node.name !== 'SimplePositiveUnaryTest') return null;
  const [first, second, ...rest] = children(node);
  if (!first || rest.length) return null;
  if (first.name === 'Interval' && !second) return interval(first, source);
  if (first.name !== 'CompareOp' || !second) return null;
  const endpoint = endpointOf(second, source);
  return endpoint ? comparison(source.slice(first.from, first.to).trim(), endpoint) : null;
}

/**
 * A name as a test (`Complex.aBoolean`, `allowedGrade`): `? = name`; a boolean name tests by its
 * own value when the input is not a boolean (DMN 1.3 §10.3.2.9, as feel-scala reads it). A list
 * or context value is feelin's to test.
 */
function nameTest(value: Producer): Predicate {
  return (input, context) => {
    const v = value(context);
    if (typeof v === 'boolean' && typeof input !== 'boolean') return v;
    if (!isSimpleValue(v)) throw TO_FEELIN;
    return feelEquals(input, v);
  };
}

/** Interval end points and comparison operands: literals, names and paths. */
function endpointOf(node: SyntaxNode, source: string): Producer | null {
  return LITERALS.has(node.name) || node.name === 'DateTimeLiteral' || pathOf(node, source)
    ? producer(node, source)
    : null;
}

function comparison(op: string, endpoint: Producer): Predicate | null {
  const compare = (input: unknown, context: FeelContext) => feelCompare(input, endpoint(context));
  switch (op) {
    case '<':
      return (input, context) => nullOr(compare(input, context), (c) => c < 0);
    case '<=':
      return (input, context) => nullOr(compare(input, context), (c) => c <= 0);
    case '>':
      return (input, context) => nullOr(compare(input, context), (c) => c > 0);
    case '>=':
      return (input, context) => nullOr(compare(input, context), (c) => c >= 0);
    case '=':
      return (input, context) => feelEquals(input, endpoint(context));
    case '!=':
      return (input, context) => {
        const equal = feelEquals(input, endpoint(context));
        return equal === null ? null : !equal;
      };
    default:
      return null;
  }
}

function interval(node: SyntaxNode, source: string): Predicate | null {
  const [open, start, end, close, ...rest] = children(node);
  if (!open || !start || !end || !close || rest.length) return null;
  const from = endpointOf(start, source);
  const to = endpointOf(end, source);
  if (!from || !to) return null;
  const startIncluded = source.slice(open.from, open.to) === '[';
  const endIncluded = source.slice(close.from, close.to) === ']';
  return (input, context) => {
    const low = feelCompare(input, from(context));
    const high = feelCompare(input, to(context));
    if (low === null || high === null) return null;
    return (startIncluded ? low >= 0 : low > 0) && (endIncluded ? high <= 0 : high < 0);
  };
}

function nullOr(value: number | null, test: (c: number) => boolean): Ternary {
  return value === null || Number.isNaN(value) ? null : test(value);
}

/**
 * A small, safe expression language for `${…}` expressions in BPMN files.
 *
 * ARCHITECTURE.md: scripts are off, so conditions and attribute expressions are evaluated by
 * this interpreter — never by `eval`, `Function` or `vm`. It understands what Camunda 7 files
 * write (`${approved}`, `${amount > 1000 && region == 'ZJ'}`, JUEL words `and`, `or`, `not`,
 * `eq`, `gt`, `empty`) and what bpmn-engine files write (`${environment.variables.approved}`).
 * There are no function calls and no assignment; member access is limited to own, plain data
 * properties, so an expression can read variables but never reach a prototype or a function.
 */

export type Value = unknown;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Node =
  | { kind: 'literal'; value: Value }
  | { kind: 'identifier'; name: string }
  | { kind: 'member'; object: Node; property: Node; computed: boolean }
  | { kind: 'unary'; op: '!' | '-' | 'empty'; argument: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'conditional'; test: Node; consequent: Node; alternate: Node };

type Token =
  | { type: 'num'; value: number; pos: number }
  | { type: 'str'; value: string; pos: number }
  | { type: 'name'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'end'; pos: number };

// Maps, not object literals: a lookup of `constructor` or `toString` must not find Object.prototype.
const WORD_OPERATORS = new Map<string, string>(
  Object.entries({
    and: '&&',
    or: '||',
    not: '!',
    eq: '==',
    ne: '!=',
    lt: '<',
    gt: '>',
    le: '<=',
    ge: '>=',
    div: '/',
    mod: '%',
    empty: 'empty',
  }),
);
const SYMBOLS = [
  '===',
  '!==',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '(',
  ')',
  '[',
  ']',
  '.',
  '?',
  ':',
];
const FORBIDDEN_NAMES = new Set(['__proto__', 'prototype', 'constructor']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'num', value: Number(match[0]), pos: i });
      i += match[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== ch) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        text += source[j];
        j++;
      }
      if (j >= source.length) throw new ExpressionError('unterminated string', source, i);
      tokens.push({ type: 'str', value: text, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i)) as RegExpExecArray;
      const word = match[0];
      const op = WORD_OPERATORS.get(word);
      tokens.push(op ? { type: 'op', value: op, pos: i } : { type: 'name', value: word, pos: i });
      i += word.length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (!symbol) throw new ExpressionError(`unexpected character '${ch}'`, source, i);
    tokens.push({ type: 'op', value: symbol, pos: i });
    i += symbol.length;
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}

const BINARY_PRECEDENCE = new Map<string, number>(
  Object.entries({
    '||': 1,
    '&&': 2,
    '==': 3,
    '!=': 3,
    '===': 3,
    '!==': 3,
    '<': 4,
    '>': 4,
    '<=': 4,
    '>=': 4,
    '+': 5,
    '-': 5,
    '*': 6,
    '/': 6,
    '%': 6,
  }),
);

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): Node {
    const node = this.conditional();
    const next = this.peek();
    if (next.type !== 'end') this.fail(`unexpected '${'value' in next ? next.value : ''}'`, next.pos);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
  private next(): Token {
    return this.tokens[this.index++] as Token;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }
  private expectOp(value: string): void {
    if (!this.isOp(value)) this.fail(`expected '${value}'`, this.peek().pos);
    this.index++;
  }
  private fail(message: string, pos: number): never {
    throw new ExpressionError(`${message} at position ${pos + 1}`, this.source, pos);
  }

  private conditional(): Node {
    const test = this.binary(1);
    if (!this.isOp('?')) return test;
    this.index++;
    const consequent = this.conditional();
    this.expectOp(':');
    const alternate = this.conditional();
    return { kind: 'conditional', test, consequent, alternate };
  }

  private binary(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const precedence = t.type === 'op' ? BINARY_PRECEDENCE.get(t.value) : undefined;
      if (precedence === undefined || precedence < minPrecedence || t.type !== 'op') return left;
      this.index++;
      const right = this.binary(precedence + 1);
      left = { kind: 'binary', op: t.value, left, right };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '!' || t.value === '-' || t.value === 'empty')) {
      this.index++;
      return { kind: 'unary', op: t.value, argument: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.index++;
        const name = this.next();
        if (name.type !== 'name') this.fail('expected a property name', name.pos);
        node = { kind: 'member', object: node, property: { kind: 'literal', value: name.value }, computed: false };
      } else if (this.isOp('[')) {
        this.index++;
        const property = this.conditional();
        this.expectOp(']');
        node = { kind: 'member', object: node, property, computed: true };
      } else if (this.isOp('(')) {
        this.fail('function calls are not allowed in expressions', this.peek().pos);
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const t = this.next();
    switch (t.type) {
      case 'num':
      case 'str':
        return { kind: 'literal', value: t.value };
      case 'name':
        if (t.value === 'true') return { kind: 'literal', value: true };
        if (t.value === 'false') return { kind: 'literal', value: false };
        if (t.value === 'null' || t.value === 'undefined') return { kind: 'literal', value: null };
        return { kind: 'identifier', name: t.value };
      case 'op':
        if (t.value === '(') {
          const inner = this.conditional();
          this.expectOp(')');
          return inner;
        }
        return this.fail(`unexpected '${t.value}'`, t.pos);
      case 'end':
        return this.fail('unexpected end of expression', t.pos);
    }
  }
}

const compiledCache = new Map<string, Node>();

/** Parses one expression body (the text between `${` and `}`); cached, since the same few recur. */
export function parseExpression(body: string): Node {
  let node = compiledCache.get(body);
  if (!node) {
    node = new Parser(tokenize(body), body).parse();
    if (compiledCache.size > 10_000) compiledCache.clear();
    compiledCache.set(body, node);
  }
  return node;
}

/** A scope resolves the root identifiers of an expression. */
export type Scope = (name: string) => Value;

function readProperty(object: Value, key: Value): Value {
  if (object === null || object === undefined) return undefined;
  const name = String(key);
  if (FORBIDDEN_NAMES.has(name)) return undefined;
  if (Array.isArray(object)) {
    if (name === 'length') return object.length;
    const index = Number(name);
    return Number.isInteger(index) ? object[index < 0 ? object.length + index : index] : undefined;
  }
  if (typeof object === 'string' && name === 'length') return object.length;
  if (typeof object !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(object, name)) return undefined;
  return (object as Record<string, Value>)[name];
}

/** Expressions read data, never code: a function found anywhere reads as undefined. */
function plain(value: Value): Value {
  return typeof value === 'function' ? undefined : value;
}

function isEmpty(value: Value): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function looseEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  // JUEL coerces numbers and numeric strings: `${amount == 100}` with amount "100" holds.
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return text(a) === text(b);
  return false;
}

/** A value as JUEL turns it into text: objects as JSON, never "[object Object]". */
function text(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? '';
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const left = typeof a === 'string' && typeof b === 'string' ? a : Number(a);
  const right = typeof a === 'string' && typeof b === 'string' ? b : Number(b);
  switch (op) {
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    default:
      return left >= right;
  }
}

function evaluateNode(node: Node, scope: Scope): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier':
      return FORBIDDEN_NAMES.has(node.name) ? undefined : plain(scope(node.name));
    case 'member':
      return plain(readProperty(evaluateNode(node.object, scope), evaluateNode(node.property, scope)));
    case 'unary': {
      const value = evaluateNode(node.argument, scope);
      if (node.op === '!') return !value;
      if (node.op === 'empty') return isEmpty(value);
      return -Number(value);
    }
    case 'conditional':
      return evaluateNode(node.test, scope)
        ? evaluateNode(node.consequent, scope)
        : evaluateNode(node.alternate, scope);
    case 'binary': {
      if (node.op === '&&') return evaluateNode(node.left, scope) ? evaluateNode(node.right, scope) : false;
      if (node.op === '||') return evaluateNode(node.left, scope) || evaluateNode(node.right, scope);
      const a = evaluateNode(node.left, scope);
      const b = evaluateNode(node.right, scope);
      switch (node.op) {
        case '==':
        case '===':
          return looseEquals(a, b);
        case '!=':
        case '!==':
          return !looseEquals(a, b);
        case '<':
        case '>':
        case '<=':
        case '>=':
          return compare(node.op, a, b);
        case '+':
          return typeof a === 'string' || typeof b === 'string' ? text(a) + text(b) : Number(a) + Number(b);
        case '-':
          return Number(a) - Number(b);
        case '*':
          return Number(a) * Number(b);
        case '/':
          return Number(a) / Number(b);
        default:
          return Number(a) % Number(b);
      }
    }
  }
}

const TEMPLATE = /\$\{([^}]*)\}/g;
const WHOLE = /^\s*\$\{([^}]*)\}\s*$/;

export function hasExpression(text: unknown): boolean {
  return typeof text === 'string' && text.includes('${');
}

export function isExpression(text: unknown): boolean {
  return typeof text === 'string' && WHOLE.test(text);
}

/**
 * Resolves a templated string: a string that is exactly `${expr}` yields the value itself
 * (a boolean, a number, an object); other `${…}` inside text are replaced by their string form.
 */
export function resolveTemplate(template: string, scope: Scope): Value {
  const whole = WHOLE.exec(template);
  if (whole) return evaluateNode(parseExpression(whole[1] as string), scope);
  if (!template.includes('${')) return template;
  return template.replace(TEMPLATE, (_, body: string) => {
    const value = evaluateNode(parseExpression(body), scope);
    return text(value);
  });
}

/** Every `${…}` body in a text, for validation at deploy. */
export function expressionBodies(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1] as string);
}

/** Checks the syntax of every expression in a text; throws ExpressionError naming the problem. */
export function validateTemplate(text: string): void {
  if (text.split('${').length - 1 !== expressionBodies(text).length) {
    throw new ExpressionError('unterminated ${ … } expression', text);
  }
  for (const body of expressionBodies(text)) parseExpression(body);
}

/** The root identifiers an expression reads (e.g. `amount`, `environment`), for deploy checks. */
export function rootIdentifiers(body: string): string[] {
  const names = new Set<string>();
  const visit = (node: Node): void => {
    switch (node.kind) {
      case 'identifier':
        names.add(node.name);
        return;
      case 'member':
        visit(node.object);
        if (node.computed) visit(node.property);
        return;
      case 'unary':
        visit(node.argument);
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'conditional':
        visit(node.test);
        visit(node.consequent);
        visit(node.alternate);
        return;
      case 'literal':
        return;
    }
  };
  visit(parseExpression(body));
  return [...names];
}

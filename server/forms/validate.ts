import { evaluate } from '@bpmn-io/feelin';
import { Dec } from '../domain/decimal.js';
import { asText } from '../lib/text.js';

/**
 * Server-side validation of a form submission, with form-js's semantics (issue 5 §7: the browser
 * validates, and the server validates again, so a completion with invalid data is refused
 * whatever client sent it). Mirrors `runPresetValidation` / `runNumberValidation` of
 * @bpmn-io/form-js-viewer: required (an unchecked checkbox, '' and an empty list are missing),
 * min/max, minLength/maxLength (trimmed), pattern, validationType email/phone, number decimal
 * digits and increments; plus what the browser guarantees by construction and the server cannot
 * assume: the value's type per component, and that a select/radio/checklist/taglist value is one
 * of the field's options. Conditional `hide` expressions are FEEL, evaluated by form-js's own
 * interpreter (@bpmn-io/feelin, no script execution); a hidden field is not validated, like in
 * form-js. Disabled and read-only fields are not validated either (the browser does not submit
 * them). FEEL-valued `validate` properties (e.g. `min: "=limit"`) are evaluated the same way.
 */
export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  validate?: Record<string, unknown>;
  values?: { label?: string; value: unknown }[];
  valuesKey?: string;
  valuesExpression?: string;
  conditional?: { hide?: string };
  disabled?: boolean | string;
  readonly?: boolean | string;
  components?: FormComponent[];
  subtype?: string;
  decimalDigits?: number;
  increment?: number | string;
  isRepeating?: boolean;
}

export interface FormSchema {
  id: string;
  type?: string;
  components: FormComponent[];
  [k: string]: unknown;
}

export interface FieldError {
  field: string;
  reason: string;
  message: string;
}

export type FormData = Record<string, unknown>;

/** Components whose value the form submits (form-js "input" fields). */
export const INPUT_TYPES = new Set([
  'textfield',
  'textarea',
  'number',
  'select',
  'radio',
  'checkbox',
  'checklist',
  'taglist',
  'datetime',
  'filepicker',
  'expression',
]);
const CONTAINER_TYPES = new Set(['group', 'dynamiclist']);

// form-js-viewer's patterns, so that the browser and the server agree.
const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// form-js only knows international numbers (+86…); a mainland mobile number (1xxxxxxxxxx) is also a phone here.
const PHONE_PATTERN = /^(?:(?:\+|00)\d{6,20}|1[3-9]\d{9})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?$/;

function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=');
}

/** A FEEL expression (`=…`) against the form's data; null when it cannot be evaluated. */
function feel(expression: string, data: FormData): unknown {
  try {
    return evaluate(expression.slice(1), data).value;
  } catch {
    return null;
  }
}

function flag(value: unknown, data: FormData): boolean {
  return isExpression(value) ? feel(value, data) === true : value === true;
}

function getPath(data: unknown, path: string[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function split(path: string | undefined): string[] {
  return path ? path.split('.').filter(Boolean) : [];
}

/** Every input field of a schema with its data path (groups with a `path` nest their children). */
export function formFields(schema: Pick<FormSchema, 'components'>): { path: string[]; component: FormComponent }[] {
  const fields: { path: string[]; component: FormComponent }[] = [];
  const walk = (components: FormComponent[] | undefined, prefix: string[]) => {
    for (const c of components ?? []) {
      if (CONTAINER_TYPES.has(c.type)) walk(c.components, [...prefix, ...split(c.path)]);
      else if (INPUT_TYPES.has(c.type) && c.key) fields.push({ path: [...prefix, ...split(c.key)], component: c });
    }
  };
  walk(schema.components, []);
  return fields;
}

/** Validates `data` (the values as the form would submit them) against a form-js schema. */
export function validateFormData(schema: Pick<FormSchema, 'components'>, data: FormData): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (components: FormComponent[] | undefined, prefix: string[], scope: FormData) => {
    for (const c of components ?? []) {
      if (c.conditional?.hide && flag(c.conditional.hide, scope)) continue;
      if (CONTAINER_TYPES.has(c.type)) {
        const path = [...prefix, ...split(c.path)];
        if (c.type === 'dynamiclist' && c.path) {
          const items = getPath(data, path);
          if (items === undefined || items === null) continue;
          if (!Array.isArray(items)) {
            errors.push(error(path, 'type', 'must be a list'));
            continue;
          }
          // Each item is validated on its own, with its own values in scope (form-js local context).
          items.forEach((item, i) => {
            const itemScope = item && typeof item === 'object' ? { ...scope, ...(item as FormData) } : scope;
            walkItem(c.components, [...path, String(i)], itemScope);
          });
        } else walk(c.components, path, scope);
        continue;
      }
      if (!INPUT_TYPES.has(c.type) || !c.key) continue;
      if (flag(c.disabled, scope) || flag(c.readonly, scope)) continue;
      const path = [...prefix, ...split(c.key)];
      errors.push(...validateField(c, getPath(data, path), path, scope));
    }
  };
  const walkItem = (components: FormComponent[] | undefined, prefix: string[], scope: FormData) =>
    walk(components, prefix, scope);
  walk(schema.components, [], data);
  return errors;
}

function error(path: string[], reason: string, message: string): FieldError {
  return { field: path.join('.'), reason, message };
}

function isMissing(c: FormComponent, value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (c.type === 'checkbox' && value === false) ||
    (Array.isArray(value) && value.length === 0)
  );
}

function evaluatedValidation(c: FormComponent, scope: FormData): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.validate ?? {})) {
    const value = isExpression(v) ? feel(v, scope) : v;
    if (value !== null && value !== undefined) result[k] = value;
  }
  return result;
}

function validateField(c: FormComponent, value: unknown, path: string[], scope: FormData): FieldError[] {
  const v = evaluatedValidation(c, scope);
  const label = c.label ?? c.key ?? path.join('.');
  if (isMissing(c, value)) {
    return v.required === true ? [error(path, 'required', `${label}: this field is required`)] : [];
  }
  const typeProblem = checkType(c, value, scope);
  if (typeProblem) return [error(path, typeProblem.reason, `${label}: ${typeProblem.message}`)];
  const errors: FieldError[] = [];
  const push = (reason: string, message: string) => errors.push(error(path, reason, `${label}: ${message}`));
  if (c.type === 'number') numberRules(c, String(value), push);
  if (typeof v.pattern === 'string' && typeof value === 'string') {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(v.pattern);
    } catch {
      push('pattern', `the form's pattern ${v.pattern} is not a valid regular expression`);
    }
    if (pattern && !pattern.test(value))
      push('pattern', asText(v.patternErrorMessage, `must match the pattern ${v.pattern}`));
  }
  for (const bound of ['min', 'max'] as const) {
    if (!(bound in v)) continue;
    let given: Dec;
    let limit: Dec;
    try {
      given = new Dec(String(value));
      limit = new Dec(String(v[bound]));
    } catch {
      push(bound, `must be a number`);
      continue;
    }
    if (bound === 'min' && given.lessThan(limit)) push('min', `must be at least ${String(v.min)}`);
    if (bound === 'max' && given.greaterThan(limit)) push('max', `must be at most ${String(v.max)}`);
  }
  if (typeof value === 'string') {
    const length = value.trim().length;
    if (typeof v.minLength === 'number' && length < v.minLength)
      push('minLength', `must have at least ${v.minLength} characters`);
    if (typeof v.maxLength === 'number' && length > v.maxLength)
      push('maxLength', `must have at most ${v.maxLength} characters`);
    if (v.validationType === 'email' && !EMAIL_PATTERN.test(value)) push('email', 'must be a valid e-mail address');
    if (v.validationType === 'phone' && !PHONE_PATTERN.test(value.replace(/[\s-]/g, '')))
      push('phone', 'must be a valid phone number (e.g. 13800138000 or +8657187654321)');
  }
  return errors;
}

function numberRules(c: FormComponent, text: string, push: (reason: string, message: string) => void): void {
  const decimals = text.includes('.') ? (text.split('.')[1] ?? '').replace(/e.*$/i, '').length : 0;
  if (typeof c.decimalDigits === 'number' && c.decimalDigits >= 0 && decimals > c.decimalDigits) {
    push(
      'decimalDigits',
      c.decimalDigits === 0 ? 'must be a whole number' : `must have at most ${c.decimalDigits} decimal digits`,
    );
  }
  if (c.increment !== undefined && c.increment !== null && String(c.increment) !== '') {
    const step = new Dec(String(c.increment));
    if (!step.isZero() && !new Dec(text).mod(step).isZero())
      push('increment', `must be a multiple of ${step.toString()}`);
  }
}

function options(c: FormComponent, scope: FormData): unknown[] | null {
  if (Array.isArray(c.values)) return c.values.map((o) => o.value);
  const dynamic = c.valuesKey ? scope[c.valuesKey] : c.valuesExpression ? feel(c.valuesExpression, scope) : null;
  if (!Array.isArray(dynamic)) return null;
  const items: unknown[] = dynamic;
  return items.map((o) => (o && typeof o === 'object' && 'value' in o ? o.value : o));
}

function checkType(c: FormComponent, value: unknown, scope: FormData): { reason: string; message: string } | null {
  const type = { reason: 'type', message: '' };
  switch (c.type) {
    case 'textfield':
    case 'textarea':
      return typeof value === 'string' ? null : { ...type, message: 'must be text' };
    case 'number': {
      const ok =
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()));
      return ok ? null : { ...type, message: 'must be a number' };
    }
    case 'checkbox':
      return typeof value === 'boolean' ? null : { ...type, message: 'must be true or false' };
    case 'datetime': {
      if (typeof value !== 'string') return { ...type, message: 'must be a date or time' };
      const subtype = c.subtype ?? 'date';
      const ok =
        subtype === 'date'
          ? DATE.test(value) && !Number.isNaN(Date.parse(value))
          : subtype === 'time'
            ? TIME.test(value)
            : !Number.isNaN(Date.parse(value));
      return ok ? null : { ...type, message: `must be a valid ${subtype}` };
    }
    case 'select':
    case 'radio': {
      const allowed = options(c, scope);
      if (allowed && !allowed.some((a) => a === value))
        return { reason: 'option', message: `"${String(value)}" is not one of the options` };
      return null;
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(value)) return { ...type, message: 'must be a list of options' };
      const allowed = options(c, scope);
      const wrong = allowed ? value.filter((x) => !allowed.some((a) => a === x)) : [];
      return wrong.length
        ? { reason: 'option', message: `${wrong.map(String).join(', ')} not among the options` }
        : null;
    }
    default:
      return null;
  }
}

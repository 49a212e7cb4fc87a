import type { Form } from '@bpmn-io/form-js';

/**
 * form-js's viewer, loaded on demand so the login page and the worklist stay small. Only the
 * viewer (`Form`) is used here; Vite puts it and its stylesheet in a chunk of their own.
 */
export type FormViewer = Form;
export type FieldErrors = Record<string, string[]>;

export async function createFormViewer(container: HTMLElement): Promise<FormViewer> {
  const [{ Form: FormClass }] = await Promise.all([
    import('@bpmn-io/form-js'),
    import('@bpmn-io/form-js/dist/assets/form-js.css'),
  ]);
  return new FormClass({ container });
}

/** Server reasons (server/forms/validate.ts) said in the UI language; others keep the server's text. */
const REASON_KEYS: Record<string, string> = {
  required: 'task.form.err.required',
  min: 'task.form.err.min',
  max: 'task.form.err.max',
  minLength: 'task.form.err.minLength',
  maxLength: 'task.form.err.maxLength',
  pattern: 'task.form.err.pattern',
  email: 'task.form.err.email',
  type: 'task.form.err.type',
  option: 'task.form.err.option',
};

/**
 * Shows errors the server found (400 problem+json `details: [{ field, reason, message }]`) on the
 * form's fields: a detail's field names a variable (`variables.amount` or `amount`), form-js keys
 * errors by field id, so map key → id through the schema; the reason becomes a message in the
 * UI language, with the limit from the field's own `validate`.
 */
export function serverErrorsToFields(
  schema: Record<string, unknown>,
  details: { field?: string; reason: string; message?: string }[],
  t: (key: string, params?: Record<string, string>) => string,
): { fieldErrors: FieldErrors; lines: string[] } {
  const byKey = new Map<string, { id: string; label: string; validate: Record<string, unknown> }>();
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as {
      id?: string;
      key?: string;
      label?: string;
      components?: unknown;
      validate?: object;
    }[]) {
      if (c.key && c.id)
        byKey.set(c.key, {
          id: c.id,
          label: c.label ?? c.key,
          validate: (c.validate ?? {}) as Record<string, unknown>,
        });
      walk(c.components);
    }
  };
  walk(schema.components);
  const fieldErrors: FieldErrors = {};
  // Every problem is also listed by its field's label: form-js may re-validate a field and drop
  // an error set from outside, the list stays.
  const lines: string[] = [];
  for (const d of details) {
    const key = (d.field ?? '').replace(/^(body\.)?variables\./, '');
    const field = byKey.get(key);
    const reasonKey = REASON_KEYS[d.reason];
    const text =
      field && reasonKey ? t(reasonKey, { value: limitText(field.validate[d.reason]) }) : (d.message ?? d.reason);
    if (field) (fieldErrors[field.id] ??= []).push(text);
    lines.push(field ? `${field.label}：${text}` : text);
  }
  return { fieldErrors, lines };
}

/** form-js writes its validation messages in English only; these say them in the UI language. */
const FORMJS_MESSAGES: [RegExp, string][] = [
  [/^Field is required\.$/, 'task.form.err.required'],
  [/^Field must have minimum value of (.+)\.$/, 'task.form.err.min'],
  [/^Field must have maximum value of (.+)\.$/, 'task.form.err.max'],
  [/^Field must have minimum length of (.+)\.$/, 'task.form.err.minLength'],
  [/^Field must have maximum length of (.+)\.$/, 'task.form.err.maxLength'],
  [/^Field must match pattern (.+)\.$/, 'task.form.err.pattern'],
  [/^Field must be a valid email\.$/, 'task.form.err.email'],
  [/^Value is not a number\.$/, 'task.form.err.number'],
];

/**
 * Rewrites form-js's error texts as they appear (a MutationObserver on the form), keeping the
 * English original in a data attribute so a language switch can translate it again.
 */
export function localizeFormErrors(
  container: HTMLElement,
  translate: () => (key: string, p?: Record<string, string>) => string,
) {
  const apply = () => {
    const t = translate();
    for (const li of container.querySelectorAll<HTMLElement>('.fjs-form-field-error li')) {
      const text = li.textContent ?? '';
      const original = li.dataset.original && li.dataset.shown === text ? li.dataset.original : text;
      for (const [pattern, key] of FORMJS_MESSAGES) {
        const m = pattern.exec(original);
        if (!m) continue;
        const shown = t(key, { value: m[1] ?? '' });
        if (shown !== text) {
          li.dataset.original = original;
          li.dataset.shown = shown;
          li.textContent = shown;
        }
        break;
      }
    }
  };
  const observer = new MutationObserver(apply);
  observer.observe(container, { childList: true, subtree: true, characterData: true });
  return { apply, disconnect: () => observer.disconnect() };
}

/** A validation limit as the message shows it (`min: 3` → "3"); anything else shows nothing. */
function limitText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

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

/**
 * Shows errors the server found (400 problem+json `details: [{ field, reason, message }]`) on the
 * form's fields: a detail's field names a variable (`variables.amount` or `amount`), form-js keys
 * errors by field id, so map key → id through the schema.
 */
export function serverErrorsToFields(
  schema: Record<string, unknown>,
  details: { field?: string; reason: string; message?: string }[],
): { fieldErrors: FieldErrors; unmatched: string[] } {
  const idByKey = new Map<string, string>();
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as { id?: string; key?: string; components?: unknown }[]) {
      if (c.key && c.id) idByKey.set(c.key, c.id);
      walk(c.components);
    }
  };
  walk(schema.components);
  const fieldErrors: FieldErrors = {};
  const unmatched: string[] = [];
  for (const d of details) {
    const key = (d.field ?? '').replace(/^(body\.)?variables\./, '');
    const id = idByKey.get(key);
    const text = d.message ?? d.reason;
    if (id) (fieldErrors[id] ??= []).push(text);
    else unmatched.push(d.field ? `${key}: ${text}` : text);
  }
  return { fieldErrors, unmatched };
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

import { useEffect, useImperativeHandle, useRef, useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { formatDateTime, useT, type Translate } from '../../lib/i18n';
import { worklistApi, type GenericForm, type VariableType } from './api';
import type { FormHandle } from './TaskFormPanel';

const TYPES: VariableType[] = ['string', 'number', 'boolean', 'date', 'json'];
/** The server's rules (server/forms/typed-variables.ts), checked here first so mistakes show at once. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const RESERVED = new Set(['environment', 'content', 'properties', 'fields', 'execution', 'task']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Where a generic form keeps its rows in a draft (drafts hold one object of values per task). */
const DRAFT_KEY = 'genericForm';

interface Row {
  key: number;
  name: string;
  type: VariableType;
  text: string;
  /** The variable exists in the process: its name is fixed; a new one is added on completion. */
  existing: boolean;
  original: { type: VariableType; text: string } | null;
}

interface Draft {
  rows: Omit<Row, 'key'>[];
  removed: string[];
}

function textOf(type: VariableType, value: unknown): string {
  if (type === 'json') return JSON.stringify(value, null, 2);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

function rowError(row: Row, rows: Row[], t: Translate): string | null {
  if (!NAME.test(row.name) || RESERVED.has(row.name)) return t('task.generic.err.name');
  if (rows.some((r) => r !== row && r.name === row.name)) return t('task.generic.err.duplicate');
  const text = row.text.trim();
  if (row.type === 'number' && (text === '' || !Number.isFinite(Number(text)))) return t('task.generic.err.number');
  if (row.type === 'date' && !ISO_DATE.test(text)) return t('task.generic.err.date');
  if (row.type === 'json') {
    try {
      JSON.parse(row.text);
    } catch {
      return t('task.generic.err.json');
    }
  }
  return null;
}

/** A reason of server/forms/typed-variables.ts (and the removal check) in the page's language. */
function serverMessage(reason: string, type: VariableType | null, t: Translate): string | null {
  if (reason === 'required') return t('task.generic.requiredHint');
  if (reason === 'conflict') return t('task.generic.err.conflict');
  if (reason === 'size') return t('task.generic.err.size');
  if (reason !== 'type' && reason !== 'format') return null;
  if (type === 'number') return t('task.generic.err.number');
  if (type === 'date') return t('task.generic.err.date');
  if (type === 'json') return t('task.generic.err.json');
  if (type === 'boolean') return t('task.generic.err.boolean');
  return null;
}

/**
 * The generic form of a task without one of our forms (Camunda Tasklist's generic form): the
 * task's variables with their types, editable; variables may be added and removed. Only what
 * changed is sent, typed, and the server checks each value against its type again.
 */
export function GenericFormPanel({
  taskId,
  editable,
  handle,
}: {
  taskId: string;
  editable: boolean;
  handle: Ref<FormHandle>;
}) {
  const t = useT();
  const [spec, setSpec] = useState<GenericForm | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [removed, setRemoved] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<number, string>>({});
  const [summary, setSummary] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [restored, setRestored] = useState<string | null>(null);
  const nextKey = useRef(1);
  const state = useRef({ rows, removed });
  state.current = { rows, removed };

  useEffect(() => {
    let disposed = false;
    Promise.all([worklistApi.variables(taskId), worklistApi.draft(taskId).catch(() => ({ data: null, savedAt: null }))])
      .then(([form, saved]) => {
        if (disposed) return;
        setSpec(form);
        const draft = saved.data?.[DRAFT_KEY] as Draft | undefined;
        const fresh = form.variables.map((v) => {
          const text = textOf(v.type, v.value);
          return { name: v.name, type: v.type, text, existing: true, original: { type: v.type, text } };
        });
        const source = draft?.rows ?? fresh;
        setRows(source.map((r) => ({ ...r, key: nextKey.current++ })));
        setRemoved(draft?.removed ?? []);
        if (draft && saved.savedAt) setRestored(formatDateTime(saved.savedAt));
      })
      .catch((err: unknown) => !disposed && setFailure(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
    };
  }, [taskId]);

  const required = new Set(spec?.required ?? []);
  const draftOf = (): Record<string, unknown> => ({
    [DRAFT_KEY]: { rows: state.current.rows.map(({ key: _k, ...r }) => r), removed: state.current.removed },
  });

  useImperativeHandle(handle, () => ({
    collect() {
      const found: Record<number, string> = {};
      for (const row of state.current.rows) {
        const error = rowError(row, state.current.rows, t);
        if (error) found[row.key] = error;
      }
      setErrors(found);
      if (Object.keys(found).length) {
        setSummary([t('task.form.invalid', { count: Object.keys(found).length })]);
        return null;
      }
      setSummary([]);
      const changed = state.current.rows.filter(
        (r) => !r.original || r.original.type !== r.type || r.original.text !== r.text,
      );
      return {
        typedVariables: Object.fromEntries(changed.map((r) => [r.name, { type: r.type, value: r.text }])),
        removeVariables: state.current.removed,
      };
    },
    showServerErrors(_fieldErrors, lines, details = []) {
      const found: Record<number, string> = {};
      const said: string[] = [];
      for (const d of details) {
        const name = d.field?.replace(/^body\.(typedVariables|removeVariables)\./, '').split('.')[0];
        const row = state.current.rows.find((r) => r.name === name);
        const message = serverMessage(d.reason, row?.type ?? null, t) ?? d.message ?? d.reason;
        if (row) found[row.key] = message;
        said.push(`${name ?? ''}: ${message}`);
      }
      setErrors(found);
      // The server's own sentences are English: say the refusal in the page's language.
      setSummary(details.length ? [lines[0] ?? '', ...said] : lines);
    },
    saveDraft: async () => {
      await worklistApi.saveDraft(taskId, draftOf());
    },
    schema: () => null,
    values: () => Promise.resolve(draftOf()),
  }));

  function update(key: number, change: Partial<Row>) {
    setRows((current) => current.map((r) => (r.key === key ? { ...r, ...change } : r)));
    // An edited value is checked again on completion: its old error no longer stands.
    setErrors(({ [key]: _gone, ...rest }) => rest);
  }

  function remove(row: Row) {
    setRows((current) => current.filter((r) => r.key !== row.key));
    if (row.existing) setRemoved((current) => [...current, row.name]);
  }

  function add() {
    setRows((current) => [
      ...current,
      { key: nextKey.current++, name: '', type: 'string', text: '', existing: false, original: null },
    ]);
  }

  if (failure) return <p role="alert">{t('task.form.error', { message: failure })}</p>;
  if (!spec) return <p class="loading">{t('task.form.loading')}</p>;
  return (
    <div class="generic-form" data-testid="generic-form">
      <p class="muted">{t('task.generic.intro')}</p>
      {restored && <p class="notice">{t('task.draft.restored', { time: restored })}</p>}
      {summary.length > 0 && (
        <div class="form-summary" role="alert">
          {summary.map((s) => (
            <p key={s}>{s}</p>
          ))}
        </div>
      )}
      <table class="generic-variables">
        <thead>
          <tr>
            <th scope="col">{t('task.generic.name')}</th>
            <th scope="col">{t('task.generic.type')}</th>
            <th scope="col">{t('task.generic.value')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('task.generic.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                {t('task.generic.empty')}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <VariableRow
              key={row.key}
              row={row}
              t={t}
              editable={editable}
              error={errors[row.key] ?? null}
              required={row.existing && required.has(row.name)}
              onChange={(change) => update(row.key, change)}
              onRemove={() => remove(row)}
            />
          ))}
        </tbody>
      </table>
      {removed.length > 0 && (
        <p class="muted" data-testid="generic-removed">
          {t('task.generic.removed', { names: removed.join(', ') })}
        </p>
      )}
      {editable && (
        <button type="button" onClick={add}>
          + {t('task.generic.add')}
        </button>
      )}
    </div>
  );
}

function VariableRow({
  row,
  t,
  editable,
  error,
  required,
  onChange,
  onRemove,
}: {
  row: Row;
  t: Translate;
  editable: boolean;
  error: string | null;
  required: boolean;
  onChange: (change: Partial<Row>) => void;
  onRemove: () => void;
}) {
  const label = row.name || t('task.generic.newVariable');
  const valueLabel = t('task.generic.valueOf', { name: label });
  const input = (() => {
    const common = {
      'aria-label': valueLabel,
      'aria-invalid': error ? ('true' as const) : undefined,
      disabled: !editable,
    };
    if (row.type === 'boolean')
      return (
        <select {...common} value={row.text} onChange={(e) => onChange({ text: e.currentTarget.value })}>
          <option value="true">{t('task.generic.true')}</option>
          <option value="false">{t('task.generic.false')}</option>
        </select>
      );
    if (row.type === 'json')
      return (
        <textarea {...common} rows={3} value={row.text} onInput={(e) => onChange({ text: e.currentTarget.value })} />
      );
    return (
      <input
        {...common}
        type="text"
        inputMode={row.type === 'number' ? 'decimal' : undefined}
        placeholder={row.type === 'date' ? t('task.generic.datePlaceholder') : undefined}
        value={row.text}
        onInput={(e) => onChange({ text: e.currentTarget.value })}
      />
    );
  })();
  return (
    <tr class={error ? 'has-error' : undefined} data-variable={row.name}>
      <td>
        {row.existing ? (
          <code>{row.name}</code>
        ) : (
          <input
            type="text"
            aria-label={t('task.generic.name')}
            maxLength={64}
            value={row.name}
            disabled={!editable}
            onInput={(e) => onChange({ name: e.currentTarget.value.trim() })}
          />
        )}
      </td>
      <td>
        <select
          aria-label={t('task.generic.typeOf', { name: label })}
          value={row.type}
          disabled={!editable}
          onChange={(e) => {
            const type = e.currentTarget.value as VariableType;
            onChange(type === 'boolean' && !['true', 'false'].includes(row.text) ? { type, text: 'true' } : { type });
          }}
        >
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`task.generic.type.${type}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        {input}
        {error && <p class="field-error">{error}</p>}
      </td>
      <td>
        {editable && (
          <button
            type="button"
            class="link"
            disabled={required}
            title={required ? t('task.generic.requiredHint') : undefined}
            aria-label={t('task.generic.removeOf', { name: label })}
            onClick={onRemove}
          >
            {t('task.generic.remove')}
          </button>
        )}
      </td>
    </tr>
  );
}

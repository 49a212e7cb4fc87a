import { useT } from '../../lib/i18n';
import { VARIABLE_TYPES, type VariableType } from './api';

/** A variable's value as the editor holds it: text for every type, checked for booleans. */
export interface TypedDraft {
  name: string;
  type: VariableType;
  text: string;
  checked: boolean;
}

export function draftOf(name: string, type: VariableType, value: unknown): TypedDraft {
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? type === 'json'
        ? JSON.stringify(value)
        : String(value)
      : value === null || value === undefined
        ? ''
        : JSON.stringify(value, null, 2);
  return { name, type, text: type === 'date' ? text.slice(0, 16) : text, checked: value === true };
}

/** The value to send, or an error key when the text is not a value of its type. */
export function parseDraft(d: TypedDraft): { value: unknown } | { error: string } {
  switch (d.type) {
    case 'boolean':
      return { value: d.checked };
    case 'number': {
      const n = Number(d.text);
      return d.text.trim() === '' || !Number.isFinite(n) ? { error: 'ops.var.badNumber' } : { value: n };
    }
    case 'date':
      return Number.isNaN(Date.parse(d.text)) ? { error: 'ops.var.badDate' } : { value: d.text };
    case 'json':
      try {
        return { value: JSON.parse(d.text) as unknown };
      } catch {
        return { error: 'ops.var.badJson' };
      }
    default:
      return { value: d.text };
  }
}

/** Type and value inputs of one variable, labelled (ids prefixed by `id`). */
export function TypedValueFields({
  id,
  draft,
  onChange,
  nameEditable,
}: {
  id: string;
  draft: TypedDraft;
  onChange: (d: TypedDraft) => void;
  nameEditable: boolean;
}) {
  const t = useT();
  return (
    <div class="ops-typed">
      {nameEditable && (
        <div class="ops-field">
          <label for={`${id}-name`}>{t('ops.var.name')}</label>
          <input
            id={`${id}-name`}
            value={draft.name}
            required
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            onInput={(e) => onChange({ ...draft, name: e.currentTarget.value })}
          />
        </div>
      )}
      <div class="ops-field">
        <label for={`${id}-type`}>{t('ops.var.type')}</label>
        <select
          id={`${id}-type`}
          value={draft.type}
          onChange={(e) => onChange({ ...draft, type: e.currentTarget.value as VariableType })}
        >
          {VARIABLE_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`ops.type.${type}`)}
            </option>
          ))}
        </select>
      </div>
      <div class="ops-field ops-value">
        <label for={`${id}-value`}>{t('ops.var.value')}</label>
        {draft.type === 'boolean' ? (
          <input
            id={`${id}-value`}
            type="checkbox"
            checked={draft.checked}
            onChange={(e) => onChange({ ...draft, checked: e.currentTarget.checked })}
          />
        ) : draft.type === 'json' ? (
          <textarea
            id={`${id}-value`}
            rows={3}
            value={draft.text}
            onInput={(e) => onChange({ ...draft, text: e.currentTarget.value })}
          />
        ) : (
          <input
            id={`${id}-value`}
            type={draft.type === 'number' ? 'number' : draft.type === 'date' ? 'datetime-local' : 'text'}
            step={draft.type === 'number' ? 'any' : undefined}
            value={draft.text}
            onInput={(e) => onChange({ ...draft, text: e.currentTarget.value })}
          />
        )}
      </div>
    </div>
  );
}

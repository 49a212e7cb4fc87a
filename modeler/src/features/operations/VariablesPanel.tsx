import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import { operationsApi, type InstanceDetail, type VariableChange, type VariableType } from './api';
import { errorText } from './common';
import { draftOf, parseDraft, TypedValueFields, type TypedDraft } from './TypedValue';

const show = (value: unknown) =>
  value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** The type a stored value is shown and edited with (the server's typeOf: ISO strings are dates). */
function typeOf(value: unknown): VariableType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string')
    return /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? 'date' : 'string';
  return 'json';
}

/** Variables with their types, edited one at a time with a reason; the history of changes by hand. */
export function VariablesPanel({
  detail,
  editable,
  onChanged,
}: {
  detail: InstanceDetail;
  editable: boolean;
  onChanged: () => void;
}) {
  const t = useT();
  const [tab, setTab] = useState<'current' | 'history'>('current');
  const [editing, setEditing] = useState<TypedDraft | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<VariableChange[] | null>(null);

  useEffect(() => {
    if (tab !== 'history') return;
    operationsApi
      .variableHistory(detail.id)
      .then((r) => setHistory(r.items))
      .catch((err: unknown) => setError(errorText(err)));
  }, [tab, detail.id, detail.revision]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing) return;
    const parsed = parseDraft(editing);
    if ('error' in parsed) return setError(t(parsed.error));
    if (!reason.trim()) return setError(t('ops.reason.required'));
    try {
      await operationsApi.editVariables(detail.id, {
        typedVariables: { [editing.name]: { type: editing.type, value: parsed.value } },
        reason: reason.trim(),
      });
      showToast('success', t('ops.var.saved', { name: editing.name }));
      setEditing(null);
      setReason('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const running = detail.status === 'running';

  return (
    <section class="monitor-card" aria-labelledby="ops-variables">
      <h2 id="ops-variables">{t('ops.var.title')}</h2>
      <div class="ops-subtabs" role="tablist">
        {(['current', 'history'] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} onClick={() => setTab(k)}>
            {t(`ops.var.tab.${k}`)}
          </button>
        ))}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {tab === 'current' && (
        <>
          <div class="table-wrap">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t('ops.var.name')}</th>
                  <th scope="col">{t('ops.var.type')}</th>
                  <th scope="col">{t('ops.var.value')}</th>
                  {editable && <th scope="col">{t('ops.col.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {Object.entries(detail.variables).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>{t(`ops.type.${typeOf(value)}`)}</td>
                    <td class="ops-value-cell">
                      <code>{show(value)}</code>
                    </td>
                    {editable && (
                      <td>
                        <button
                          type="button"
                          class="small"
                          disabled={!running}
                          aria-label={t('ops.var.edit', { name })}
                          onClick={() => (
                            setEditing(draftOf(name, typeOf(value), value)),
                            setIsNew(false),
                            setError(null)
                          )}
                        >
                          {t('ops.edit')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {editable && running && !editing && (
            <button
              type="button"
              class="small ops-add"
              onClick={() => (setEditing({ name: '', type: 'string', text: '', checked: false }), setIsNew(true))}
            >
              {t('ops.var.add')}
            </button>
          )}
          {editing && (
            <form class="ops-form ops-var-form" onSubmit={(e) => void save(e)} aria-label={t('ops.var.editing')}>
              {!isNew && <p>{t('ops.var.editingName', { name: editing.name })}</p>}
              <TypedValueFields id="ops-var" draft={editing} onChange={setEditing} nameEditable={isNew} />
              <label for="ops-var-reason">{t('ops.reason')}</label>
              <input
                id="ops-var-reason"
                value={reason}
                maxLength={500}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
              <div class="dialog-actions">
                <button type="button" onClick={() => (setEditing(null), setError(null))}>
                  {t('ops.close')}
                </button>
                <button type="submit" class="primary">
                  {t('ops.var.save')}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {tab === 'history' &&
        (history === null ? (
          <p class="loading">{t('app.loading')}</p>
        ) : history.length === 0 ? (
          <p class="empty">{t('ops.var.noHistory')}</p>
        ) : (
          <div class="table-wrap">
            <table class="grid" aria-label={t('ops.var.tab.history')}>
              <thead>
                <tr>
                  <th scope="col">{t('ops.col.at')}</th>
                  <th scope="col">{t('ops.col.actor')}</th>
                  <th scope="col">{t('ops.var.name')}</th>
                  <th scope="col">{t('ops.var.old')}</th>
                  <th scope="col">{t('ops.var.new')}</th>
                  <th scope="col">{t('ops.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.id}>
                    <td>{formatDateTime(h.at)}</td>
                    <td>{h.actor}</td>
                    <th scope="row">{h.name}</th>
                    <td class="ops-value-cell">
                      <code>{show(h.oldValue)}</code>
                    </td>
                    <td class="ops-value-cell">
                      <code>{h.removed ? t('ops.var.removed') : show(h.newValue)}</code>
                      {h.type && <span class="hint"> ({t(`ops.type.${h.type}`)})</span>}
                    </td>
                    <td>
                      {h.reason}
                      {h.batchId && (
                        <>
                          {' · '}
                          <a href={`#/operations/batches/${h.batchId}`}>{t('ops.batch.link')}</a>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}

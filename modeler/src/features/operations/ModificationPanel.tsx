import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../app/Dialog';
import { useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import { operationsApi, type ModificationBody } from './api';
import { errorText } from './common';

export interface StepOption {
  id: string;
  name: string;
}

/**
 * Camunda's process instance modification: cancel an active step and/or start before or after
 * another, with a reason, all or nothing. The step to start is picked here or by a click on the diagram.
 */
export function ModificationPanel({
  instanceId,
  active,
  steps,
  start,
  onStart,
  onDone,
}: {
  instanceId: string;
  active: StepOption[];
  steps: StepOption[];
  start: string;
  onStart: (id: string) => void;
  onDone: () => void;
}) {
  const t = useT();
  const [cancel, setCancel] = useState('');
  const [where, setWhere] = useState<'startBeforeActivity' | 'startAfterActivity'>('startBeforeActivity');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const instructions: ModificationBody['instructions'] = [
    ...(cancel ? [{ type: 'cancel' as const, activityId: cancel }] : []),
    ...(start ? [{ type: where, activityId: start }] : []),
  ];
  const name = (id: string) => steps.find((s) => s.id === id)?.name ?? active.find((s) => s.id === id)?.name ?? id;
  const summary = [
    cancel && t('ops.mod.summary.cancel', { step: name(cancel) }),
    start && t(`ops.mod.summary.${where}`, { step: name(start) }),
  ]
    .filter(Boolean)
    .join(t('ops.mod.summary.and'));

  const run = async () => {
    setBusy(true);
    try {
      await operationsApi.modify(instanceId, { instructions, reason: reason.trim() });
      showToast('success', t('ops.mod.done'));
      setCancel('');
      onStart('');
      setReason('');
      setError(null);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section class="monitor-card" aria-labelledby="ops-mod">
      <h2 id="ops-mod">{t('ops.mod.title')}</h2>
      <form
        class="ops-form ops-mod"
        onSubmit={(e) => {
          e.preventDefault();
          if (instructions.length === 0) return setError(t('ops.mod.nothing'));
          if (!reason.trim()) return setError(t('ops.reason.required'));
          setError(null);
          setConfirming(true);
        }}
      >
        <div class="ops-field">
          <label for="ops-mod-cancel">{t('ops.mod.cancel')}</label>
          <select id="ops-mod-cancel" value={cancel} onChange={(e) => setCancel(e.currentTarget.value)}>
            <option value="">{t('ops.mod.none')}</option>
            {active.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="ops-field">
          <legend>{t('ops.mod.where')}</legend>
          {(['startBeforeActivity', 'startAfterActivity'] as const).map((w) => (
            <label key={w}>
              <input type="radio" name="ops-mod-where" checked={where === w} onChange={() => setWhere(w)} />
              {t(`ops.mod.${w}`)}
            </label>
          ))}
        </fieldset>
        <div class="ops-field">
          <label for="ops-mod-start">{t('ops.mod.start')}</label>
          <select id="ops-mod-start" value={start} onChange={(e) => onStart(e.currentTarget.value)}>
            <option value="">{t('ops.mod.none')}</option>
            {steps.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <p class="hint">{t('ops.mod.hint')}</p>
        <div class="ops-field ops-wide">
          <label for="ops-mod-reason">{t('ops.reason')}</label>
          <input id="ops-mod-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>
        {summary && <p class="ops-summary">{summary}</p>}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" class="primary">
            {t('ops.mod.run')}
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={t('ops.mod.confirm')}
          body={summary}
          confirmLabel={t('ops.mod.run')}
          cancelLabel={t('ops.close')}
          busy={busy}
          onConfirm={() => void run()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

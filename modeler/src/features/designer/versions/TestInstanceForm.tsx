import { useState } from 'preact/hooks';
import { ApiError } from '../../../lib/api';
import { useT } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { defaultTestBusinessKey, openInMonitor, parseVariables, startTestInstance } from '../test-instance';
import './versions.css';

interface Props {
  definitionId: string;
  definitionKey: string;
  version: number;
}

/**
 * "Start a test instance": a disclosure with business key and variables, then the monitor.
 * Shown only to users who may start instances (the server decides again).
 */
export function TestInstanceForm({ definitionId, definitionKey, version }: Props) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [businessKey, setBusinessKey] = useState(() => defaultTestBusinessKey(definitionKey));
  const [variables, setVariables] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  // The monitor's instance page needs dashboard:read; a designer without it stays here and is told.
  const { can } = useSession();
  const monitor = can('dashboard', 'read');
  const formId = `test-instance-${definitionId}`;

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = parseVariables(variables);
    if (!parsed) {
      setError(t('designer.testInstance.variablesInvalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const id = await startTestInstance({
        definitionId,
        businessKey: businessKey.trim() || undefined,
        variables: parsed,
      });
      if (monitor) openInMonitor(id);
      else {
        setStarted(businessKey.trim() || id);
        setOpen(false);
        setBusinessKey(defaultTestBusinessKey(definitionKey));
      }
    } catch (err) {
      const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      setError(t('designer.testInstance.failed', { message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      {started && (
        <p role="status" class="notice">
          {t('designer.testInstance.started', { key: started })}
        </p>
      )}
      <button type="button" aria-expanded={open} aria-controls={formId} onClick={() => setOpen(!open)}>
        {t('designer.testInstance.open', { version })}
      </button>
      {open && (
        <form
          id={formId}
          class="test-instance-form"
          aria-label={t('designer.testInstance.title', { key: definitionKey, version })}
          onSubmit={(e) => void submit(e)}
        >
          <strong>{t('designer.testInstance.title', { key: definitionKey, version })}</strong>
          <label for={`${formId}-bk`}>{t('designer.testInstance.businessKey')}</label>
          <input
            id={`${formId}-bk`}
            value={businessKey}
            maxLength={200}
            onInput={(e) => setBusinessKey(e.currentTarget.value)}
          />
          <label for={`${formId}-vars`}>{t('designer.testInstance.variables')}</label>
          <textarea
            id={`${formId}-vars`}
            value={variables}
            placeholder='{"amount": 100}'
            aria-invalid={error === t('designer.testInstance.variablesInvalid')}
            onInput={(e) => setVariables(e.currentTarget.value)}
          />
          {error && (
            <p role="alert" class="form-error">
              {error}
            </p>
          )}
          <div class="versions-toolbar">
            <button type="submit" disabled={busy}>
              {busy
                ? t('designer.testInstance.starting')
                : t(monitor ? 'designer.testInstance.start' : 'designer.testInstance.startOnly')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('designer.testInstance.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

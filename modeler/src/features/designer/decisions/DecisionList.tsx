import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../../../app/router';
import { formatDateTime, useT } from '../../../lib/i18n';
import { PROCESS_KEY } from '../blank';
import { decisionApi, type DecisionDefinition } from './api';

const open = (key: string) => `#/designer-dmn/${encodeURIComponent(key)}`;

/** The designer home's decisions: the latest version of each, and a new decision table. */
export function DecisionList() {
  const t = useT();
  const [decisions, setDecisions] = useState<DecisionDefinition[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);

  useEffect(() => {
    decisionApi
      .latest()
      .then(setDecisions)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  function create(e: Event) {
    e.preventDefault();
    const k = key.trim();
    // A decision id is an XML id the same way a process key is: one rule for both.
    if (!PROCESS_KEY.test(k)) return setKeyError(t('designer.home.badKey'));
    const query = name.trim() ? `?name=${encodeURIComponent(name.trim())}` : '';
    navigate(`/designer-dmn/${encodeURIComponent(k)}${query}`);
  }

  return (
    <section class="designer-decisions" aria-labelledby="designer-decisions-title">
      <h2 id="designer-decisions-title">{t('designer.dmn.home.title')}</h2>
      <p class="hint">{t('designer.dmn.home.hint')}</p>
      {error && (
        <p role="alert" class="form-error">
          {t('designer.error', { message: error })}
        </p>
      )}
      {decisions && decisions.length === 0 && <p>{t('designer.dmn.home.none')}</p>}
      {decisions && decisions.length > 0 && (
        <div class="table-wrap">
          <table aria-label={t('designer.dmn.home.title')}>
            <thead>
              <tr>
                <th>{t('designer.home.colKey')}</th>
                <th>{t('designer.home.colName')}</th>
                <th>{t('designer.dmn.home.colVersion')}</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((d) => (
                <tr key={d.key}>
                  <td>
                    <a href={open(d.key)}>{d.key}</a>
                  </td>
                  <td>{d.name}</td>
                  <td>
                    {t('designer.dmn.home.deployedBy', {
                      version: d.version,
                      user: d.deployedBy,
                      time: formatDateTime(d.deployedAt),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="designer-new" onSubmit={create} aria-labelledby="designer-dmn-new-title">
        <h3 id="designer-dmn-new-title">{t('designer.dmn.home.new')}</h3>
        <label class="field">
          <span>{t('designer.dmn.home.key')}</span>
          <input
            value={key}
            required
            aria-describedby="designer-dmn-key-hint"
            aria-invalid={keyError ? true : undefined}
            onInput={(e) => {
              setKey(e.currentTarget.value);
              setKeyError(null);
            }}
          />
        </label>
        <label class="field">
          <span>{t('designer.dmn.home.name')}</span>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('designer.dmn.home.create')}</button>
        <p id="designer-dmn-key-hint" class="hint">
          {t('designer.dmn.home.keyHint')}
        </p>
        {keyError && (
          <p role="alert" class="form-error">
            {keyError}
          </p>
        )}
      </form>
    </section>
  );
}

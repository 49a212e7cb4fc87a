import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../../app/router';
import { formatDateTime, useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { designerApi, type DefinitionSummary, type DraftSummary } from './api';
import { PROCESS_KEY } from './blank';
import { DecisionList } from './decisions/DecisionList';
import './designer.css';

/** `#/designer` — drafts, deployed processes, a new process, and the decision tables. */
export function DesignerHome() {
  const t = useT();
  const { can } = useSession();
  const [drafts, setDrafts] = useState<DraftSummary[] | null>(null);
  const [deployed, setDeployed] = useState<DefinitionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([designerApi.drafts(), designerApi.definitions()])
      .then(([d, p]) => {
        setDrafts(d);
        setDeployed(p);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  if (!can('deployment', 'create')) return <p class="page">{t('designer.page.forbidden')}</p>;

  function create(e: Event) {
    e.preventDefault();
    const k = key.trim();
    if (!PROCESS_KEY.test(k)) return setKeyError(t('designer.home.badKey'));
    const query = name.trim() ? `?name=${encodeURIComponent(name.trim())}` : '';
    navigate(`/designer/${encodeURIComponent(k)}${query}`);
  }

  const open = (k: string) => `#/designer/${encodeURIComponent(k)}`;

  return (
    <section class="page designer-home" aria-labelledby="designer-home-title">
      <h1 id="designer-home-title">{t('designer.title')}</h1>
      {error && (
        <p role="alert" class="form-error">
          {t('designer.error', { message: error })}
        </p>
      )}
      <form class="designer-new" onSubmit={create} aria-labelledby="designer-new-title">
        <h2 id="designer-new-title">{t('designer.home.new')}</h2>
        <label class="field">
          <span>{t('designer.home.key')}</span>
          <input
            value={key}
            required
            aria-describedby="designer-key-hint"
            aria-invalid={keyError ? true : undefined}
            onInput={(e) => {
              setKey(e.currentTarget.value);
              setKeyError(null);
            }}
          />
        </label>
        <label class="field">
          <span>{t('designer.home.name')}</span>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t('designer.home.create')}
        </button>
        <p id="designer-key-hint" class="hint">
          {t('designer.home.keyHint')}
        </p>
        {keyError && (
          <p role="alert" class="form-error">
            {keyError}
          </p>
        )}
      </form>

      <h2>{t('designer.home.drafts')}</h2>
      {drafts && drafts.length === 0 && <p>{t('designer.home.noDrafts')}</p>}
      {drafts && drafts.length > 0 && (
        <div class="table-wrap">
          <table aria-label={t('designer.home.drafts')}>
            <thead>
              <tr>
                <th>{t('designer.home.colKey')}</th>
                <th>{t('designer.home.colName')}</th>
                <th>{t('designer.home.colState')}</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d) => (
                <tr key={d.key}>
                  <td>
                    <a href={open(d.key)}>{d.key}</a>
                  </td>
                  <td>{d.name}</td>
                  <td>
                    {d.baseVersion
                      ? t('designer.home.basedOn', { version: d.baseVersion })
                      : t('designer.home.newProcess')}
                    {' · '}
                    {t('designer.home.updated', { user: d.updatedBy, time: formatDateTime(d.updatedAt) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('designer.home.deployed')}</h2>
      {deployed && deployed.length === 0 && <p>{t('designer.home.noDeployed')}</p>}
      {deployed && deployed.length > 0 && (
        <div class="table-wrap">
          <table aria-label={t('designer.home.deployed')}>
            <thead>
              <tr>
                <th>{t('designer.home.colKey')}</th>
                <th>{t('designer.home.colName')}</th>
                <th>{t('designer.home.colState')}</th>
                <th>{t('designer.home.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {deployed.map((p) => (
                <tr key={p.key}>
                  <td>
                    <a href={open(p.key)}>{p.key}</a>
                  </td>
                  <td>{p.name}</td>
                  <td>
                    {t('designer.home.deployedBy', {
                      version: p.version,
                      user: p.deployedBy,
                      time: formatDateTime(p.deployedAt),
                    })}
                  </td>
                  <td>
                    <a href={`${open(p.key)}/versions`}>{t('designer.home.versions')}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <DecisionList />
    </section>
  );
}

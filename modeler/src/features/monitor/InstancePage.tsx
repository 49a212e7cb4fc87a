import { useCallback, useEffect, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import { subscribe } from '../../lib/realtime';
import { formatDuration, monitoringApi, type InstanceView } from './api';
import { ProcessDiagram } from './ProcessDiagram';
import './monitor.css';

/** One instance (issue 8 §5): timeline with actors and times, variables, incidents with retry, path taken. */
export function InstancePage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const id = params.id ?? '';
  const [view, setView] = useState<InstanceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    monitoringApi
      .instance(id)
      .then((v) => (setView(v), setError(null)))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [id]);
  useEffect(() => {
    load();
    return subscribe(`instance:${id}`, () => load(), { onResync: load });
  }, [id, load]);

  const retry = async (incidentId: string) => {
    try {
      await monitoringApi.retryIncident(incidentId);
      setNotice(t('monitor.instance.retried'));
      load();
    } catch (err) {
      setNotice(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section class="page monitor">
      <p>
        <a href="#/monitor">{t('monitor.instance.back')}</a>
      </p>
      <h1>
        {t('monitor.instance.title')} {view?.instance.businessKey ?? id.slice(0, 8)}
      </h1>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!view && !error && <p class="loading">{t('app.loading')}</p>}
      {view && (
        <>
          <p>
            {view.instance.definitionKey} v{view.instance.definitionVersion} · {view.instance.departmentId} ·{' '}
            {t('monitor.instance.status', { status: t(`monitor.status.${view.instance.status}`) })}
          </p>
          {view.diagram.xml && (
            <section class="monitor-card" aria-labelledby="instance-path">
              <h2 id="instance-path">{t('monitor.instance.path')}</h2>
              <ProcessDiagram
                xml={view.diagram.xml}
                done={view.path.completedElementIds}
                active={view.path.activeElementIds}
                label={t('monitor.instance.path')}
              />
            </section>
          )}
          <section class="monitor-card" aria-labelledby="instance-timeline">
            <h2 id="instance-timeline">{t('monitor.instance.timeline')}</h2>
            <div class="table-wrap">
              <table class="grid">
                <thead>
                  <tr>
                    <th scope="col">{t('monitor.col.step')}</th>
                    <th scope="col">{t('monitor.col.actor')}</th>
                    <th scope="col">{t('monitor.col.start')}</th>
                    <th scope="col">{t('monitor.col.end')}</th>
                    <th scope="col">{t('monitor.col.duration')}</th>
                    <th scope="col">{t('monitor.col.waiting')}</th>
                    <th scope="col">{t('monitor.col.working')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.timeline.map((s, i) => (
                    <tr key={`${s.elementId}-${i}`} class={s.task?.breached ? 'alert-breached' : undefined}>
                      <th scope="row">{s.name}</th>
                      <td>{s.actor ?? '—'}</td>
                      <td>{formatDateTime(s.startedAt)}</td>
                      <td>{formatDateTime(s.endedAt)}</td>
                      <td>{formatDuration(s.durationMs)}</td>
                      <td>{formatDuration(s.task?.waitingMs)}</td>
                      <td>{formatDuration(s.task?.workingMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section class="monitor-card" aria-labelledby="instance-incidents">
            <h2 id="instance-incidents">{t('monitor.instance.incidents')}</h2>
            {notice && <p role="status">{notice}</p>}
            {view.incidents.length === 0 ? (
              <p class="empty">{t('monitor.instance.noIncidents')}</p>
            ) : (
              <ul class="monitor-incidents">
                {view.incidents.map((n) => (
                  <li key={n.id}>
                    <strong>{n.elementId ?? n.type}</strong> · {formatDateTime(n.createdAt)} · {n.status}
                    <pre>{n.message}</pre>
                    {n.retryable && (
                      <button type="button" class="small" onClick={() => void retry(n.id)}>
                        {t('monitor.instance.retry')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="monitor-card" aria-labelledby="instance-variables">
            <h2 id="instance-variables">{t('monitor.instance.variables')}</h2>
            <div class="table-wrap">
              <table class="grid">
                <thead>
                  <tr>
                    <th scope="col">{t('monitor.col.name')}</th>
                    <th scope="col">{t('monitor.col.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(view.variables).map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>
                        <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </section>
  );
}

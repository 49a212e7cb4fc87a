import { useState } from 'preact/hooks';
import { ApiError } from '../../lib/api';
import { formatDateTime, useT } from '../../lib/i18n';
import { monitoringApi, type AlertRow, type Alerts } from './api';

const HORIZONS = ['PT1H', 'PT4H', 'PT8H', 'P1D', 'P3D'];

/** SLA alerts, live: breached and due-soon tasks, acknowledged or reassigned from here. */
export function AlertsPanel(props: {
  alerts: Alerts | null;
  horizon: string;
  onHorizon: (h: string) => void;
  onChanged: () => void;
}) {
  const t = useT();
  const { alerts } = props;
  return (
    <section class="monitor-card" aria-labelledby="monitor-alerts">
      <h2 id="monitor-alerts">{t('monitor.alerts')}</h2>
      <label>
        {t('monitor.alerts.horizon')}
        <select value={props.horizon} onChange={(e) => props.onHorizon(e.currentTarget.value)}>
          {HORIZONS.map((h) => (
            <option key={h} value={h}>
              {t(`monitor.alerts.horizon.${h}`)}
            </option>
          ))}
        </select>
      </label>
      {alerts && (
        <p role="status" data-testid="alerts-summary">
          {t('monitor.alerts.summary', { breached: alerts.breached, dueSoon: alerts.dueSoon })}
        </p>
      )}
      {alerts && alerts.tasks.length === 0 && <p class="empty">{t('monitor.alerts.none')}</p>}
      {alerts && alerts.tasks.length > 0 && (
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">{t('monitor.col.kind')}</th>
                <th scope="col">{t('monitor.col.task')}</th>
                <th scope="col">{t('monitor.col.businessKey')}</th>
                <th scope="col">{t('monitor.col.assignee')}</th>
                <th scope="col">{t('monitor.col.due')}</th>
                <th scope="col">{t('monitor.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.tasks.map((a) => (
                <AlertLine key={`${a.taskId}:${a.kind}`} alert={a} onChanged={props.onChanged} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AlertLine({ alert, onChanged }: { alert: AlertRow; onChanged: () => void }) {
  const t = useT();
  const [assignee, setAssignee] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>, done: string | null) => {
    try {
      await work();
      setMessage(done);
      onChanged();
    } catch (err) {
      setMessage(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    }
  };
  const inputId = `reassign-${alert.taskId}`;
  return (
    <tr class={`alert-${alert.kind}`}>
      <td>
        <span class={`tag tag-${alert.kind}`}>{t(`monitor.alert.${alert.kind}`)}</span>
      </td>
      <td>{alert.name}</td>
      <td>
        <a href={`#/monitor/instances/${alert.instanceId}`}>{alert.businessKey ?? alert.instanceId.slice(0, 8)}</a>
      </td>
      <td>{alert.assigneeName ?? alert.assignee ?? '—'}</td>
      <td>{formatDateTime(alert.dueAt)}</td>
      <td class="actions">
        {alert.acknowledgedBy ? (
          <span>{t('monitor.alert.acked', { by: alert.acknowledgedBy })}</span>
        ) : (
          <button
            type="button"
            class="small"
            onClick={() => void run(() => monitoringApi.acknowledge(alert.taskId), null)}
          >
            {t('monitor.alert.ack')}
          </button>
        )}
        <label for={inputId} class="visually-hidden">
          {t('monitor.alert.reassignTo')}
        </label>
        <input
          id={inputId}
          class="small"
          value={assignee}
          placeholder={t('monitor.alert.reassignTo')}
          onInput={(e) => setAssignee(e.currentTarget.value)}
        />
        <button
          type="button"
          class="small"
          disabled={!assignee.trim()}
          onClick={() =>
            void run(
              () => monitoringApi.reassign(alert.taskId, assignee.trim()),
              t('monitor.alert.reassigned', { user: assignee.trim() }),
            )
          }
        >
          {t('monitor.alert.reassign')}
        </button>
        {message && <span role="status">{message}</span>}
      </td>
    </tr>
  );
}

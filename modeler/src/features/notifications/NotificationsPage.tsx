import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { codeLabel, formatDateTime, useT } from '../../lib/i18n';
import { rooms, subscribe } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import type { List } from '../../../../server/lib/contract';
import type { Notification, NotificationTemplateItem } from '../../../../server/notifications/notification.contract';
import './notifications.css';

interface Criteria {
  accountNo: string;
  template: string;
  status: string;
}

const PAGE = 50;
const STATUSES = ['sent', 'pending', 'failed'] as const;

/**
 * The notices the processes sent to customers, newest first, as far as the user's departments
 * reach (`notification:read`). With the development gateway this is the outbox a demo shows: it
 * grows live as processes send (the `notification:sent` events of the user's department room).
 */
export function NotificationsPage() {
  const t = useT();
  const { user, can } = useSession();
  const [templates, setTemplates] = useState<string[]>([]);
  const [draft, setDraft] = useState<Criteria>({ accountNo: '', template: '', status: '' });
  const [criteria, setCriteria] = useState<Criteria>(draft);
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<Notification[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<List<NotificationTemplateItem>>('/notifications/templates')
      .then((r) => setTemplates(r.items.map((i) => i.code)))
      .catch(() => setTemplates([]));
  }, []);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string | number> = { offset, limit: PAGE };
      if (criteria.accountNo.trim()) query.accountNo = criteria.accountNo.trim();
      if (criteria.template) query.template = criteria.template;
      if (criteria.status) query.status = criteria.status;
      const page = await api.get<List<Notification>>('/notifications', query);
      setRows(page.items);
      setHasMore(page.hasMore);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [criteria, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live: a notice sent in my department shows up without a reload (at most one reload a second).
  const reload = useRef(load);
  reload.current = load;
  useEffect(() => {
    if (!user?.departmentId) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe(
      rooms.department(user.departmentId),
      (event) => {
        if (!event.topic.startsWith('notification:') || timer) return;
        timer = setTimeout(() => {
          timer = null;
          void reload.current();
        }, 300);
      },
      { onResync: () => void reload.current() },
    );
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [user?.departmentId]);

  const templateName = (code: string) => codeLabel(t, 'notifications.template', code);

  return (
    <section class="page notifications">
      <h1>{t('notifications.title')}</h1>
      <p class="muted">{t('notifications.intro')}</p>
      <form
        class="notifications-filters"
        aria-label={t('notifications.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setCriteria({ ...draft });
        }}
      >
        <label>
          {t('notifications.accountNo')}
          <input
            type="search"
            value={draft.accountNo}
            maxLength={64}
            onInput={(e) => setDraft({ ...draft, accountNo: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('notifications.template')}
          <select value={draft.template} onChange={(e) => setDraft({ ...draft, template: e.currentTarget.value })}>
            <option value="">{t('notifications.all')}</option>
            {templates.map((code) => (
              <option key={code} value={code}>
                {templateName(code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('notifications.status')}
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">{t('notifications.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`notifications.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t('notifications.apply')}
        </button>
      </form>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!rows && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {rows && rows.length === 0 && <p class="empty">{t('notifications.empty')}</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="grid notifications-table" aria-label={t('notifications.title')}>
            <thead>
              <tr>
                <th scope="col">{t('notifications.col.time')}</th>
                <th scope="col">{t('notifications.col.account')}</th>
                <th scope="col">{t('notifications.col.template')}</th>
                <th scope="col">{t('notifications.col.channel')}</th>
                <th scope="col">{t('notifications.col.recipient')}</th>
                <th scope="col">{t('notifications.col.body')}</th>
                <th scope="col">{t('notifications.col.status')}</th>
                <th scope="col">{t('notifications.col.instance')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((n) => (
                <tr key={n.id} data-notification-id={n.id}>
                  <td>{formatDateTime(n.createdAt)}</td>
                  <td class="notification-mono">{n.accountNo ?? '—'}</td>
                  <td>{templateName(n.template)}</td>
                  <td>{t(`notifications.channel.${n.channel}`)}</td>
                  <td class="notification-mono">{n.recipient || '—'}</td>
                  <td class="notification-body">{n.body}</td>
                  <td title={n.error ?? t('notifications.gateway', { gateway: n.gateway })}>
                    <span class={`notification-status notification-${n.status}`}>
                      {t(`notifications.status.${n.status}`)}
                    </span>
                  </td>
                  <td>
                    {n.instanceId && can('dashboard', 'read') ? (
                      <a href={`#/monitor/instances/${n.instanceId}`}>{t('notifications.openInstance')}</a>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows && (offset > 0 || hasMore) && (
        <div class="pager">
          <span>{t('notifications.range', { from: offset + 1, to: offset + rows.length })}</span>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('notifications.previous')}
          </button>
          <button type="button" disabled={!hasMore} onClick={() => setOffset(offset + PAGE)}>
            {t('notifications.next')}
          </button>
        </div>
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { API_BASE, api } from '../../lib/api';
import { formatDateTime, useT } from '../../lib/i18n';
import type { List } from '../../../../server/lib/contract';
import type { AuditEntry } from '../../../../server/identity/audit-entry.contract';
import type { User } from '../../../../server/identity/user.contract';
import { failure, type Organisation } from './names';

const PAGE = 50;
/** Action families staff look for; any other action can be typed. */
const FAMILIES = [
  'auth',
  'user',
  'permission',
  'role',
  'department',
  'token',
  'task',
  'deployment',
  'instance',
  'audit',
];

interface Filter {
  actorId: string;
  action: string;
  objectType: string;
  objectId: string;
  from: string;
  to: string;
}

/** `datetime-local` values are local time; the API takes instants. */
function toQuery(f: Filter): Record<string, string | undefined> {
  const at = (v: string) => (v ? new Date(v).toISOString() : undefined);
  return {
    actorId: f.actorId || undefined,
    action: f.action.trim() || undefined,
    objectType: f.objectType.trim() || undefined,
    objectId: f.objectId.trim() || undefined,
    from: at(f.from),
    to: at(f.to),
  };
}

/** The audit log with filters (user, action, object, time), paging and the same rows as CSV. */
export function AuditPanel({ org }: { org: Organisation }) {
  const t = useT();
  const [filter, setFilter] = useState<Filter>({
    actorId: '',
    action: '',
    objectType: '',
    objectId: '',
    from: '',
    to: '',
  });
  const [applied, setApplied] = useState<Filter>(filter);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<List<AuditEntry> | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<List<User>>('/admin/users', { limit: 200 })
      .then((r) => setUsers(r.items))
      .catch(() => setUsers([]));
  }, []);
  useEffect(() => {
    // Only the answer for the filter and page now shown counts: the first, unfiltered page of a
    // long log may answer after the filtered one asked right behind it, and would replace it.
    let current = true;
    api
      .get<List<AuditEntry>>('/admin/audit-log', { ...toQuery(applied), offset, limit: PAGE })
      .then((r) => {
        if (!current) return;
        setPage(r);
        setError(null);
      })
      .catch((err: unknown) => {
        if (current) setError(failure(err));
      });
    return () => {
      current = false;
    };
  }, [applied, offset]);

  const csvQuery = new URLSearchParams(
    Object.entries(toQuery(applied)).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();
  const csvHref = `${API_BASE}/admin/audit-log.csv${csvQuery ? `?${csvQuery}` : ''}`;
  const set = (k: keyof Filter) => (e: { currentTarget: { value: string } }) =>
    setFilter({ ...filter, [k]: e.currentTarget.value });

  return (
    <section aria-labelledby="admin-audit">
      <h2 id="admin-audit">{t('admin.section.audit')}</h2>
      <form
        class="admin-filters"
        aria-label={t('admin.audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(filter);
        }}
      >
        <label>
          {t('admin.audit.user')}
          <select value={filter.actorId} onChange={set('actorId')}>
            <option value="">{t('admin.all')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.action')}
          <input list="audit-families" value={filter.action} onInput={set('action')} placeholder="task.claim" />
          <datalist id="audit-families">
            {FAMILIES.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
        </label>
        <label>
          {t('admin.audit.objectType')}
          <input value={filter.objectType} onInput={set('objectType')} placeholder="user" />
        </label>
        <label>
          {t('admin.audit.objectId')}
          <input value={filter.objectId} onInput={set('objectId')} />
        </label>
        <label>
          {t('admin.audit.from')}
          <input type="datetime-local" value={filter.from} onInput={set('from')} />
        </label>
        <label>
          {t('admin.audit.to')}
          <input type="datetime-local" value={filter.to} onInput={set('to')} />
        </label>
        <button type="submit" class="primary">
          {t('admin.audit.apply')}
        </button>
        <a class="button" href={csvHref} download="audit-log.csv">
          {t('admin.audit.csv')}
        </a>
      </form>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!page && !error && <p class="loading">{t('app.loading')}</p>}
      {page && page.items.length === 0 && <p class="empty">{t('admin.audit.empty')}</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="grid compact" data-testid="admin-audit">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.at')}</th>
                <th scope="col">{t('admin.audit.user')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.object')}</th>
                <th scope="col">{t('admin.department')}</th>
                <th scope="col">{t('admin.audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actorName ?? '—'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.objectType ?? ''} {e.objectId && <code>{e.objectId}</code>}
                  </td>
                  <td>{e.departmentId ? org.departmentName(e.departmentId) : '—'}</td>
                  <td class="admin-details">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (
        <div class="pager">
          <span>
            {t(page.totalCapped ? 'admin.rangeCapped' : 'admin.range', {
              from: page.total === 0 ? 0 : offset + 1,
              to: offset + page.items.length,
              total: page.total,
            })}
          </span>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('admin.prev')}
          </button>
          <button type="button" disabled={!page.hasMore} onClick={() => setOffset(offset + PAGE)}>
            {t('admin.next')}
          </button>
        </div>
      )}
    </section>
  );
}

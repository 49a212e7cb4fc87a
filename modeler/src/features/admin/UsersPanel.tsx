import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { formatDateTime, useT } from '../../lib/i18n';
import type { List } from '../../../../server/lib/contract';
import type { User } from '../../../../server/identity/user.contract';
import { departmentOptions, failure, type Organisation } from './names';
import { CreateUserDialog, UserDialog } from './UserDialog';

const PAGE = 50;

export function isLocked(user: User): boolean {
  return !!user.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now();
}

/** Users with their department and roles by name, searchable, each opened in a dialog to manage. */
export function UsersPanel({ org }: { org: Organisation }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<List<User> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<User | null>(null);
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const timer = setTimeout(() => {
      api
        .get<List<User>>('/admin/users', {
          q: q.trim() || undefined,
          departmentId: departmentId || undefined,
          offset,
          limit: PAGE,
        })
        .then((r) => {
          setPage(r);
          setError(null);
        })
        .catch((err: unknown) => setError(failure(err)));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, departmentId, offset, version]);

  const reload = () => setVersion((v) => v + 1);
  const status = (u: User) =>
    !u.active
      ? t('admin.active.no')
      : isLocked(u)
        ? t('admin.lockedUntil', { time: formatDateTime(u.lockedUntil) })
        : t('admin.active.yes');

  return (
    <section aria-labelledby="admin-users">
      <div class="admin-toolbar">
        <h2 id="admin-users">{t('admin.users')}</h2>
        <label>
          {t('admin.search')}
          <input
            type="search"
            value={q}
            placeholder={t('admin.search.placeholder')}
            onInput={(e) => {
              setQ(e.currentTarget.value);
              setOffset(0);
            }}
          />
        </label>
        <label>
          {t('admin.department')}
          <select
            value={departmentId}
            onChange={(e) => {
              setDepartmentId(e.currentTarget.value);
              setOffset(0);
            }}
          >
            <option value="">{t('admin.all')}</option>
            {departmentOptions(org).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          {t('admin.user.create')}
        </button>
      </div>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!page && !error && <p class="loading">{t('app.loading')}</p>}
      {page && page.items.length === 0 && <p class="empty">{t('admin.empty')}</p>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="grid" data-testid="admin-users">
            <thead>
              <tr>
                <th scope="col">{t('admin.username')}</th>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.department')}</th>
                <th scope="col">{t('admin.roles')}</th>
                <th scope="col">{t('admin.active')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((u) => (
                <tr key={u.id} class={!u.active || isLocked(u) ? 'admin-inactive' : undefined}>
                  <td>{u.username}</td>
                  <td>{u.displayName}</td>
                  <td>{org.departmentName(u.departmentId)}</td>
                  <td>
                    {u.roles.map((r) => (
                      <span
                        key={`${r.role}@${r.departmentId}`}
                        class="admin-chip"
                        title={`${r.role} @ ${r.departmentId}`}
                      >
                        {t('admin.roleIn', {
                          role: org.roleName(r.role),
                          department: org.departmentName(r.departmentId),
                        })}
                      </span>
                    ))}
                  </td>
                  <td>{status(u)}</td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      aria-label={t('admin.user.manageOf', { name: u.displayName })}
                      onClick={() => setEditing(u)}
                    >
                      {t('admin.user.manage')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (
        <div class="pager">
          <span>
            {t('admin.range', {
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
      {creating && (
        <CreateUserDialog
          org={org}
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            reload();
            setEditing(u);
          }}
        />
      )}
      {editing && (
        <UserDialog
          org={org}
          user={editing}
          onChanged={(u) => {
            setEditing(u);
            reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { useT } from '../../lib/i18n';
import type { List } from '../../../../server/lib/contract';
import type { User } from '../../../../server/identity/user.contract';
import { ExternalNamesPanel } from './ExternalNamesPanel';
import './admin.css';

/** Minimal administration: who can log in, with which roles (editing stays in the API for now). */
export function AdminPage() {
  const t = useT();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<List<User>>('/admin/users', { limit: 200 })
      .then((r) => setUsers(r.items))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  return (
    <section class="page">
      <h1>{t('admin.title')}</h1>
      <p>
        <a href="/api/docs">{t('admin.apiDocs')}</a>
      </p>
      <h2>{t('admin.users')}</h2>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!users && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {users && users.length === 0 && <p class="empty">{t('admin.empty')}</p>}
      {users && users.length > 0 && (
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">{t('admin.username')}</th>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.roles')}</th>
                <th scope="col">{t('admin.active')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.displayName}</td>
                  <td>{[...new Set(u.roles.map((r) => r.role))].join(', ')}</td>
                  <td>{u.active ? t('admin.active.yes') : t('admin.active.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users && <ExternalNamesPanel users={users} />}
    </section>
  );
}

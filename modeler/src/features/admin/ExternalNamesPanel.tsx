import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../lib/api';
import { getLocale, useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { List } from '../../../../server/lib/contract';
import type { ExternalName } from '../../../../server/identity/external-name.contract';
import type { Role } from '../../../../server/identity/role.contract';
import type { User } from '../../../../server/identity/user.contract';
import { nameFor } from '../../lib/bilingual';

type Kind = ExternalName['kind'];

/** A role's name in the page's language (roles carry a Chinese name and an optional English one). */
function roleName(name: string, nameEn: string | null): string {
  return nameFor(getLocale(), name, nameEn);
}

/** The section of the administration page: the panel with the users it maps to. */
export function ExternalNamesSection() {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    api
      .get<List<User>>('/admin/users', { limit: 200 })
      .then((r) => setUsers(r.items))
      .catch(() => setUsers([]));
  }, []);
  return <ExternalNamesPanel users={users} />;
}

/**
 * External names: the group names and user ids of processes written for Camunda 7, each mapped
 * to a role or a user of ours (POST /admin/external-names). Tasks naming them become the role's
 * and the user's at once, open ones included.
 */
export function ExternalNamesPanel({ users }: { users: User[] }) {
  const t = useT();
  const [items, setItems] = useState<ExternalName[] | null>(null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [kind, setKind] = useState<Kind>('group');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function load() {
    api
      .get<List<ExternalName>>('/admin/external-names')
      .then((r) => setItems(r.items))
      .catch((err: unknown) => showToast('error', t('app.error', { message: String(err) })));
  }
  useEffect(() => {
    load();
    api
      .get<List<Role>>('/admin/roles')
      .then((r) => setRoles(r.items))
      .catch(() => setRoles([]));
  }, []);

  async function add(e: Event) {
    e.preventDefault();
    setBusy(true);
    setFieldError(null);
    try {
      const body =
        kind === 'group'
          ? { kind, externalName: name, roleCode: target }
          : { kind, externalName: name, username: target };
      const created = await api.post<ExternalName>('/admin/external-names', body);
      showToast(
        'success',
        created.tasksReassigned
          ? t('admin.external.added.tasks', { name: created.externalName, count: created.tasksReassigned })
          : t('admin.external.added', { name: created.externalName }),
      );
      setName('');
      load();
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setFieldError(err.details[0]?.message ?? err.message);
      else setFieldError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(item: ExternalName) {
    try {
      await api.delete(`/admin/external-names/${item.id}`);
      showToast('success', t('admin.external.removed', { name: item.externalName }));
      load();
    } catch (err) {
      showToast('error', t('app.error', { message: err instanceof Error ? err.message : String(err) }));
    }
  }

  const targets =
    kind === 'group'
      ? roles.map((r) => ({ value: r.code, label: `${roleName(r.name, r.nameEn)} (${r.code})` }))
      : users.filter((u) => u.active).map((u) => ({ value: u.username, label: `${u.displayName} (${u.username})` }));

  return (
    <section aria-labelledby="external-names-title" data-testid="external-names">
      <h2 id="external-names-title">{t('admin.external.title')}</h2>
      <p class="muted">{t('admin.external.intro')}</p>
      <form class="external-name-form" onSubmit={(e) => void add(e)}>
        <label>
          {t('admin.external.kind')}
          <select
            value={kind}
            onChange={(e) => {
              setKind(e.currentTarget.value as Kind);
              setTarget('');
            }}
          >
            <option value="group">{t('admin.external.kind.group')}</option>
            <option value="user">{t('admin.external.kind.user')}</option>
          </select>
        </label>
        <label>
          {t('admin.external.name')}
          <input
            required
            maxLength={100}
            value={name}
            placeholder={kind === 'group' ? 'management' : 'demo'}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          {kind === 'group' ? t('admin.external.role') : t('admin.external.user')}
          <select required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">{t('admin.external.choose')}</option>
            {targets.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t('admin.external.add')}
        </button>
        {fieldError && (
          <p class="field-error" role="alert">
            {fieldError}
          </p>
        )}
      </form>
      {!items && <p aria-busy="true">{t('app.loading')}</p>}
      {items && items.length === 0 && <p class="empty">{t('admin.external.empty')}</p>}
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">{t('admin.external.kind')}</th>
                <th scope="col">{t('admin.external.name')}</th>
                <th scope="col">{t('admin.external.means')}</th>
                <th scope="col">{t('admin.external.by')}</th>
                <th scope="col">{t('admin.external.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{t(`admin.external.kind.${item.kind}`)}</td>
                  <td>
                    <code>{item.externalName}</code>
                  </td>
                  <td>
                    {item.kind === 'group'
                      ? `${roleName(item.roleName ?? '', item.roleNameEn)} (${item.roleCode ?? ''})`
                      : `${item.userDisplayName ?? ''} (${item.username ?? ''})`}
                  </td>
                  <td>{item.createdBy}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      aria-label={t('admin.external.removeOf', { name: item.externalName })}
                      onClick={() => void remove(item)}
                    >
                      {t('admin.external.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

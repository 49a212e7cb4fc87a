import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { useT, type Translate } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { List } from '../../../../server/lib/contract';
import type { Policy } from '../../../../server/identity/role.contract';
import { PERMISSIONS } from '../../../../permissions/roles';
import { departmentOptions, failure, type Organisation } from './names';

interface Preview {
  role: string;
  departmentId: string;
  departmentIds: string[];
  grants: { object: string; action: string; allowed: boolean }[];
}

/** "审批 任务" rather than task:reassign: the object and the action in words. */
export function grantName(t: Translate, object: string, action: string): string {
  const o = object === '*' ? t('admin.perm.all') : t(`admin.perm.${object}`);
  const a = action === '*' ? t('admin.act.all') : t(`admin.act.${action}`);
  return t('admin.grant', { object: o, action: a });
}

/** The policy as a table of roles and what each may do, grants added and withdrawn, and a preview. */
export function PoliciesPanel({ org }: { org: Organisation }) {
  const t = useT();
  const [policies, setPolicies] = useState<Policy[] | null>(null);
  const [version, setVersion] = useState(0);
  const [grant, setGrant] = useState({ role: '', object: '', action: '' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<List<Policy>>('/admin/policies')
      .then((r) => setPolicies(r.items))
      .catch((err: unknown) => setError(failure(err)));
  }, [version]);

  async function run(call: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await call();
      showToast('success', done);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(failure(err));
    }
  }

  const byRole = org.roles.map((r) => ({ role: r, rows: (policies ?? []).filter((p) => p.role === r.code) }));
  const actions = grant.object ? ((PERMISSIONS as Record<string, readonly string[]>)[grant.object] ?? []) : [];
  return (
    <section aria-labelledby="admin-policies">
      <h2 id="admin-policies">{t('admin.section.policies')}</h2>
      <p class="hint">{t('admin.policy.intro')}</p>
      <PolicyPreview org={org} version={version} />
      <h3>{t('admin.policy.table')}</h3>
      <form
        class="admin-inline"
        aria-label={t('admin.policy.add')}
        onSubmit={(e) => {
          e.preventDefault();
          void run(
            () => api.post('/admin/policies', grant),
            t('admin.policy.added', {
              role: org.roleName(grant.role),
              grant: grantName(t, grant.object, grant.action),
            }),
          );
        }}
      >
        <label for="policy-role">{t('admin.role')}</label>
        <select
          id="policy-role"
          required
          value={grant.role}
          onChange={(e) => setGrant({ ...grant, role: e.currentTarget.value })}
        >
          <option value="">{t('admin.choose')}</option>
          {org.roles.map((r) => (
            <option key={r.code} value={r.code}>
              {org.roleName(r.code)}
            </option>
          ))}
        </select>
        <label for="policy-object">{t('admin.policy.object')}</label>
        <select
          id="policy-object"
          required
          value={grant.object}
          onChange={(e) => setGrant({ ...grant, object: e.currentTarget.value, action: '' })}
        >
          <option value="">{t('admin.choose')}</option>
          {Object.keys(PERMISSIONS).map((o) => (
            <option key={o} value={o}>
              {t(`admin.perm.${o}`)}
            </option>
          ))}
        </select>
        <label for="policy-action">{t('admin.policy.action')}</label>
        <select
          id="policy-action"
          required
          value={grant.action}
          onChange={(e) => setGrant({ ...grant, action: e.currentTarget.value })}
        >
          <option value="">{t('admin.choose')}</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {t(`admin.act.${a}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('admin.policy.add')}</button>
      </form>
      {error && (
        <p role="alert" class="form-error">
          {error}
        </p>
      )}
      {!policies && !error && <p class="loading">{t('app.loading')}</p>}
      {policies && (
        <div class="table-wrap">
          <table class="grid" data-testid="admin-policies">
            <thead>
              <tr>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.policy.grants')}</th>
              </tr>
            </thead>
            <tbody>
              {byRole.map(({ role, rows }) => (
                <tr key={role.code}>
                  <th scope="row">{org.roleName(role.code)}</th>
                  <td>
                    {rows.length === 0 && <span class="muted">{t('admin.policy.none')}</span>}
                    {rows.map((p) => {
                      const name = grantName(t, p.object, p.action);
                      return (
                        <span key={`${p.object}:${p.action}`} class="admin-chip" title={`${p.object}:${p.action}`}>
                          {name}
                          <button
                            type="button"
                            class="admin-chip-remove"
                            aria-label={t('admin.policy.removeOf', { role: org.roleName(role.code), grant: name })}
                            onClick={() =>
                              void run(
                                () => api.delete('/admin/policies', p),
                                t('admin.policy.removed', { role: org.roleName(role.code), grant: name }),
                              )
                            }
                          >
                            ×
                          </button>
                        </span>
                      );
                    })}
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

/** "What may a role in a department do?": answered by the server's Casbin policy, not worked out here. */
function PolicyPreview({ org, version }: { org: Organisation; version: number }) {
  const t = useT();
  const [role, setRole] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);

  function ask() {
    if (!role || !departmentId) return;
    api
      .get<Preview>('/admin/policy-preview', { role, departmentId })
      .then((p) => {
        setPreview(p);
        setError(null);
      })
      .catch((err: unknown) => setError(failure(err)));
  }
  useEffect(() => {
    if (preview) ask();
  }, [version]);

  const allowed = preview?.grants.filter((g) => g.allowed) ?? [];
  return (
    <div class="admin-preview" role="region" aria-labelledby="policy-preview-title">
      <h3 id="policy-preview-title">{t('admin.preview.title')}</h3>
      <form
        class="admin-inline"
        onSubmit={(e) => {
          e.preventDefault();
          ask();
        }}
      >
        <label for="preview-role">{t('admin.role')}</label>
        <select id="preview-role" required value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          <option value="">{t('admin.choose')}</option>
          {org.roles.map((r) => (
            <option key={r.code} value={r.code}>
              {org.roleName(r.code)}
            </option>
          ))}
        </select>
        <label for="preview-department">{t('admin.inDepartment')}</label>
        <select
          id="preview-department"
          required
          value={departmentId}
          onChange={(e) => setDepartmentId(e.currentTarget.value)}
        >
          <option value="">{t('admin.choose')}</option>
          {departmentOptions(org).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {t('admin.preview.ask')}
        </button>
      </form>
      {error && (
        <p role="alert" class="form-error">
          {error}
        </p>
      )}
      {preview && (
        <div data-testid="policy-preview">
          <p>
            {t('admin.preview.summary', {
              role: org.roleName(preview.role),
              department: org.departmentName(preview.departmentId),
              count: allowed.length,
              total: preview.grants.length,
            })}
          </p>
          {allowed.length === 0 ? (
            <p class="empty">{t('admin.preview.nothing')}</p>
          ) : (
            <ul class="admin-grants">
              {allowed.map((g) => (
                <li key={`${g.object}:${g.action}`} title={`${g.object}:${g.action}`}>
                  {grantName(t, g.object, g.action)}
                </li>
              ))}
            </ul>
          )}
          <p class="hint">
            {t('admin.preview.covers', {
              departments: preview.departmentIds.map((id) => org.departmentName(id)).join('、'),
            })}
          </p>
        </div>
      )}
    </div>
  );
}

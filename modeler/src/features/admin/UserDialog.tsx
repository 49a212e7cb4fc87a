import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { TokenList } from '../../app/TokenList';
import { api, ApiError } from '../../lib/api';
import { formatDateTime, useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { List } from '../../../../server/lib/contract';
import type { ApiToken, User } from '../../../../server/identity/user.contract';
import { departmentOptions, failure, type Organisation } from './names';
import { isLocked } from './UsersPanel';

function DepartmentSelect(props: { id: string; org: Organisation; value: string; onChange: (v: string) => void }) {
  const t = useT();
  return (
    <select id={props.id} required value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <option value="">{t('admin.choose')}</option>
      {departmentOptions(props.org).map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** The field a refusal names (`details[].field`), else the whole form. */
function fieldErrors(err: unknown): Record<string, string> {
  if (err instanceof ApiError && err.details.length)
    return Object.fromEntries(err.details.map((d) => [d.field ?? 'form', d.message ?? err.message]));
  return { form: failure(err) };
}

/** A new user with an initial password, who can sign in at once. */
export function CreateUserDialog({
  org,
  onClose,
  onCreated,
}: {
  org: Organisation;
  onClose: () => void;
  onCreated: (user: User) => void;
}) {
  const t = useT();
  const [form, setForm] = useState({ username: '', displayName: '', departmentId: '', password: '', phone: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const created = await api.post<User>('/admin/users', {
        username: form.username.trim(),
        displayName: form.displayName.trim(),
        departmentId: form.departmentId,
        password: form.password,
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      });
      showToast('success', t('admin.user.created', { name: created.displayName }));
      onCreated(created);
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (k: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <>
      <label for={`new-user-${k}`}>{label}</label>
      <input
        id={`new-user-${k}`}
        value={form[k]}
        onInput={set(k)}
        aria-invalid={!!errors[k]}
        aria-describedby={errors[k] ? `new-user-${k}-error` : undefined}
        {...props}
      />
      {errors[k] && (
        <p id={`new-user-${k}-error`} class="field-error">
          {errors[k]}
        </p>
      )}
    </>
  );

  return (
    <Dialog title={t('admin.user.create')} onClose={onClose}>
      <form class="dialog-form admin-form" onSubmit={(e) => void submit(e)}>
        {field('username', t('admin.username'), {
          required: true,
          autoFocus: true,
          autocomplete: 'off',
          maxLength: 64,
        })}
        {field('displayName', t('admin.name'), { required: true, maxLength: 100 })}
        <label for="new-user-department">{t('admin.department')}</label>
        <DepartmentSelect
          id="new-user-department"
          org={org}
          value={form.departmentId}
          onChange={(v) => setForm({ ...form, departmentId: v })}
        />
        {errors.departmentId && <p class="field-error">{errors.departmentId}</p>}
        {field('password', t('admin.user.initialPassword'), {
          required: true,
          type: 'password',
          autocomplete: 'new-password',
        })}
        <p class="hint">{t('admin.user.passwordHint')}</p>
        {field('phone', t('admin.phone'), { maxLength: 32 })}
        {errors.form && (
          <p role="alert" class="form-error">
            {errors.form}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {t('admin.user.createSubmit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * One user: profile, lock and unlock, deactivate, reset the password, role assignments by
 * department and API tokens. Every change is one admin API call; the dialog shows its answer.
 */
export function UserDialog({
  org,
  user,
  onChanged,
  onClose,
}: {
  org: Organisation;
  user: User;
  onChanged: (user: User) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [profile, setProfile] = useState({
    displayName: user.displayName,
    phone: user.phone ?? '',
    departmentId: user.departmentId,
  });
  const [password, setPassword] = useState('');
  const [grant, setGrant] = useState({ role: '', departmentId: '' });
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .get<List<ApiToken>>(`/admin/users/${user.id}/tokens`)
      .then((r) => setTokens(r.items))
      .catch(() => setTokens([]));
  }, [user.id]);

  async function change(call: () => Promise<User>, done: string) {
    setBusy(true);
    setError(null);
    try {
      const updated = await call();
      showToast('success', done);
      onChanged(updated);
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  }
  const patch = (body: Record<string, unknown>, done: string) =>
    change(() => api.patch<User>(`/admin/users/${user.id}`, body), done);

  const locked = isLocked(user);
  const name = user.displayName;
  return (
    <Dialog title={t('admin.user.title', { name, username: user.username })} onClose={onClose}>
      <div class="admin-dialog">
        {error && (
          <p role="alert" class="form-error">
            {error}
          </p>
        )}
        <form
          class="admin-form"
          aria-label={t('admin.user.profile')}
          onSubmit={(e) => {
            e.preventDefault();
            void patch(
              {
                displayName: profile.displayName.trim(),
                phone: profile.phone.trim(),
                departmentId: profile.departmentId,
              },
              t('admin.user.saved', { name: profile.displayName }),
            );
          }}
        >
          <h3>{t('admin.user.profile')}</h3>
          <label for="edit-user-name">{t('admin.name')}</label>
          <input
            id="edit-user-name"
            required
            maxLength={100}
            value={profile.displayName}
            onInput={(e) => setProfile({ ...profile, displayName: e.currentTarget.value })}
          />
          <label for="edit-user-phone">{t('admin.phone')}</label>
          <input
            id="edit-user-phone"
            maxLength={32}
            value={profile.phone}
            onInput={(e) => setProfile({ ...profile, phone: e.currentTarget.value })}
          />
          <label for="edit-user-department">{t('admin.department')}</label>
          <DepartmentSelect
            id="edit-user-department"
            org={org}
            value={profile.departmentId}
            onChange={(v) => setProfile({ ...profile, departmentId: v })}
          />
          <div>
            <button type="submit" disabled={busy}>
              {t('admin.save')}
            </button>
          </div>
        </form>

        <h3>{t('admin.user.account')}</h3>
        <p data-testid="user-status">
          {!user.active
            ? t('admin.active.no')
            : locked
              ? t('admin.lockedUntil', { time: formatDateTime(user.lockedUntil) })
              : t('admin.active.yes')}
        </p>
        <div class="admin-actions">
          {locked ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => void patch({ lockedUntil: null }, t('admin.user.unlocked', { name }))}
            >
              {t('admin.user.unlock')}
            </button>
          ) : (
            <button
              type="button"
              disabled={busy || !user.active}
              onClick={() =>
                void patch(
                  { lockedUntil: new Date(Date.now() + 24 * 3600 * 1000).toISOString() },
                  t('admin.user.locked', { name }),
                )
              }
            >
              {t('admin.user.lock')}
            </button>
          )}
          {user.active ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => void patch({ active: false }, t('admin.user.deactivated', { name }))}
            >
              {t('admin.user.deactivate')}
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => void patch({ active: true }, t('admin.user.activated', { name }))}
            >
              {t('admin.user.activate')}
            </button>
          )}
        </div>
        <form
          class="admin-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void patch({ password }, t('admin.user.passwordReset', { name })).then(() => setPassword(''));
          }}
        >
          <label for="edit-user-password">{t('admin.user.newPassword')}</label>
          <input
            id="edit-user-password"
            type="password"
            required
            autocomplete="new-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <button type="submit" disabled={busy}>
            {t('admin.user.resetPassword')}
          </button>
        </form>

        <h3>{t('admin.roles')}</h3>
        {user.roles.length === 0 && <p class="empty">{t('admin.user.noRoles')}</p>}
        <ul class="admin-list" aria-label={t('admin.user.rolesHeld')}>
          {user.roles.map((r) => {
            const label = t('admin.roleIn', {
              role: org.roleName(r.role),
              department: org.departmentName(r.departmentId),
            });
            return (
              <li key={`${r.role}@${r.departmentId}`}>
                <span>{label}</span>
                <button
                  type="button"
                  class="link"
                  disabled={busy}
                  aria-label={t('admin.user.removeRoleOf', { role: label })}
                  onClick={() =>
                    void change(
                      () =>
                        api.delete<User>(`/admin/users/${user.id}/roles`, {
                          role: r.role,
                          departmentId: r.departmentId,
                        }),
                      t('admin.user.roleRemoved', { role: label }),
                    )
                  }
                >
                  {t('admin.remove')}
                </button>
              </li>
            );
          })}
        </ul>
        <form
          class="admin-inline"
          aria-label={t('admin.user.assignRole')}
          onSubmit={(e) => {
            e.preventDefault();
            const label = t('admin.roleIn', {
              role: org.roleName(grant.role),
              department: org.departmentName(grant.departmentId),
            });
            void change(
              () => api.post<User>(`/admin/users/${user.id}/roles`, grant),
              t('admin.user.roleAssigned', { role: label }),
            );
          }}
        >
          <label for="grant-role">{t('admin.role')}</label>
          <select
            id="grant-role"
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
          <label for="grant-department">{t('admin.inDepartment')}</label>
          <DepartmentSelect
            id="grant-department"
            org={org}
            value={grant.departmentId}
            onChange={(v) => setGrant({ ...grant, departmentId: v })}
          />
          <button type="submit" disabled={busy}>
            {t('admin.user.assignRole')}
          </button>
        </form>

        <h3>{t('admin.tokens')}</h3>
        {tokens && (
          <TokenList
            tokens={tokens}
            onRevoke={(tk) => {
              api
                .delete(`/admin/tokens/${tk.id}`)
                .then(() => {
                  showToast('success', t('app.tokens.revoked', { name: tk.name }));
                  setTokens(tokens.map((x) => (x.id === tk.id ? { ...x, revokedAt: new Date().toISOString() } : x)));
                })
                .catch((err: unknown) => setError(failure(err)));
            }}
          />
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('admin.close')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

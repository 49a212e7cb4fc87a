import { useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { api } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { Role } from '../../../../server/identity/role.contract';
import { failure, type Organisation } from './names';

/** Roles with their Chinese and English names: add one, rename one. */
export function RolesPanel({ org }: { org: Organisation }) {
  const t = useT();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  return (
    <section aria-labelledby="admin-roles">
      <div class="admin-toolbar">
        <h2 id="admin-roles">{t('admin.section.roles')}</h2>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          {t('admin.role.create')}
        </button>
      </div>
      <div class="table-wrap">
        <table class="grid" data-testid="admin-roles">
          <thead>
            <tr>
              <th scope="col">{t('admin.role.nameZh')}</th>
              <th scope="col">{t('admin.role.nameEn')}</th>
              <th scope="col">{t('admin.role.code')}</th>
              <th scope="col">{t('admin.role.description')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {org.roles.map((r) => (
              <tr key={r.code}>
                <td>{r.name}</td>
                <td>{r.nameEn ?? '—'}</td>
                <td>
                  <code>{r.code}</code>
                  {r.builtin && <span class="admin-chip">{t('admin.role.builtin')}</span>}
                </td>
                <td>{r.description ?? ''}</td>
                <td>
                  <button
                    type="button"
                    class="small"
                    aria-label={t('admin.role.editOf', { name: org.roleName(r.code) })}
                    onClick={() => setEditing(r)}
                  >
                    {t('admin.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <RoleDialog
          role={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            org.reload();
          }}
        />
      )}
    </section>
  );
}

function RoleDialog({ role, onClose, onSaved }: { role: Role | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [form, setForm] = useState({
    code: role?.code ?? '',
    name: role?.name ?? '',
    nameEn: role?.nameEn ?? '',
    description: role?.description ?? '',
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (role)
        await api.patch(`/admin/roles/${role.code}`, {
          name: form.name,
          nameEn: form.nameEn.trim() || null,
          description: form.description.trim() || null,
        });
      else
        await api.post('/admin/roles', {
          code: form.code.trim(),
          name: form.name,
          ...(form.nameEn.trim() ? { nameEn: form.nameEn.trim() } : {}),
          ...(form.description.trim() ? { description: form.description.trim() } : {}),
        });
      showToast('success', t('admin.role.saved', { name: form.name }));
      onSaved();
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  }

  const input = (k: keyof typeof form, label: string, props: Record<string, unknown> = {}) => (
    <>
      <label for={`role-${k}`}>{label}</label>
      <input
        id={`role-${k}`}
        value={form[k]}
        onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
        {...props}
      />
    </>
  );
  return (
    <Dialog title={role ? t('admin.role.editOf', { name: role.name }) : t('admin.role.create')} onClose={onClose}>
      <form class="dialog-form admin-form" onSubmit={(e) => void submit(e)}>
        {!role &&
          input('code', t('admin.role.code'), { required: true, pattern: '[a-z][a-z0-9_]{1,40}', autoFocus: true })}
        {!role && <p class="hint">{t('admin.role.codeHint')}</p>}
        {input('name', t('admin.role.nameZh'), { required: true, maxLength: 100, autoFocus: !!role })}
        {input('nameEn', t('admin.role.nameEn'), { maxLength: 100 })}
        {input('description', t('admin.role.description'), { maxLength: 500 })}
        {error && (
          <p role="alert" class="form-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {t('admin.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

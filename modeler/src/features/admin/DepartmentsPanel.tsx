import { useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { api } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { Department } from '../../../../server/identity/department.contract';
import { failure, localName, type Organisation } from './names';

const LEVELS: Department['level'][] = ['headquarters', 'province', 'city', 'county', 'station'];

/**
 * The department tree as a nested list (a grant on a department covers its subtree, so the
 * nesting is what an administrator needs to see); add a department below one, rename one.
 */
export function DepartmentsPanel({ org }: { org: Organisation }) {
  const t = useT();
  const [dialog, setDialog] = useState<{ parent: Department } | { edit: Department } | null>(null);
  const children = (parentId: string | null) => org.departments.filter((d) => d.parentId === parentId);

  const node = (d: Department) => {
    const kids = children(d.id);
    return (
      <li key={d.id} role="treeitem" aria-expanded={kids.length ? true : undefined} aria-label={localName(d, d.id)}>
        <div class={`admin-tree-row${d.active ? '' : ' admin-inactive'}`}>
          <span class="admin-tree-name">{localName(d, d.id)}</span>
          <span class="muted">
            {t(`admin.level.${d.level}`)} · <code>{d.id}</code>
            {!d.active && ` · ${t('admin.active.no')}`}
          </span>
          <button
            type="button"
            class="link"
            aria-label={t('admin.department.addBelow', { name: localName(d, d.id) })}
            onClick={() => setDialog({ parent: d })}
          >
            {t('admin.department.add')}
          </button>
          <button
            type="button"
            class="link"
            aria-label={t('admin.department.editOf', { name: localName(d, d.id) })}
            onClick={() => setDialog({ edit: d })}
          >
            {t('admin.edit')}
          </button>
        </div>
        {kids.length > 0 && <ul role="group">{kids.map(node)}</ul>}
      </li>
    );
  };

  return (
    <section aria-labelledby="admin-departments">
      <h2 id="admin-departments">{t('admin.section.departments')}</h2>
      <p class="hint">{t('admin.department.intro')}</p>
      <ul class="admin-tree" role="tree" aria-labelledby="admin-departments">
        {children(null).map(node)}
      </ul>
      {dialog && (
        <DepartmentDialog
          {...dialog}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            org.reload();
          }}
        />
      )}
    </section>
  );
}

function DepartmentDialog(props: { parent?: Department; edit?: Department; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const { parent, edit } = props;
  const nextLevel = parent ? LEVELS[Math.min(LEVELS.length - 1, LEVELS.indexOf(parent.level) + 1)] : 'station';
  const [form, setForm] = useState({
    id: '',
    name: edit?.name ?? '',
    nameEn: edit?.nameEn ?? '',
    level: nextLevel ?? 'station',
    active: edit?.active ?? true,
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (edit)
        await api.patch(`/admin/departments/${edit.id}`, { name: form.name, nameEn: form.nameEn, active: form.active });
      else
        await api.post('/admin/departments', {
          id: form.id.trim().toUpperCase(),
          parentId: parent?.id ?? null,
          name: form.name,
          ...(form.nameEn.trim() ? { nameEn: form.nameEn.trim() } : {}),
          level: form.level,
        });
      showToast('success', t('admin.department.saved', { name: form.name }));
      props.onSaved();
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  }

  const title = edit
    ? t('admin.department.editOf', { name: localName(edit, edit.id) })
    : t('admin.department.addBelow', { name: parent ? localName(parent, parent.id) : '' });
  return (
    <Dialog title={title} onClose={props.onClose}>
      <form class="dialog-form admin-form" onSubmit={(e) => void submit(e)}>
        {!edit && (
          <>
            <label for="dept-id">{t('admin.department.code')}</label>
            <input
              id="dept-id"
              required
              autoFocus
              pattern="[A-Za-z0-9-]{2,32}"
              value={form.id}
              onInput={(e) => setForm({ ...form, id: e.currentTarget.value })}
            />
            <p class="hint">{t('admin.department.codeHint')}</p>
          </>
        )}
        <label for="dept-name">{t('admin.department.nameZh')}</label>
        <input
          id="dept-name"
          required
          maxLength={100}
          value={form.name}
          onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
        />
        <label for="dept-name-en">{t('admin.department.nameEn')}</label>
        <input
          id="dept-name-en"
          maxLength={100}
          value={form.nameEn}
          onInput={(e) => setForm({ ...form, nameEn: e.currentTarget.value })}
        />
        {!edit && (
          <>
            <label for="dept-level">{t('admin.department.level')}</label>
            <select
              id="dept-level"
              value={form.level}
              onChange={(e) => setForm({ ...form, level: e.currentTarget.value as Department['level'] })}
            >
              {LEVELS.filter((l) => !parent || LEVELS.indexOf(l) > LEVELS.indexOf(parent.level)).map((l) => (
                <option key={l} value={l}>
                  {t(`admin.level.${l}`)}
                </option>
              ))}
            </select>
          </>
        )}
        {edit && (
          <label class="admin-check">
            <input
              type="checkbox"
              checked={form.active}
              onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })}
            />
            {t('admin.department.active')}
          </label>
        )}
        {error && (
          <p role="alert" class="form-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={props.onClose}>
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

import { useEffect, useState } from 'preact/hooks';
import { Dialog, ConfirmDialog } from '../../app/Dialog';
import { useLocale, useT } from '../../lib/i18n';
import type { SessionUser } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { worklistApi, type Criteria, type SavedFilter, type View } from './api';
import { describeFailure } from './errors';
import { nameFor } from '../../lib/bilingual';

/** Saved filters on the server: personal, or shared with a department (team leaders may share). */
export function SavedFilters({
  user,
  view,
  criteria,
  onApply,
}: {
  user: SessionUser;
  view: View;
  criteria: Criteria;
  onApply: (filter: SavedFilter) => void;
}) {
  const t = useT();
  const [filters, setFilters] = useState<SavedFilter[]>([]);
  const [chosen, setChosen] = useState('');
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState<SavedFilter | null>(null);
  const load = () =>
    worklistApi.filters().then(
      (r) => setFilters(r.items),
      () => setFilters([]),
    );
  useEffect(() => void load(), []);

  const current = filters.find((f) => f.id === chosen) ?? null;
  return (
    <div class="saved-filters">
      <label for="wl-saved" class="visually-hidden">
        {t('worklist.filters.saved')}
      </label>
      <select
        id="wl-saved"
        value={chosen}
        onChange={(e) => {
          const id = e.currentTarget.value;
          setChosen(id);
          const filter = filters.find((f) => f.id === id);
          if (filter) onApply(filter);
        }}
      >
        <option value="">{t('worklist.filters.choose')}</option>
        {filters.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
            {f.scope === 'department' ? t('worklist.filters.shared') : ''}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => setSaving(true)}>
        {t('worklist.filters.save')}
      </button>
      {current && (
        <button
          type="button"
          class="icon"
          aria-label={t('worklist.filters.delete')}
          title={t('worklist.filters.delete')}
          onClick={() => setDeleting(current)}
        >
          ×
        </button>
      )}
      {saving && (
        <SaveFilterDialog
          user={user}
          onClose={() => setSaving(false)}
          onSave={async (name, scope, departmentId) => {
            try {
              const saved = await worklistApi.saveFilter({
                name,
                scope,
                ...(scope === 'department' && departmentId ? { departmentId } : {}),
                criteria: { ...criteria, view },
              });
              showToast('success', t('worklist.filters.saved.toast', { name }));
              setSaving(false);
              await load();
              setChosen(saved.id);
            } catch (err) {
              showToast('error', describeFailure(t, err));
            }
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('worklist.filters.delete')}
          body={t('worklist.filters.confirmDelete', { name: deleting.name })}
          confirmLabel={t('task.confirm')}
          cancelLabel={t('task.cancel')}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const target = deleting;
            setDeleting(null);
            worklistApi.deleteFilter(target.id).then(
              () => {
                showToast('success', t('worklist.filters.deleted.toast', { name: target.name }));
                setChosen('');
                void load();
              },
              (err: unknown) => showToast('error', describeFailure(t, err)),
            );
          }}
        />
      )}
    </div>
  );
}

function SaveFilterDialog({
  user,
  onClose,
  onSave,
}: {
  user: SessionUser;
  onClose: () => void;
  onSave: (name: string, scope: 'personal' | 'department', departmentId?: string) => Promise<void>;
}) {
  const t = useT();
  const locale = useLocale();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'personal' | 'department'>('personal');
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t('worklist.filters.save')} onClose={onClose}>
      <form
        class="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          setBusy(true);
          void onSave(name.trim(), scope, user.departmentId ?? undefined).finally(() => setBusy(false));
        }}
      >
        <label for="wl-filter-name">{t('worklist.filters.name')}</label>
        <input
          id="wl-filter-name"
          required
          maxLength={100}
          autoFocus
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <fieldset>
          <legend>{t('worklist.filters.scope')}</legend>
          <label>
            <input type="radio" name="scope" checked={scope === 'personal'} onChange={() => setScope('personal')} />{' '}
            {t('worklist.filters.personal')}
          </label>
          <label>
            <input type="radio" name="scope" checked={scope === 'department'} onChange={() => setScope('department')} />{' '}
            {t('worklist.filters.department')}
            {user.departmentName
              ? locale === 'en'
                ? ` (${nameFor(locale, user.departmentName, user.departmentNameEn)})`
                : `（${user.departmentName}）`
              : ''}
          </label>
        </fieldset>
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('task.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {t('worklist.filters.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

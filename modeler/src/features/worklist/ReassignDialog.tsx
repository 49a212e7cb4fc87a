import { useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { useT } from '../../lib/i18n';

/** Asks for the user name of the new assignee (reassign) or delegate. */
export function ReassignDialog({
  mode,
  onCancel,
  onSubmit,
}: {
  mode: 'reassign' | 'delegate';
  onCancel: () => void;
  onSubmit: (username: string) => void;
}) {
  const t = useT();
  const [username, setUsername] = useState('');
  return (
    <Dialog title={t(`task.${mode}.title`)} onClose={onCancel}>
      <form
        class="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (username.trim()) onSubmit(username.trim());
        }}
      >
        <label for="reassign-user">{t('task.reassign.user')}</label>
        <input
          id="reassign-user"
          required
          autoFocus
          autocomplete="off"
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <div class="dialog-actions">
          <button type="button" onClick={onCancel}>
            {t('task.cancel')}
          </button>
          <button type="submit" class="primary">
            {t('task.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

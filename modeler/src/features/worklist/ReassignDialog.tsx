import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { getLocale, useT } from '../../lib/i18n';
import { worklistApi } from './api';
import type { Colleague } from '../../../../server/identity/user.contract';
import { nameFor } from '../../lib/bilingual';

/**
 * Picks the new assignee (reassign) or the delegate: a search by name or user name over the
 * colleagues in the caller's part of the organisation (GET /users/search), chosen from a list
 * by mouse or arrow keys. A user name typed in full is taken as it is.
 */
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
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Colleague | null>(null);
  const [found, setFound] = useState<Colleague[] | null>(null);
  const [active, setActive] = useState(0);

  useEffect(() => {
    const q = text.trim();
    if (!q || chosen) {
      setFound(null);
      return;
    }
    const timer = setTimeout(() => {
      worklistApi
        .colleagues(q)
        .then((r) => {
          setFound(r.items);
          setActive(0);
        })
        .catch(() => setFound([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [text, chosen]);

  const department = (c: Colleague) => nameFor(getLocale(), c.departmentName, c.departmentNameEn);
  const label = (c: Colleague) => `${c.displayName}（${c.username}）· ${department(c)}`;
  function choose(c: Colleague) {
    setChosen(c);
    setText(label(c));
    setFound(null);
  }
  const listId = 'colleague-options';
  const open = !!found && !chosen;
  return (
    <Dialog title={t(`task.${mode}.title`)} onClose={onCancel}>
      <form
        class="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          const username = chosen?.username ?? text.trim();
          if (username) onSubmit(username);
        }}
      >
        <label for="reassign-user">{t('task.reassign.user')}</label>
        <input
          id="reassign-user"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && found?.[active] ? `colleague-${found[active].id}` : undefined}
          required
          autoFocus
          autocomplete="off"
          placeholder={t('task.colleague.search')}
          value={text}
          onInput={(e) => {
            setChosen(null);
            setText(e.currentTarget.value);
          }}
          onKeyDown={(e) => {
            if (!open || !found?.length) return;
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const n = found.length;
              setActive((i) => (e.key === 'ArrowDown' ? (i + 1) % n : (i + n - 1) % n));
            } else if (e.key === 'Enter' && found[active]) {
              e.preventDefault();
              choose(found[active]);
            }
          }}
        />
        {open && found.length === 0 && <p class="hint">{t('task.colleague.none')}</p>}
        {open && found.length > 0 && (
          <ul id={listId} role="listbox" class="colleague-list" aria-label={t('task.colleague.results')}>
            {found.map((c, i) => (
              <li
                key={c.id}
                id={`colleague-${c.id}`}
                role="option"
                aria-selected={i === active}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(c)}
              >
                <strong>{c.displayName}</strong> <span class="muted">{c.username}</span>
                <span class="muted"> · {department(c)}</span>
              </li>
            ))}
          </ul>
        )}
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

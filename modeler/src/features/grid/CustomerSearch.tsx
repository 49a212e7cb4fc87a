import { useState } from 'preact/hooks';
import { useT } from '../../lib/i18n';
import type { CustomerPlace, GridCustomer } from '../../../../server/grid/grid.contract';
import { gridApi } from './api';

/** Finds customers of the user's departments by account number, name or phone; picking one shows its place. */
export function CustomerSearch({ onPlace }: { onPlace: (place: CustomerPlace) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [found, setFound] = useState<GridCustomer[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search() {
    if (!text.trim()) return;
    try {
      setFound((await gridApi.customers(text.trim())).items);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function pick(c: GridCustomer) {
    try {
      onPlace(await gridApi.place(c.customerId));
      setFound(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <form
      class="grid-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void search();
      }}
    >
      <label for="grid-search">{t('grid.search')}</label>
      <div class="grid-search-row">
        <input
          id="grid-search"
          type="search"
          placeholder={t('grid.search.placeholder')}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          {t('grid.search.submit')}
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {found && found.length === 0 && <p class="muted">{t('grid.search.none')}</p>}
      {found && found.length > 0 && (
        <ul class="grid-found">
          {found.map((c) => (
            <li key={c.customerId}>
              <button type="button" class="link" onClick={() => void pick(c)}>
                {c.accountNo} {c.name}
              </button>
              <span class="muted"> · {c.areaName ?? t('grid.search.unplaced')}</span>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

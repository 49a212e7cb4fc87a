import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { registerMessages, useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import type { List } from '../../../../server/lib/contract';
import { failure } from './names';
import {
  currentVersion,
  isPlaceholderVersion,
  tariffCategory,
  tariffName,
  versionStatus,
  type Tariff,
  type TariffVersion,
} from './tariffs';
import tariffMessages from './tariffs.messages';
import { TariffVersionForm } from './TariffVersionForm';
import { TariffVersionView } from './TariffVersionView';

registerMessages(tariffMessages);

type Editing = { code: string; from: TariffVersion; replacing?: string };

/**
 * Tariffs (DOMAIN.md §5): each tariff with its effective-dated versions; a version's tables; a new
 * version from a copy of one, or a scheduled one edited in place. Versions in effect are history
 * (bills were computed with them), so they offer only the copy, as the API allows.
 */
export function TariffsPanel() {
  const t = useT();
  const [tariffs, setTariffs] = useState<Tariff[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ code: string; from: string } | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);

  const load = () =>
    api
      .get<List<Tariff>>('/tariffs')
      .then((list) => setTariffs(list.items))
      .catch((err: unknown) => setError(failure(err)));
  useEffect(() => void load(), []);

  const tariff = (code: string) => tariffs?.find((x) => x.code === code);
  const shown = open ? tariff(open.code)?.versions.find((v) => v.effectiveFrom === open.from) : undefined;
  const editedTariff = editing ? tariff(editing.code) : undefined;

  return (
    <section aria-labelledby="admin-tariffs">
      <h2 id="admin-tariffs">{t('admin.section.tariffs')}</h2>
      <p class="hint">{t('admin.tariff.intro')}</p>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!tariffs && !error && <p class="loading">{t('app.loading')}</p>}
      {tariffs?.map((x) => (
        <article key={x.code} class="tariff-card" aria-label={tariffName(t, x)} data-testid={`tariff-${x.code}`}>
          <header class="tariff-head">
            <h3>{tariffName(t, x)}</h3>
            <span class="muted">
              {tariffCategory(t, x)} · <code>{x.code}</code>
            </span>
            {x.versions.some((v) => isPlaceholderVersion(x.code, v) && v === currentVersion(x)) && (
              <span class="badge tariff-placeholder">{t('admin.tariff.placeholder')}</span>
            )}
          </header>
          {x.versions.some((v) => isPlaceholderVersion(x.code, v) && v === currentVersion(x)) && (
            <p class="hint">{t('admin.tariff.placeholderHint')}</p>
          )}
          <table class="grid compact">
            <thead>
              <tr>
                <th scope="col">{t('admin.tariff.effectiveFrom')}</th>
                <th scope="col">{t('admin.tariff.effectiveTo')}</th>
                <th scope="col">{t('admin.tariff.pricing')}</th>
                <th scope="col">{t('admin.tariff.status')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {x.versions.map((v) => {
                const status = versionStatus(v);
                const label = t('admin.tariff.versionOf', { name: tariffName(t, x), from: v.effectiveFrom });
                return (
                  <tr key={v.effectiveFrom} data-testid={`tariff-version-${x.code}-${v.effectiveFrom}`}>
                    <td>{v.effectiveFrom}</td>
                    <td>{v.effectiveTo ?? t('admin.tariff.openEnded')}</td>
                    <td>{t(`admin.tariff.kind.${v.kind}`)}</td>
                    <td>
                      <span class={`badge tariff-${status}`}>{t(`admin.tariff.status.${status}`)}</span>
                      {isPlaceholderVersion(x.code, v) && (
                        <span class="badge tariff-placeholder">{t('admin.tariff.placeholder')}</span>
                      )}
                    </td>
                    <td class="tariff-actions">
                      <button
                        type="button"
                        class="link"
                        aria-label={t('admin.tariff.viewOf', { version: label })}
                        aria-expanded={open?.code === x.code && open.from === v.effectiveFrom}
                        onClick={() =>
                          setOpen(
                            open?.code === x.code && open.from === v.effectiveFrom
                              ? null
                              : { code: x.code, from: v.effectiveFrom },
                          )
                        }
                      >
                        {t('admin.tariff.view')}
                      </button>
                      <button
                        type="button"
                        class="link"
                        aria-label={t('admin.tariff.copyOf', { version: label })}
                        onClick={() => setEditing({ code: x.code, from: v })}
                      >
                        {t('admin.tariff.copy')}
                      </button>
                      {status === 'scheduled' && (
                        <button
                          type="button"
                          class="link"
                          aria-label={t('admin.tariff.editOf', { version: label })}
                          onClick={() => setEditing({ code: x.code, from: v, replacing: v.effectiveFrom })}
                        >
                          {t('admin.edit')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {shown && open?.code === x.code && (
            <TariffVersionView
              version={shown}
              title={t('admin.tariff.versionOf', { name: tariffName(t, x), from: shown.effectiveFrom })}
            />
          )}
          {editing?.code === x.code && editedTariff && (
            <TariffVersionForm
              key={`${editing.from.effectiveFrom}-${editing.replacing ?? 'new'}`}
              tariff={editedTariff}
              from={editing.from}
              {...(editing.replacing ? { replacing: editing.replacing } : {})}
              onClose={() => setEditing(null)}
              onSaved={(saved, from) => {
                setEditing(null);
                setTariffs((list) => list?.map((y) => (y.code === saved.code ? saved : y)) ?? null);
                setOpen({ code: saved.code, from });
                showToast('success', t('admin.tariff.saved', { name: tariffName(t, saved), from }));
              }}
            />
          )}
        </article>
      ))}
    </section>
  );
}

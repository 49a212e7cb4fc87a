import { useEffect, useState } from 'preact/hooks';
import { useLocale, useT } from '../../lib/i18n';
import type { GridTree, LineLoss } from '../../../../server/grid/grid.contract';
import { gridApi, kwh, lastMonth } from './api';
import { nameFor } from '../../lib/bilingual';

/** The areas of the user's departments with the highest line loss in a month, worst first. */
export function LossRanking({ tree, onOpen }: { tree: GridTree | null; onOpen: (areaId: string) => void }) {
  const t = useT();
  const locale = useLocale();
  const [period, setPeriod] = useState(lastMonth());
  const [rows, setRows] = useState<LineLoss[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    setRows(null);
    gridApi
      .worst(period)
      .then((r) => {
        setRows(r.items);
        setError(null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [period]);

  const names = new Map<string, string>();
  for (const s of tree?.substations ?? [])
    for (const f of s.feeders) for (const a of f.areas) names.set(a.id, nameFor(locale, a.name, a.nameEn));

  return (
    <section class="grid-ranking" aria-label={t('grid.tab.ranking')}>
      <p class="muted">{t('grid.ranking.intro')}</p>
      <label class="grid-period">
        {t('grid.ranking.period')}
        <input type="month" value={period} onInput={(e) => setPeriod(e.currentTarget.value)} />
      </label>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!rows && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {rows && rows.length === 0 && <p class="empty">{t('grid.ranking.empty')}</p>}
      {rows && rows.length > 0 && (
        <table class="grid grid-ranking-table">
          <thead>
            <tr>
              <th scope="col">{t('grid.col.rank')}</th>
              <th scope="col">{t('grid.col.area')}</th>
              <th scope="col">{t('grid.col.department')}</th>
              <th scope="col" class="num">
                {t('grid.col.supplied')}
              </th>
              <th scope="col" class="num">
                {t('grid.col.billed')}
              </th>
              <th scope="col" class="num">
                {t('grid.col.loss')}
              </th>
              <th scope="col" class="num">
                {t('grid.col.lossPercent')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l, i) => {
              const value = Number(l.lossPercent);
              return (
                <tr key={l.areaId} data-area-id={l.areaId} class={value > 10 ? 'grid-bad' : undefined}>
                  <td class="num">{i + 1}</td>
                  <td>
                    <button type="button" class="link" onClick={() => onOpen(l.areaId)}>
                      {names.get(l.areaId) ?? l.areaName}
                    </button>
                  </td>
                  <td>
                    {(locale === 'en' ? l.departmentNameEn : l.departmentName) ?? l.departmentName ?? l.departmentId}
                  </td>
                  <td class="num">{kwh(l.suppliedKwh)}</td>
                  <td class="num">{kwh(l.billedKwh)}</td>
                  <td class="num">{kwh(l.lossKwh)}</td>
                  <td class="num grid-loss">
                    <span class="grid-loss-bar" style={{ width: `${Math.min(100, Math.max(0, value) * 5)}px` }} />
                    {l.lossPercent}%
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

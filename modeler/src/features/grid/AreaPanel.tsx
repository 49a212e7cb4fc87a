import { useEffect, useState } from 'preact/hooks';
import { useLocale, useT } from '../../lib/i18n';
import type { AreaDetail, LineLoss, PlacedMeter } from '../../../../server/grid/grid.contract';
import { gridApi, lastMonth, shiftMonth } from './api';
import { MoveDialog } from './dialogs';
import { nameFor } from '../../lib/bilingual';

/** One transformer area: where it hangs, its capacity, its line loss trend, its boxes and customers. */
export function AreaPanel({
  areaId,
  customerId,
  writable,
  onOutage,
  onMoved,
}: {
  areaId: string;
  customerId?: string | undefined;
  writable: boolean;
  onOutage: (target: { type: 'area'; id: string; name: string }) => void;
  onMoved: (areaId: string, message: string) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const [area, setArea] = useState<AreaDetail | null>(null);
  const [trend, setTrend] = useState<LineLoss[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [moving, setMoving] = useState<PlacedMeter | null>(null);

  useEffect(() => {
    const to = lastMonth();
    Promise.all([gridApi.area(areaId), gridApi.trend(areaId, shiftMonth(to, -11), to)])
      .then(([a, l]) => {
        setArea(a);
        setTrend(l.items);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [areaId]);

  // The found customer's row scrolls into view.
  useEffect(() => {
    if (!area || !customerId) return;
    document.querySelector(`tr[data-customer-id="${customerId}"]`)?.scrollIntoView({ block: 'center' });
  }, [area, customerId]);

  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!area) return <p aria-busy="true">{t('app.loading')}</p>;
  const name = nameFor(locale, area.name, area.nameEn);
  return (
    <article class="grid-area-panel" aria-label={name}>
      <header class="grid-area-head">
        <h2>{name}</h2>
        <span class="grid-kind">{t(`grid.kind.${area.kind}`)}</span>
        {writable && (
          <button type="button" onClick={() => onOutage({ type: 'area', id: area.id, name })}>
            {t('grid.outage')}
          </button>
        )}
      </header>
      <dl class="grid-facts">
        <div>
          <dt>{t('grid.area.substation')}</dt>
          <dd>{nameFor(locale, area.substationName, area.substationNameEn)}</dd>
        </div>
        <div>
          <dt>{t('grid.area.feeder')}</dt>
          <dd>{nameFor(locale, area.feederName, area.feederNameEn)}</dd>
        </div>
        <div>
          <dt>{t('grid.area.summaryMeter')}</dt>
          <dd>{area.summaryMeterNo ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('grid.area.customers')}</dt>
          <dd>{area.customers}</dd>
        </div>
        <div>
          <dt>{t('grid.area.rated')}</dt>
          <dd>{area.ratedKva} kVA</dd>
        </div>
        <div>
          <dt>{t('grid.area.used')}</dt>
          <dd>{area.usedKva} kVA</dd>
        </div>
        <div>
          <dt>{t('grid.area.spare')}</dt>
          <dd class="grid-spare-value" data-spare={area.spareKva}>
            {area.spareKva} kVA
          </dd>
        </div>
      </dl>
      <CapacityBar rated={area.ratedKva} used={area.usedKva} />
      <h3>{t('grid.area.trend')}</h3>
      <LossTrend trend={trend ?? []} />
      <h3>{t('grid.area.boxes')}</h3>
      {area.boxes.map((b) => (
        <section key={b.id} class="grid-box" aria-label={b.name}>
          <h4>
            {b.name}
            {b.location && <span class="muted"> · {b.location}</span>}
          </h4>
          {b.meters.length === 0 ? (
            <p class="muted">{t('grid.box.empty')}</p>
          ) : (
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t('grid.col.account')}</th>
                  <th scope="col">{t('grid.col.customer')}</th>
                  <th scope="col">{t('grid.col.meter')}</th>
                  <th scope="col" class="num">
                    {t('grid.col.kva')}
                  </th>
                  {writable && <th scope="col">{t('grid.col.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {b.meters.map((m) => (
                  <tr
                    key={m.meterId}
                    data-customer-id={m.customerId}
                    class={m.customerId === customerId ? 'grid-found-row' : undefined}
                  >
                    <td class="mono">{m.accountNo}</td>
                    <td>{m.customerName}</td>
                    <td class="mono">{m.assetNo}</td>
                    <td class="num">{m.countedKva}</td>
                    {writable && (
                      <td>
                        <button type="button" class="link" onClick={() => setMoving(m)}>
                          {t('grid.move')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      {moving && (
        <MoveDialog
          meter={moving}
          fromAreaId={area.id}
          onClose={() => setMoving(null)}
          onMoved={(message, to) => {
            setMoving(null);
            onMoved(to, message);
          }}
        />
      )}
    </article>
  );
}

function CapacityBar({ rated, used }: { rated: string; used: string }) {
  const share = Math.min(100, (Number(used) / Math.max(1, Number(rated))) * 100);
  return (
    <div class="grid-capacity" aria-hidden="true">
      <div class={share > 90 ? 'full' : undefined} style={{ width: `${share}%` }} />
    </div>
  );
}

/** Loss % per month as bars (a 15 % scale; months without a summary reading are gaps). */
function LossTrend({ trend }: { trend: LineLoss[] }) {
  const t = useT();
  if (!trend.some((l) => l.lossPercent !== null)) return <p class="muted">{t('grid.area.trend.none')}</p>;
  const max = Math.max(10, ...trend.map((l) => Number(l.lossPercent ?? 0)));
  const width = 40;
  const height = 120;
  return (
    <svg
      class="grid-trend"
      viewBox={`0 0 ${trend.length * width} ${height + 30}`}
      role="img"
      aria-label={t('grid.area.trend')}
    >
      {trend.map((l, i) => {
        const value = l.lossPercent === null ? null : Number(l.lossPercent);
        const h = value === null ? 0 : Math.max(1, (Math.max(0, value) / max) * height);
        return (
          <g key={l.period} transform={`translate(${i * width},0)`}>
            {value !== null && (
              <>
                <rect x={8} y={height - h + 14} width={width - 16} height={h} class={value > 10 ? 'bad' : undefined} />
                <text x={width / 2} y={height - h + 10} text-anchor="middle">
                  {l.lossPercent}
                </text>
              </>
            )}
            <text x={width / 2} y={height + 28} text-anchor="middle" class="month">
              {l.period.slice(2).replace('-', '/')}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

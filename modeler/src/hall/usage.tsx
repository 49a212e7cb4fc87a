import { useState } from 'preact/hooks';
import { useLocale, type Locale } from '../lib/i18n';
import { hallApi } from './api';
import { kwh, money, monthShort, period } from './format';
import type { HallAccount, HallUsage, UsageMonth } from './types';
import { Loaded, PageTitle, useLoad, useT } from './ui';

type Range = 12 | 24;

export function UsagePage({ account }: { account: HallAccount }) {
  const t = useT();
  const [months, setMonths] = useState<Range>(12);
  const state = useLoad(
    () => hallApi.get<HallUsage>(`/accounts/${account.id}/usage?months=${months}`),
    [account.id, months],
  );
  return (
    <>
      <PageTitle>{t('hall.usage.title')}</PageTitle>
      <div class="hall-segmented" role="group" aria-label={t('hall.usage.range')}>
        {([12, 24] as const).map((n) => (
          <button key={n} type="button" aria-pressed={months === n} onClick={() => setMonths(n)}>
            {t('hall.usage.months', { n })}
          </button>
        ))}
      </div>
      <Loaded state={state}>{(usage) => <Usage usage={usage} months={months} />}</Loaded>
    </>
  );
}

const SERIES = ['peak', 'flat', 'valley'] as const;
type Series = (typeof SERIES)[number];
const valueOf = (m: UsageMonth, s: Series) => Number(m[`${s}Kwh`] ?? 0);

function Usage({ usage, months }: { usage: HallUsage; months: Range }) {
  const t = useT();
  const locale = useLocale();
  if (usage.months.length === 0) return <p class="hall-card hall-muted">{t('hall.usage.empty')}</p>;
  const tou = usage.months.some((m) => m.peakKwh !== null);
  const split = usage.touSplit;
  const splitTotal = split ? SERIES.reduce((sum, s) => sum + Number(split[`${s}Kwh`]), 0) : 0;
  // A register that never counted (a household's TOU meter has no flat period) is left out.
  const shown = SERIES.filter((s) => usage.months.some((m) => valueOf(m, s) > 0));
  return (
    <>
      <section class="hall-card" aria-labelledby="usage-total">
        <h2 id="usage-total">{t('hall.usage.total', { kwh: kwh(usage.totalKwh) })}</h2>
        <UsageChart usage={usage} months={months} tou={tou} locale={locale} />
        {tou && (
          <ul class="hall-legend" aria-hidden="true">
            {shown.map((s) => (
              <li key={s}>
                <span class={`swatch ${s}`} />
                {t(`hall.usage.${s}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {split && splitTotal > 0 && (
        <section class="hall-card" aria-labelledby="usage-split">
          <h2 id="usage-split">{t('hall.usage.split')}</h2>
          <dl class="hall-facts">
            {shown.map((s) => (
              <div key={s}>
                <dt>
                  <span class={`swatch ${s}`} aria-hidden="true" /> {t(`hall.usage.${s}`)}
                </dt>
                <dd>
                  {t('hall.usage.share', {
                    kwh: kwh(split[`${s}Kwh`]),
                    percent: ((Number(split[`${s}Kwh`]) / splitTotal) * 100).toFixed(1),
                  })}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <details class="hall-card hall-usage-table">
        <summary>{t('hall.usage.table')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('hall.usage.month')}</th>
              <th scope="col" class="num">
                {t('hall.usage.kwh')}
              </th>
              {tou && (
                <th scope="col" class="num">
                  {shown.map((s) => t(`hall.usage.${s}`)).join('/')}
                </th>
              )}
              <th scope="col" class="num">
                {t('hall.usage.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.months.map((m) => (
              <tr key={m.period}>
                <th scope="row">{period(m.period, locale)}</th>
                <td class="num">{kwh(m.kwh)}</td>
                {tou && (
                  <td class="num">
                    {m.peakKwh === null ? t('hall.usage.noTou') : shown.map((s) => kwh(m[`${s}Kwh`] ?? '0')).join('/')}
                  </td>
                )}
                <td class="num">{m.amount === null ? '—' : money(m.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** A plain SVG bar chart: one bar a month, stacked peak/flat/valley when the meter has TOU registers. */
function UsageChart(props: { usage: HallUsage; months: Range; tou: boolean; locale: Locale }) {
  const t = useT();
  const { usage, tou, locale } = props;
  const W = 340;
  const H = 200;
  const pad = { top: 12, right: 4, bottom: 22, left: 40 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const max = Math.max(...usage.months.map((m) => Number(m.kwh)), 1);
  const top = niceCeiling(max);
  const slot = innerW / usage.months.length;
  const barW = Math.max(3, slot * 0.68);
  const y = (v: number) => pad.top + innerH - (v / top) * innerH;
  const every = usage.months.length > 12 ? 3 : 2;
  const highest = usage.months.reduce((a, b) => (Number(b.kwh) > Number(a.kwh) ? b : a));
  const label = t('hall.usage.chart', {
    n: props.months,
    kwh: kwh(usage.totalKwh),
    max: kwh(highest.kwh),
    maxPeriod: period(highest.period, locale),
  });
  return (
    <figure class="hall-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line class="grid" x1={pad.left} x2={W - pad.right} y1={y(top * f)} y2={y(top * f)} />
            <text class="axis" x={pad.left - 4} y={y(top * f) + 4} text-anchor="end">
              {Math.round(top * f).toLocaleString('en-US')}
            </text>
          </g>
        ))}
        {usage.months.map((m, i) => {
          const x = pad.left + i * slot + (slot - barW) / 2;
          const parts =
            tou && m.peakKwh !== null
              ? SERIES.map((s) => ({ s, v: valueOf(m, s) }))
              : [{ s: 'total' as const, v: Number(m.kwh) }];
          let base = 0;
          return (
            <g key={m.period} data-period={m.period}>
              <title>{`${period(m.period, locale)}: ${kwh(m.kwh)} kWh`}</title>
              {parts.map((p) => {
                const r = (
                  <rect
                    key={p.s}
                    class={`bar ${p.s}`}
                    x={x}
                    width={barW}
                    y={y(base + p.v)}
                    height={Math.max(0, y(base) - y(base + p.v))}
                  />
                );
                base += p.v;
                return r;
              })}
              {i % every === (usage.months.length - 1) % every && (
                <text class="axis" x={x + barW / 2} y={H - 6} text-anchor="middle">
                  {monthShort(m.period, locale)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="hall-muted">{t('hall.usage.unit')}</figcaption>
    </figure>
  );
}

/** 1 234 → 1 500: a round top for the axis. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

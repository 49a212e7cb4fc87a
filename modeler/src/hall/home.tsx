import { useLocale } from '../lib/i18n';
import { hallApi } from './api';
import { abs, date, kwh, money, period } from './format';
import type { HallAccount, HallHome } from './types';
import { Loaded, PageTitle, useLoad, useT } from './ui';

/** One account's home: what is owed (or in credit), the late fee today, the last bill, this month, tiers, alerts. */
export function HomePage({ account }: { account: HallAccount }) {
  const t = useT();
  const state = useLoad(() => hallApi.get<HallHome>(`/accounts/${account.id}/home`), [account.id]);
  return (
    <>
      <PageTitle>{t('hall.home.title')}</PageTitle>
      <Loaded state={state}>{(home) => <Home home={home} />}</Loaded>
    </>
  );
}

function Home({ home }: { home: HallHome }) {
  const t = useT();
  const locale = useLocale();
  const owed = !home.netBalance.startsWith('-') && /[1-9]/.test(home.netBalance);
  const credit = home.netBalance.startsWith('-');
  const lateFee = /[1-9]/.test(home.lateFeeToday);
  return (
    <>
      <section class={`hall-card hall-balance${owed ? ' owed' : ''}`} aria-labelledby="balance-title">
        <h2 id="balance-title">
          {owed ? t('hall.home.owed') : credit ? t('hall.home.credit') : t('hall.home.settled')}
        </h2>
        <p class="hall-figure" data-testid="net-balance">
          {money(owed ? home.netBalance : abs(home.netBalance))}
        </p>
        <p class="hall-muted">{t('hall.home.asOf', { date: date(home.asOf, locale) })}</p>
        {owed && home.arrears !== home.netBalance && <p>{t('hall.home.arrears', { amount: money(home.arrears) })}</p>}
        {lateFee && (
          <p class="hall-late-fee" data-testid="late-fee">
            <strong>{t('hall.home.lateFee', { amount: money(home.lateFeeToday) })}</strong>
            <br />
            <small>{t('hall.home.lateFeeNote')}</small>
          </p>
        )}
      </section>

      {home.alerts.length > 0 && (
        <section class="hall-card" aria-labelledby="alerts-title">
          <h2 id="alerts-title">{t('hall.home.alerts')}</h2>
          <ul class="hall-alerts">
            {home.alerts.map((a) => (
              <li key={`${a.code}-${a.billId}`} class={`hall-alert ${a.code}`}>
                <a href={`#/bills/${a.billId}`}>
                  {t(`hall.alert.${a.code}`, {
                    period: period(a.period, locale),
                    days: a.days,
                    amount: money(a.outstanding),
                    date: date(a.dueDate, locale),
                  })}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="hall-card" aria-labelledby="last-bill-title">
        <h2 id="last-bill-title">{t('hall.home.lastBill')}</h2>
        {home.lastBill ? (
          <div class="hall-last-bill">
            <p class="hall-row">
              <span>{period(home.lastBill.period, locale)}</span>
              <strong class="hall-amount">{money(home.lastBill.total)}</strong>
            </p>
            <p class="hall-row hall-muted">
              <span>{t('hall.bill.kwh', { kwh: kwh(home.lastBill.kwh) })}</span>
              <span>
                {home.lastBill.dueDate ? t('hall.home.dueDate', { date: date(home.lastBill.dueDate, locale) }) : ''}
              </span>
            </p>
            <p class="hall-row">
              <span class={`hall-status ${home.lastBill.status}`}>{t(`hall.bill.status.${home.lastBill.status}`)}</span>
              <a href={`#/bills/${home.lastBill.id}`}>{t('hall.home.viewBill')}</a>
            </p>
          </div>
        ) : (
          <p class="hall-muted">{t('hall.home.noBill')}</p>
        )}
      </section>

      <section class="hall-card" aria-labelledby="estimate-title">
        <h2 id="estimate-title">
          {t('hall.home.estimate')}
          {home.estimate ? ` · ${period(home.estimate.period, locale)}` : ''}
        </h2>
        {home.estimate ? (
          <>
            <p class="hall-row">
              <span data-testid="estimate-kwh">{t('hall.bill.kwh', { kwh: kwh(home.estimate.kwh) })}</span>
              <strong class="hall-amount" data-testid="estimate-amount">
                {money(home.estimate.amount)}
              </strong>
            </p>
            <p class="hall-muted">
              {t(`hall.home.estimate.${home.estimate.basis}`, {
                daily: kwh(home.estimate.dailyKwh),
                days: home.estimate.days,
                months: home.estimate.fromPeriods.length,
              })}
            </p>
          </>
        ) : (
          <p class="hall-muted">{t('hall.home.noEstimate')}</p>
        )}
      </section>

      {home.tiers && <Tiers tiers={home.tiers} />}
    </>
  );
}

function Tiers({ tiers }: { tiers: NonNullable<HallHome['tiers']> }) {
  const t = useT();
  const used = Number(tiers.usedKwh);
  const t1 = Number(tiers.t1Kwh);
  const t2 = Number(tiers.t2Kwh);
  // The bar spans a quarter beyond tier 2's threshold, or the usage when it is further.
  const scale = Math.max(t2 * 1.25, used) || 1;
  const pct = (x: number) => `${Math.min(100, (x / scale) * 100).toFixed(2)}%`;
  return (
    <section class="hall-card" aria-labelledby="tiers-title">
      <h2 id="tiers-title">{t('hall.home.tiers', { year: tiers.tierYear })}</h2>
      <p class="hall-row">
        <strong data-testid="tier-used">{t('hall.home.tiers.used', { kwh: kwh(tiers.usedKwh) })}</strong>
        <span class={`hall-tier tier-${tiers.currentTier}`}>
          {t('hall.home.tiers.current', { tier: tiers.currentTier })}
        </span>
      </p>
      <div
        class="hall-tier-bar"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={Math.round(scale)}
        aria-valuenow={Math.round(used)}
        aria-valuetext={t('hall.home.tiers.bar', {
          used: kwh(tiers.usedKwh),
          t1: kwh(tiers.t1Kwh),
          t2: kwh(tiers.t2Kwh),
        })}
        aria-labelledby="tiers-title"
      >
        <span class="band band-1" style={{ width: pct(t1) }} />
        <span class="band band-2" style={{ left: pct(t1), width: `calc(${pct(t2)} - ${pct(t1)})` }} />
        <span class="band band-3" style={{ left: pct(t2), right: '0' }} />
        <span class="used" style={{ width: pct(used) }} />
        <span class="mark" style={{ left: pct(t1) }} />
        <span class="mark" style={{ left: pct(t2) }} />
      </div>
      <p class="hall-muted">
        {t('hall.home.tiers.bounds', { t1: kwh(tiers.t1Kwh), t2: kwh(tiers.t2Kwh) })}
        <br />
        {tiers.leftInTierKwh !== null
          ? t('hall.home.tiers.left', { kwh: kwh(tiers.leftInTierKwh) })
          : t('hall.home.tiers.top')}
      </p>
    </section>
  );
}

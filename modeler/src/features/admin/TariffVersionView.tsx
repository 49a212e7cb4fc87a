import { useT, type Translate } from '../../lib/i18n';
import type { TariffVersion } from '../../../../server/domain/tariffs/schema';
import { fundName } from './tariffs';

const PERIODS = ['sharp', 'peak', 'flat', 'valley', 'deepValley'] as const;
const TIERS = ['tier1', 'tier2', 'tier3'] as const;

/** One version's tables, laid out as a published tariff sheet with units (DOMAIN.md §5). */
export function TariffVersionView({ version, title }: { version: TariffVersion; title: string }) {
  const t = useT();
  return (
    <div class="tariff-sheet" data-testid="tariff-version">
      <h4>
        {title} ·{' '}
        {t('admin.tariff.period.range', {
          from: version.effectiveFrom,
          to: version.effectiveTo ?? t('admin.tariff.openEnded'),
        })}
      </h4>
      {version.kind === 'residential-tiered' ? <Residential t={t} v={version} /> : <Energy t={t} v={version} />}
      {version.kind === 'two-part' && (
        <>
          <h4>{t('admin.tariff.basicCharge')}</h4>
          <dl class="tariff-facts">
            <dt>{t('admin.tariff.capacityPrice')}</dt>
            <dd>
              {version.basicCharge.capacityPricePerKvaMonth} {t('admin.tariff.unit.perKvaMonth')}
            </dd>
            <dt>{t('admin.tariff.demandPrice')}</dt>
            <dd>
              {version.basicCharge.demandPricePerKwMonth} {t('admin.tariff.unit.perKwMonth')}
            </dd>
            <dt>{t('admin.tariff.suspensionRules')}</dt>
            <dd>{t(`admin.tariff.suspension.${version.suspensionRules ?? 'current'}`)}</dd>
          </dl>
        </>
      )}
      <h4>{t('admin.tariff.funds')}</h4>
      {version.funds.length === 0 ? (
        <p class="empty">{t('admin.tariff.noFunds')}</p>
      ) : (
        <table class="grid compact">
          <thead>
            <tr>
              <th scope="col">{t('admin.tariff.fundName')}</th>
              <th scope="col">{t('admin.tariff.fundRate')}</th>
              <th scope="col">{t('admin.tariff.fundBilling')}</th>
            </tr>
          </thead>
          <tbody>
            {version.funds.map((f) => (
              <tr key={f.name}>
                <td>{fundName(t, f.name)}</td>
                <td class="num">
                  {f.perKwh} {t(`admin.tariff.unit.${f.unit}PerKwh`)}
                </td>
                <td>{t(f.inPrice ? 'admin.tariff.inPrice' : 'admin.tariff.outOfPrice')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Residential({ t, v }: { t: Translate; v: Extract<TariffVersion, { kind: 'residential-tiered' }> }) {
  const per = t(`admin.tariff.unit.kwhPer.${v.tierPeriod}`);
  const ranges = [
    t('admin.tariff.range.upTo', { to: v.thresholdsKwh.t1 }),
    t('admin.tariff.range.between', { from: v.thresholdsKwh.t1, to: v.thresholdsKwh.t2 }),
    t('admin.tariff.range.above', { from: v.thresholdsKwh.t2 }),
  ];
  return (
    <>
      <dl class="tariff-facts">
        <dt>{t('admin.tariff.tierPeriod')}</dt>
        <dd>{t(`admin.tariff.tierPeriod.${v.tierPeriod}`)}</dd>
        {v.tierYearStart && (
          <>
            <dt>{t('admin.tariff.tierYearStart')}</dt>
            <dd>{v.tierYearStart}</dd>
          </>
        )}
        <dt>{t('admin.tariff.midYearProration')}</dt>
        <dd>{t(v.midYearProration ? 'admin.tariff.yes' : 'admin.tariff.no')}</dd>
        {v.lowIncomeFreeKwhPerMonth !== undefined && (
          <>
            <dt>{t('admin.tariff.lowIncomeFree')}</dt>
            <dd>
              {v.lowIncomeFreeKwhPerMonth} {t('admin.tariff.unit.kwhPer.monthly')}
            </dd>
          </>
        )}
      </dl>
      <h4>{t('admin.tariff.tiers')}</h4>
      <table class="grid compact" data-testid="tariff-tiers">
        <thead>
          <tr>
            <th scope="col">{t('admin.tariff.tier')}</th>
            <th scope="col">
              {t('admin.tariff.consumption')} ({per})
            </th>
            <th scope="col">
              {t('admin.tariff.price.flat')} ({t('admin.tariff.unit.perKwh')})
            </th>
            {v.prices.touPeak && (
              <th scope="col">
                {t('admin.tariff.price.touPeak')} ({t('admin.tariff.unit.perKwh')})
              </th>
            )}
            {v.prices.touValley && (
              <th scope="col">
                {t('admin.tariff.price.touValley')} ({t('admin.tariff.unit.perKwh')})
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {TIERS.map((tier, i) => (
            <tr key={tier}>
              <th scope="row">{t(`admin.tariff.${tier}`)}</th>
              <td>{ranges[i]}</td>
              <td class="num">{v.prices.flat[tier]}</td>
              {v.prices.touPeak && <td class="num">{v.prices.touPeak[tier]}</td>}
              {v.prices.touValley && <td class="num">{v.prices.touValley[tier]}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Energy({ t, v }: { t: Translate; v: Extract<TariffVersion, { kind: 'single-part' | 'two-part' }> }) {
  const periods = PERIODS.filter((p) => v.energyPrices[p] !== undefined);
  return (
    <>
      <h4>{t('admin.tariff.energyPrices')}</h4>
      <table class="grid compact" data-testid="tariff-energy">
        <thead>
          <tr>
            <th scope="col">{t('admin.tariff.period')}</th>
            <th scope="col">
              {t('admin.tariff.price')} ({t('admin.tariff.unit.perKwh')})
            </th>
            {v.touHours && <th scope="col">{t('admin.tariff.hours')}</th>}
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p}>
              <th scope="row">{t(`admin.tariff.period.${periods.length === 1 ? 'single' : p}`)}</th>
              <td class="num">{v.energyPrices[p]}</td>
              {v.touHours && <td>{(v.touHours[p] ?? []).join(', ')}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

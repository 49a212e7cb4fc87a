import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import { formatDuration, type Bottleneck, type Workload } from './api';

/** Steps ranked by time lost, with the evidence for a first reading of the cause. */
export function BottleneckTable({ steps }: { steps: Bottleneck[] }) {
  const t = useT();
  return (
    <section class="monitor-card" aria-labelledby="monitor-bottlenecks">
      <h2 id="monitor-bottlenecks">{t('monitor.bottlenecks')}</h2>
      {steps.length === 0 ? (
        <p class="empty">{t('monitor.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">{t('monitor.col.step')}</th>
                <th scope="col">{t('monitor.col.tokens')}</th>
                <th scope="col">{t('monitor.col.timeLost')}</th>
                <th scope="col">{t('monitor.col.waitP50')}</th>
                <th scope="col">{t('monitor.col.workP50')}</th>
                <th scope="col">{t('monitor.col.p90')}</th>
                <th scope="col">{t('monitor.col.breach')}</th>
                <th scope="col">{t('monitor.col.cause')}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={s.elementId}>
                  <th scope="row">{s.name}</th>
                  <td>{s.tokens}</td>
                  <td>{formatDuration(s.timeLostMs)}</td>
                  <td>{formatDuration(s.waiting.p50Ms)}</td>
                  <td>{formatDuration(s.working.p50Ms)}</td>
                  <td>{formatDuration(s.duration.p90Ms)}</td>
                  <td>{s.sla.breachShare === null ? '—' : `${Math.round(s.sla.breachShare * 100)}%`}</td>
                  <td>{t(`monitor.cause.${s.cause.kind}`, { username: s.cause.username ?? '' })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Open tasks per person and per candidate group: too few people, or one person overloaded? */
export function WorkloadTables({ workload }: { workload: Workload }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section class="monitor-card" aria-labelledby="monitor-workload">
      <h2 id="monitor-workload">{t('monitor.workload')}</h2>
      <div class="monitor-columns">
        <div class="table-wrap">
          <table class="grid">
            <caption>{t('monitor.workload.people')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('monitor.col.person')}</th>
                <th scope="col">{t('monitor.col.open')}</th>
                <th scope="col">{t('monitor.col.overdue')}</th>
                <th scope="col">{t('monitor.col.oldest')}</th>
              </tr>
            </thead>
            <tbody>
              {workload.people.map((p) => (
                <tr key={p.username}>
                  <th scope="row" title={p.username}>
                    {p.displayName ?? p.username}
                  </th>
                  <td>{p.open}</td>
                  <td>{p.overdue}</td>
                  <td>{formatDateTime(p.oldestCreatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="table-wrap">
          <table class="grid">
            <caption>{t('monitor.workload.groups')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('monitor.col.group')}</th>
                <th scope="col">{t('monitor.col.unclaimed')}</th>
                <th scope="col">{t('monitor.col.overdue')}</th>
                <th scope="col">{t('monitor.col.oldest')}</th>
              </tr>
            </thead>
            <tbody>
              {workload.groups.map((g) => (
                <tr key={g.group}>
                  <th scope="row" title={g.group}>
                    {(locale === 'en' ? (g.nameEn ?? g.name) : g.name) ?? g.group}
                  </th>
                  <td>{g.unclaimed}</td>
                  <td>{g.overdue}</td>
                  <td>{formatDateTime(g.oldestCreatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

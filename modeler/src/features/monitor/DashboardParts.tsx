import { useMemo } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import type { Dashboard } from './api';
import { Chart } from './charts';

/** The KPI tiles: running, completed, cancelled, open incidents, SLA compliance, overdue tasks. */
export function Kpis({ dashboard }: { dashboard: Dashboard }) {
  const t = useT();
  const { counts, sla } = dashboard;
  const decided = sla.onTime + sla.breached;
  // Compliance of nothing is not 0 %: with no finished work that had a deadline, say so.
  const slaHint =
    sla.compliance === null
      ? t('monitor.kpi.sla.none')
      : t('monitor.kpi.sla.detail', { onTime: sla.onTime, total: decided });
  const tiles: [string, string, string | number, string?][] = [
    ['running', t('monitor.kpi.running'), counts.running],
    ['completed', t('monitor.kpi.completed'), counts.completed],
    ['cancelled', t('monitor.kpi.cancelled'), counts.cancelled],
    ['incidents', t('monitor.kpi.incidents'), counts.openIncidents],
    ['sla', t('monitor.kpi.sla'), sla.compliance === null ? '—' : `${Math.round(sla.compliance * 100)}%`, slaHint],
    ['overdue', t('monitor.kpi.overdue'), sla.openOverdue],
  ];
  return (
    <ul class="monitor-kpis" aria-label={t('monitor.kpi')}>
      {tiles.map(([id, label, value, hint]) => (
        <li key={id} class={`kpi kpi-${id}`}>
          <span class="kpi-label" id={`kpi-${id}-label`}>
            {label}
          </span>
          <output
            class="kpi-value"
            aria-labelledby={`kpi-${id}-label`}
            aria-describedby={hint ? `kpi-${id}-hint` : undefined}
            data-testid={`kpi-${id}`}
          >
            {value}
          </output>
          {hint && (
            <span class="kpi-hint" id={`kpi-${id}-hint`} data-testid={`kpi-${id}-hint`}>
              {hint}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ThroughputChart({ dashboard }: { dashboard: Dashboard }) {
  const t = useT();
  const option = useMemo(() => {
    const points = dashboard.throughput;
    return {
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: points.map((p) => formatDateTime(p.at)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('monitor.chart.started'), type: 'line', data: points.map((p) => p.started) },
        { name: t('monitor.chart.completed'), type: 'bar', data: points.map((p) => p.completed) },
        { name: t('monitor.chart.cancelled'), type: 'bar', data: points.map((p) => p.cancelled) },
      ],
    };
  }, [dashboard, t]);
  return (
    <figure class="monitor-card">
      <figcaption>{t('monitor.chart.throughput')}</figcaption>
      <Chart option={option} label={t('monitor.chart.throughput')} testId="chart-throughput" />
    </figure>
  );
}

export function BacklogChart({ dashboard }: { dashboard: Dashboard }) {
  const t = useT();
  const option = useMemo(() => {
    const steps = dashboard.backlog;
    return {
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 32, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: steps.map((s) => s.name) },
      series: [
        { name: t('monitor.chart.unclaimed'), type: 'bar', stack: 'b', data: steps.map((s) => s.unclaimed) },
        { name: t('monitor.chart.claimed'), type: 'bar', stack: 'b', data: steps.map((s) => s.claimed) },
        {
          name: t('monitor.chart.other'),
          type: 'bar',
          stack: 'b',
          data: steps.map((s) => Math.max(0, s.tokens - s.unclaimed - s.claimed)),
        },
      ],
    };
  }, [dashboard, t]);
  return (
    <figure class="monitor-card">
      <figcaption>{t('monitor.chart.backlog')}</figcaption>
      <Chart option={option} label={t('monitor.chart.backlog')} testId="chart-backlog" />
    </figure>
  );
}

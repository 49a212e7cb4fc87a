import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { useLocale, useT } from '../../lib/i18n';
import { nameIn, nameFor } from '../../lib/bilingual';
import { onConnectionChange, isConnected, subscribe, type RealtimeEvent } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import {
  monitoringApi,
  type Alerts,
  type Bottleneck,
  type Dashboard,
  type ElementFigures,
  type Filters,
  type Workload,
} from './api';
import { AlertsPanel } from './AlertsPanel';
import { BacklogChart, Kpis, ThroughputChart } from './DashboardParts';
import { BottleneckTable, WorkloadTables } from './Tables';
import { LiveDiagram } from './LiveDiagram';
import './monitor.css';

const PERIODS = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30, '90d': 24 * 90 } as const;
type Period = keyof typeof PERIODS;

declare global {
  interface Window {
    /** Realtime events this page received (the browser test reads it). */
    __monitorEvents?: { count: number; topics: string[]; departments: (string | null)[] };
  }
}

/**
 * The manager's dashboard (issue 8 §1–4): filters, KPI tiles, throughput and backlog charts,
 * the live diagram, bottlenecks, workload and SLA alerts — refreshed as events arrive.
 */
export function MonitorPage() {
  const t = useT();
  const { user } = useSession();
  const [processes, setProcesses] = useState<{ key: string; name: string | null }[] | null>(null);
  const [key, setKey] = useState<string>('');
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [department, setDepartment] = useState<string | undefined>(undefined);
  const [period, setPeriod] = useState<Period>('7d');
  const [horizon, setHorizon] = useState('PT4H');
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [elements, setElements] = useState<ElementFigures[]>([]);
  const [bottlenecks, setBottlenecks] = useState<Bottleneck[]>([]);
  const [workload, setWorkload] = useState<Workload | null>(null);
  const [alerts, setAlerts] = useState<Alerts | null>(null);
  const [xml, setXml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(isConnected());

  useEffect(() => {
    monitoringApi
      .processes()
      .then((r) => {
        setProcesses(r.items);
        const fromHash = new URLSearchParams(location.hash.split('?')[1] ?? '').get('process');
        setKey(r.items.find((p) => p.key === fromHash)?.key ?? r.items[0]?.key ?? '');
      })
      .catch((err: unknown) => setError(String((err as Error).message ?? err)));
  }, []);

  const filters = useMemo<Filters | null>(
    () =>
      key
        ? {
            definitionKey: key,
            version,
            departmentId: department,
            from: new Date(Date.now() - PERIODS[period] * 3_600_000).toISOString(),
            bucket: period === '24h' ? 'hour' : 'day',
          }
        : null,
    [key, version, department, period],
  );

  const load = useCallback(async () => {
    if (!filters) return;
    try {
      const f = { ...filters, from: new Date(Date.now() - PERIODS[period] * 3_600_000).toISOString() };
      const [d, a, b, w, al] = await Promise.all([
        monitoringApi.dashboard(f),
        monitoringApi.activities(f),
        monitoringApi.bottlenecks(f),
        monitoringApi.workload(f),
        monitoringApi.alerts(f, horizon),
      ]);
      setDashboard(d);
      setElements(a.elements);
      setBottlenecks(b.steps);
      setWorkload(w);
      setAlerts(al);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [filters, horizon, period]);

  useEffect(() => {
    void load();
  }, [load]);

  const shownId = dashboard?.definition.shownDefinitionId;
  useEffect(() => {
    if (!shownId) return;
    api
      .get<string>(`/process-definitions/${shownId}/xml`)
      .then(setXml)
      .catch((err: unknown) => {
        setXml(null);
        setError(err instanceof Error ? err.message : String(err));
      });
  }, [shownId]);

  // Live: one department room (the filter's, or the user's own), reloading (throttled) on events.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastLoad = useRef(0);
  const reload = useRef(load);
  reload.current = load;
  const room = `department:${department ?? user?.departmentId ?? ''}`;
  useEffect(() => {
    if (!user) return;
    window.__monitorEvents ??= { count: 0, topics: [], departments: [] };
    const off = subscribe(
      room,
      (event: RealtimeEvent) => {
        const seen = window.__monitorEvents!;
        seen.count += 1;
        seen.topics.push(event.topic);
        seen.departments.push(event.departmentId);
        if (event.definitionKey && event.definitionKey !== key && !event.topic.startsWith('sla:')) return;
        // At most one reload a second however busy the department: a burst of events is one reload.
        if (timer.current) return;
        const wait = Math.min(1000, Math.max(100, lastLoad.current + 1000 - Date.now()));
        timer.current = setTimeout(() => {
          timer.current = null;
          lastLoad.current = Date.now();
          void reload.current();
        }, wait);
      },
      { onResync: () => void reload.current() },
    );
    const offStatus = onConnectionChange(setLive);
    return () => {
      off();
      offStatus();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [room, key, user]);

  const locale = useLocale();
  return (
    <section class="page monitor">
      <header class="monitor-head">
        <h1>{t('monitor.title')}</h1>
        <span class={live ? 'live on' : 'live off'} role="status">
          {live ? t('monitor.live.on') : t('monitor.live.off')}
        </span>
      </header>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {processes && processes.length === 0 && <p class="empty">{t('monitor.noProcess')}</p>}
      <form class="monitor-filters" aria-label={t('monitor.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('monitor.filter.process')}
          <select value={key} onChange={(e) => (setKey(e.currentTarget.value), setVersion(undefined))}>
            {(processes ?? []).map((p) => (
              <option key={p.key} value={p.key}>
                {nameIn(p.name, locale) ?? p.key}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('monitor.filter.version')}
          <select
            value={version ?? ''}
            onChange={(e) => setVersion(e.currentTarget.value ? Number(e.currentTarget.value) : undefined)}
          >
            <option value="">{t('monitor.filter.version.all')}</option>
            {(dashboard?.definition.versions ?? []).map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('monitor.filter.department')}
          <select value={department ?? ''} onChange={(e) => setDepartment(e.currentTarget.value || undefined)}>
            <option value="">{t('monitor.filter.department.all')}</option>
            {(dashboard?.departments ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {'\u3000'.repeat(d.depth)}
                {nameFor(locale, d.name, d.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('monitor.filter.period')}
          <select value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
            {(Object.keys(PERIODS) as Period[]).map((p) => (
              <option key={p} value={p}>
                {t(`monitor.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {dashboard && (
        <>
          <Kpis dashboard={dashboard} />
          <div class="monitor-charts">
            <ThroughputChart dashboard={dashboard} />
            <BacklogChart dashboard={dashboard} />
          </div>
          {xml && filters && (
            <LiveDiagram
              xml={xml}
              elements={elements}
              filters={filters}
              departmentName={(id) => {
                const d = dashboard?.departments.find((x) => x.id === id);
                return d ? nameFor(locale, d.name, d.nameEn) : id;
              }}
            />
          )}
          <AlertsPanel alerts={alerts} horizon={horizon} onHorizon={setHorizon} onChanged={() => void load()} />
          <BottleneckTable steps={bottlenecks} />
          {workload && <WorkloadTables workload={workload} />}
        </>
      )}
    </section>
  );
}

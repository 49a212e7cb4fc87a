import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocale, useT } from '../../lib/i18n';
import { showToast } from '../../lib/toast';
import { Chart } from '../monitor/charts';
import {
  reportsApi,
  type Department,
  type ReportQuery,
  type ReportResult,
  type ReportSchedule,
  type ReportSummary,
} from './api';
import './reports.css';
import { nameFor } from '../../lib/bilingual';

type Cell = string | number | null | undefined;
type Column = ReportResult['columns'][number];

/** 1,234.56 from a decimal string, without a round trip through floating point. */
function grouped(value: string): string {
  const negative = value.startsWith('-');
  const [whole = '0', fraction] = value.replace(/^[-+]/, '').split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${digits}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** A cell as the column's type reads: money and quantities grouped, ratios as percentages. */
function shown(column: Column, value: Cell): string {
  if (value === null || value === undefined || value === '') return '';
  if (column.type === 'percent') return `${(Number(value) * 100).toFixed(2)}%`;
  if (column.type === 'money' || column.type === 'number') return grouped(String(value));
  return String(value);
}

const numeric = (c: Column) => c.type === 'money' || c.type === 'number';

/** The first of the month and today, as the server's defaults are. */
function defaultPeriod(): { from: string; to: string } {
  const today = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const to = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  return { from: `${to.slice(0, 7)}-01`, to };
}

/**
 * A bar chart of the first rows: labelled by the text columns that are not codes, the first two
 * money columns as bars (else the first two counts), so the bars on the one axis are like with like.
 */
function chartOption(result: ReportResult, locale: 'zh' | 'en') {
  const labels = result.columns.filter((c) => c.type === 'text' && !/Id$|^category$|^accountNo$/.test(c.id));
  const money = result.columns.filter((c) => c.type === 'money');
  const series = (money.length ? money : result.columns.filter(numeric)).slice(0, 2);
  const rows = result.rows.slice(0, 30);
  return {
    // Drawn at once: a report is read (and printed or captured) as it stands, not watched growing.
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 36, bottom: 60 },
    xAxis: {
      type: 'category',
      data: rows.map((r) => labels.map((c) => r[c.id] ?? '').join(' ') || '—'),
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0, width: 120, overflow: 'truncate' },
    },
    yAxis: { type: 'value' },
    series: series.map((c) => ({ type: 'bar', name: c.label[locale], data: rows.map((r) => Number(r[c.id] ?? 0)) })),
  };
}

/**
 * The report centre: the catalogue on the left; a report's parameters (period, a department of
 * the user's report:read scope, a category where the report takes one), its table with the totals
 * row and a chart, its files; and the user's scheduled reports with the files their runs made.
 */
export function ReportsPage() {
  const t = useT();
  const locale = useLocale();
  const [catalogue, setCatalogue] = useState<ReportSummary[] | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [values, setValues] = useState<ReportQuery>(defaultPeriod());
  const [result, setResult] = useState<ReportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [schedules, setSchedules] = useState<ReportSchedule[]>([]);
  const [frequency, setFrequency] = useState<'daily' | 'monthly'>('monthly');
  const [fileLang, setFileLang] = useState<'zh' | 'en'>(locale);

  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));
  const loadSchedules = () =>
    reportsApi
      .schedules()
      .then((l) => setSchedules(l.items))
      .catch(fail);

  useEffect(() => {
    reportsApi
      .catalogue()
      .then((l) => {
        setCatalogue(l.items);
        setSelected((s) => s ?? l.items[0]?.id ?? null);
      })
      .catch(fail);
    reportsApi
      .departments()
      .then((l) => setDepartments(l.items))
      .catch(fail);
    void loadSchedules();
  }, []);

  const report = catalogue?.find((r) => r.id === selected) ?? null;
  /** The values this report takes, none empty. */
  const query = useMemo(() => {
    const q: ReportQuery = {};
    for (const p of report?.parameters ?? []) if (values[p.id]) q[p.id] = values[p.id] as string;
    return q;
  }, [report, values]);

  async function run() {
    if (!report) return;
    setBusy(true);
    try {
      setResult(await reportsApi.run(report.id, { ...query, lang: locale }));
      setError(null);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }

  async function schedule() {
    if (!report) return;
    try {
      const parameters: { departmentId?: string; category?: string } = {};
      if (query.departmentId) parameters.departmentId = query.departmentId;
      if (query.category) parameters.category = query.category;
      const created = await reportsApi.schedule({ reportId: report.id, parameters, frequency, language: fileLang });
      showToast('success', t('reports.schedule.created', { date: created.nextRunOn }));
      setError(null);
      await loadSchedules();
    } catch (err) {
      fail(err);
    }
  }

  async function unschedule(id: string) {
    if (!window.confirm(t('reports.schedules.confirm'))) return;
    try {
      await reportsApi.unschedule(id);
      await loadSchedules();
    } catch (err) {
      fail(err);
    }
  }

  const option = useMemo(() => (result && result.rows.length ? chartOption(result, locale) : null), [result, locale]);
  const name = (r: { name: { zh: string; en: string } }) => r.name[locale];

  return (
    <section class="page reports-page">
      <h1>{t('reports.title')}</h1>
      <p class="muted">{t('reports.intro')}</p>
      <div class="reports-layout">
        <nav class="reports-catalogue" aria-label={t('reports.catalogue')}>
          <ul>
            {(catalogue ?? []).map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  class={r.id === selected ? 'selected' : undefined}
                  aria-current={r.id === selected ? 'true' : undefined}
                  data-report={r.id}
                  title={r.description[locale]}
                  onClick={() => {
                    setSelected(r.id);
                    setResult(null);
                    setError(null);
                  }}
                >
                  {name(r)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div class="reports-main">
          {report && (
            <>
              <h2>{name(report)}</h2>
              <p class="muted">{report.description[locale]}</p>
              <form
                class="reports-parameters"
                aria-label={t('reports.parameters')}
                onSubmit={(e) => {
                  e.preventDefault();
                  void run();
                }}
              >
                {report.parameters.map((p) => (
                  <label key={p.id} title={p.description[locale]}>
                    {p.label[locale]}
                    {p.type === 'date' && (
                      <input
                        type="date"
                        name={p.id}
                        value={values[p.id] ?? ''}
                        onInput={(e) => setValues({ ...values, [p.id]: e.currentTarget.value })}
                      />
                    )}
                    {p.type === 'department' && (
                      <select
                        name={p.id}
                        value={values[p.id] ?? ''}
                        onChange={(e) => setValues({ ...values, [p.id]: e.currentTarget.value })}
                      >
                        <option value="">{t('reports.department.all')}</option>
                        {departments.map((d) => (
                          <option key={d.id} value={d.id}>
                            {'\u3000'.repeat(Math.max(0, d.path.split('/').filter(Boolean).length - 1))}
                            {nameFor(locale, d.name, d.nameEn)}
                          </option>
                        ))}
                      </select>
                    )}
                    {p.type === 'choice' && (
                      <select
                        name={p.id}
                        value={values[p.id] ?? ''}
                        onChange={(e) => setValues({ ...values, [p.id]: e.currentTarget.value })}
                      >
                        <option value="">{t('reports.choice.all')}</option>
                        {(p.options ?? []).map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.value} {o.label[locale]}
                          </option>
                        ))}
                      </select>
                    )}
                  </label>
                ))}
                <div class="reports-actions">
                  <button type="submit" class="primary" disabled={busy}>
                    {t('reports.run')}
                  </button>
                  <a class="button" href={reportsApi.fileUrl(report.id, query, 'xlsx', locale)} download>
                    {t('reports.xlsx')}
                  </a>
                  <a class="button" href={reportsApi.fileUrl(report.id, query, 'csv', locale)} download>
                    {t('reports.csv')}
                  </a>
                </div>
              </form>
              <form
                class="reports-schedule"
                aria-label={t('reports.schedule')}
                onSubmit={(e) => {
                  e.preventDefault();
                  void schedule();
                }}
              >
                <strong>{t('reports.schedule')}</strong>
                <label>
                  {t('reports.schedule.frequency')}
                  <select
                    name="frequency"
                    value={frequency}
                    onChange={(e) => setFrequency(e.currentTarget.value as 'daily' | 'monthly')}
                  >
                    <option value="daily">{t('reports.schedule.daily')}</option>
                    <option value="monthly">{t('reports.schedule.monthly')}</option>
                  </select>
                </label>
                <label>
                  {t('reports.schedule.language')}
                  <select
                    name="language"
                    value={fileLang}
                    onChange={(e) => setFileLang(e.currentTarget.value as 'zh' | 'en')}
                  >
                    <option value="zh">{t('reports.lang.zh')}</option>
                    <option value="en">{t('reports.lang.en')}</option>
                  </select>
                </label>
                <button type="submit">{t('reports.schedule.create')}</button>
              </form>
            </>
          )}
          {error && <p role="alert">{t('app.error', { message: error })}</p>}
          {busy && <p aria-busy="true">{t('app.loading')}</p>}
          {result && result.id === report?.id && (
            <ReportTable result={result} locale={locale} option={option} name={name(report)} />
          )}
          <Schedules schedules={schedules} locale={locale} onDelete={(id) => void unschedule(id)} />
        </div>
      </div>
    </section>
  );
}

function ReportTable({
  result,
  locale,
  option,
  name,
}: {
  result: ReportResult;
  locale: 'zh' | 'en';
  option: unknown;
  name: string;
}) {
  const t = useT();
  if (!result.rows.length) return <p class="empty">{t('reports.empty')}</p>;
  return (
    <>
      {option !== null && (
        <div class="reports-chart">
          <Chart option={option} label={t('reports.chart', { name })} testId="report-chart" />
        </div>
      )}
      {result.truncated && <p class="muted">{t('reports.truncated', { count: result.rows.length })}</p>}
      <div class="table-wrap">
        <table class="grid reports-table" aria-label={name}>
          <thead>
            <tr>
              {result.columns.map((c) => (
                <th key={c.id} scope="col" class={numeric(c) || c.type === 'percent' ? 'num' : undefined}>
                  {c.label[locale]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, i) => (
              <tr key={i}>
                {result.columns.map((c) => (
                  <td key={c.id} class={numeric(c) || c.type === 'percent' ? 'num' : undefined}>
                    {shown(c, row[c.id])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr class="reports-totals" data-testid="report-totals">
              {result.columns.map((c, i) => (
                <td key={c.id} class={numeric(c) || c.type === 'percent' ? 'num' : undefined}>
                  {i === 0 ? t('reports.total') : shown(c, result.totals[c.id])}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

function Schedules({
  schedules,
  locale,
  onDelete,
}: {
  schedules: ReportSchedule[];
  locale: 'zh' | 'en';
  onDelete: (id: string) => void;
}) {
  const t = useT();
  return (
    <section class="reports-schedules" aria-label={t('reports.schedules')}>
      <h2>{t('reports.schedules')}</h2>
      {!schedules.length && <p class="empty">{t('reports.schedules.empty')}</p>}
      {schedules.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t('reports.catalogue')}</th>
              <th scope="col">{t('reports.schedule.frequency')}</th>
              <th scope="col">{t('reports.schedules.next')}</th>
              <th scope="col">{t('reports.schedules.files')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.id} data-schedule={s.id}>
                <td>
                  {s.reportName[locale]}
                  {s.parameters.departmentId ? ` · ${s.parameters.departmentId}` : ''}
                  {s.parameters.category ? ` · ${s.parameters.category}` : ''}
                </td>
                <td>{t(`reports.schedule.${s.frequency}`)}</td>
                <td>{s.nextRunOn}</td>
                <td class="reports-files">
                  {s.lastError && (
                    <span class="reports-error">{t('reports.schedules.error', { message: s.lastError })}</span>
                  )}
                  {!s.files.length && !s.lastError && <span class="muted">{t('reports.schedules.noFiles')}</span>}
                  {s.files.slice(0, 5).map((f) => (
                    <a key={f.id} href={reportsApi.producedFileUrl(f.id)} download={f.filename}>
                      {f.filename}
                    </a>
                  ))}
                </td>
                <td>
                  <button type="button" onClick={() => onDelete(s.id)}>
                    {t('reports.schedules.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

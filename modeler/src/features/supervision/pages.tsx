import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { formatDateTime, useT } from '../../lib/i18n';
import { can, useSession } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { AttachmentsPanel } from '../worklist/ActivityPanels';
import type { List } from '../../../../server/lib/contract';
import type {
  CustomerHistory,
  Dashboard,
  Escalation,
  GroupNode,
  GroupTree,
  Industry,
  IndustryList,
  IndustryLists,
  RegisterEntry,
  WarningDetail,
  WarningSummary,
  WarningTask,
} from '../../../../server/supervision/supervision.contract';
import {
  LevelBadge,
  SupervisionTabs,
  TACTICS,
  errorText,
  forgetIndustryNames,
  kwh,
  money,
  useIndustryName,
  useProvinceName,
  useProvinces,
} from './shared';
import { DataTable, FilterBar, PAGE, PagedList, SelectFilter, useCriteria, type Column } from './table';
import './supervision.css';

const LEVELS = ['A', 'B', 'C'].map((l) => ({ value: l, label: l }));

function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | null, string | null, () => void] {
  const t = useT();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(() => {
    load().then(
      (v) => {
        setValue(v);
        setError(null);
      },
      (err: unknown) => setError(errorText(t, err)),
    );
  }, deps);
  useEffect(run, [run]);
  return [value, error, run];
}

function StatusBadge({ w }: { w: Pick<WarningSummary, 'status' | 'overdue'> }) {
  const t = useT();
  return (
    <span class="sv-status">
      <span class={`sv-badge sv-status-${w.status}`}>{t(`supervision.status.${w.status}`)}</span>
      {w.overdue && w.status !== 'closed' && <span class="sv-badge sv-overdue">{t('supervision.overdue')}</span>}
    </span>
  );
}

async function issue(t: ReturnType<typeof useT>, customerId: string, name: string): Promise<WarningDetail | null> {
  try {
    const created = await api.post<WarningDetail>('/supervision/warnings', { customerId });
    showToast('success', t('supervision.issued', { name }));
    return created;
  } catch (err) {
    showToast('error', errorText(t, err));
    return null;
  }
}

// ---- the register -----------------------------------------------------------------------------

interface RegisterCriteria {
  provinceId: string;
  industry: string;
  level: string;
  minArrears: string;
}

/** The province filter: the department tree's provinces in the caller's sight. */
function ProvinceFilter({ value, onChange }: { value: string; onChange: (provinceId: string) => void }) {
  const t = useT();
  const provinces = useProvinces();
  const provinceName = useProvinceName();
  return (
    <SelectFilter
      label={t('supervision.filter.province')}
      name="provinceId"
      value={value}
      choices={provinces.map((p) => ({ value: p.id, label: provinceName(p.id) }))}
      onChange={onChange}
    />
  );
}

function LevelFilter({ value, onChange }: { value: string; onChange: (level: string) => void }) {
  const t = useT();
  return (
    <SelectFilter
      label={t('supervision.filter.level')}
      name="level"
      value={value}
      choices={LEVELS}
      onChange={onChange}
    />
  );
}

export function RegisterPage() {
  const t = useT();
  const { user } = useSession();
  const industryName = useIndustryName();
  const provinceName = useProvinceName();
  const { draft, edit, criteria, apply, offset, setOffset } = useCriteria<RegisterCriteria>({
    provinceId: '',
    industry: '',
    level: '',
    minArrears: '',
  });
  const [industries, setIndustries] = useState<Industry[]>([]);
  useEffect(() => {
    api.get<IndustryLists>('/supervision/industries').then(
      (l) => setIndustries(l.published?.industries ?? []),
      () => setIndustries([]),
    );
  }, []);
  const [page, error, reload] = useLoad(
    () =>
      api.get<List<RegisterEntry> & { date: string | null }>('/supervision/register', {
        ...criteria,
        offset,
        limit: PAGE,
      }),
    [criteria, offset],
  );
  const manages = can(user, 'risk', 'manage');
  const columns: Column<RegisterEntry>[] = [
    { id: 'account', label: t('supervision.col.account'), className: 'sv-mono', cell: (r) => r.accountNo },
    {
      id: 'customer',
      label: t('supervision.col.customer'),
      cell: (r) => <a href={`#/supervision/customers/${r.customerId}`}>{r.name}</a>,
    },
    { id: 'province', label: t('supervision.col.province'), cell: (r) => provinceName(r.provinceId) },
    { id: 'industry', label: t('supervision.col.industry'), cell: (r) => industryName(r.industry) },
    { id: 'level', label: t('supervision.col.level'), cell: (r) => <LevelBadge level={r.level} /> },
    { id: 'rules', label: t('supervision.col.rules'), className: 'sv-rules', cell: (r) => r.rules.join(' ') },
    ...arrearsColumns<RegisterEntry>(t),
    {
      id: 'warning',
      label: t('supervision.col.warning'),
      cell: (r) =>
        r.openWarningId ? (
          <a href={`#/supervision/warnings/${r.openWarningId}`}>
            {t(`supervision.status.${r.openWarningStatus ?? 'open'}`)}
          </a>
        ) : manages ? (
          <button
            type="button"
            class="small"
            onClick={() => void issue(t, r.customerId, r.name).then((w) => w && reload())}
          >
            {t('supervision.issue')}
          </button>
        ) : (
          <span class="muted">—</span>
        ),
    },
  ];
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <h1>{t('supervision.register.title')}</h1>
      <p class="muted">{t('supervision.register.intro')}</p>
      <FilterBar label={t('supervision.register.title')} onSearch={apply}>
        <ProvinceFilter value={draft.provinceId} onChange={(provinceId) => edit({ provinceId })} />
        <SelectFilter
          label={t('supervision.filter.industry')}
          name="industry"
          value={draft.industry}
          choices={industries.map((i) => ({ value: i.code, label: industryName(i.code) }))}
          onChange={(industry) => edit({ industry })}
        />
        <LevelFilter value={draft.level} onChange={(level) => edit({ level })} />
        <label>
          {t('supervision.filter.minArrears')}
          <input
            name="minArrears"
            inputMode="decimal"
            value={draft.minArrears}
            onInput={(e) => edit({ minArrears: e.currentTarget.value })}
          />
        </label>
      </FilterBar>
      <PagedList
        page={page}
        error={error}
        offset={offset}
        setOffset={setOffset}
        before={
          <p class="muted">
            {page?.date ? t('supervision.register.date', { date: page.date }) : t('supervision.register.none')}
          </p>
        }
      >
        {(items) => (
          <DataTable
            label={t('supervision.register.title')}
            columns={columns}
            rows={items}
            rowKey={(r) => r.customerId}
            rowAttributes={(r) => ({ 'data-account': r.accountNo })}
          />
        )}
      </PagedList>
    </section>
  );
}

/** The current-year, prior-years and total arrears columns of the register and the big-arrears list. */
function arrearsColumns<T extends { arrearsCurrentYear: string; arrearsPriorYears: string; arrearsTotal: string }>(
  t: ReturnType<typeof useT>,
): Column<T>[] {
  return [
    {
      id: 'currentYear',
      label: t('supervision.col.currentYear'),
      numeric: true,
      cell: (r) => money(r.arrearsCurrentYear),
    },
    {
      id: 'priorYears',
      label: t('supervision.col.priorYears'),
      numeric: true,
      cell: (r) => money(r.arrearsPriorYears),
    },
    { id: 'total', label: t('supervision.col.total'), numeric: true, cell: (r) => money(r.arrearsTotal) },
  ];
}

// ---- a customer's history ---------------------------------------------------------------------

function Bars({ values, label }: { values: { key: string; value: number; late?: boolean }[]; label: string }) {
  const max = Math.max(1, ...values.map((v) => v.value));
  const w = 24;
  const h = 120;
  return (
    <svg
      class="sv-bars"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${values.length * w + 10} ${h + 34}`}
      width={values.length * w + 10}
      height={h + 34}
    >
      {values.map((v, i) => {
        const bh = Math.round((v.value / max) * h);
        return (
          <g key={v.key}>
            <rect x={i * w + 6} y={h - bh + 4} width={w - 6} height={bh} class={v.late ? 'late' : undefined}>
              <title>{`${v.key}: ${v.value.toLocaleString()}`}</title>
            </rect>
            <text x={i * w + 6 + (w - 6) / 2} y={h + 18} text-anchor="middle">
              {v.key.slice(5)}
            </text>
            {v.key.endsWith('-01') && (
              <text x={i * w + 6 + (w - 6) / 2} y={h + 31} text-anchor="middle">
                {v.key.slice(0, 4)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function WarningRows({ items }: { items: WarningSummary[] }) {
  const t = useT();
  const industryName = useIndustryName();
  const provinceName = useProvinceName();
  const columns: Column<WarningSummary>[] = [
    {
      id: 'account',
      label: t('supervision.col.account'),
      className: 'sv-mono',
      cell: (w) => <a href={`#/supervision/warnings/${w.id}`}>{w.accountNo}</a>,
    },
    { id: 'customer', label: t('supervision.col.customer'), cell: (w) => w.customerName },
    { id: 'province', label: t('supervision.col.province'), cell: (w) => provinceName(w.provinceId) },
    { id: 'industry', label: t('supervision.col.industry'), cell: (w) => industryName(w.industry) },
    { id: 'level', label: t('supervision.col.level'), cell: (w) => <LevelBadge level={w.level} /> },
    { id: 'status', label: t('supervision.col.status'), cell: (w) => <StatusBadge w={w} /> },
    { id: 'total', label: t('supervision.col.total'), numeric: true, cell: (w) => money(w.arrearsTotal) },
    { id: 'opened', label: t('supervision.col.opened'), cell: (w) => formatDateTime(w.openedAt) },
    {
      id: 'deadline',
      label: t('supervision.col.deadline'),
      cell: (w) => (w.deadlineAt ? formatDateTime(w.deadlineAt) : '—'),
    },
  ];
  return (
    <DataTable
      label={t('supervision.warnings.title')}
      columns={columns}
      rows={items}
      rowKey={(w) => w.id}
      rowAttributes={(w) => ({ 'data-warning-id': w.id })}
    />
  );
}

function recoveryColumns(t: ReturnType<typeof useT>): Column<CustomerHistory['recovery'][number]>[] {
  return [
    { id: 'period', label: t('supervision.customer.period'), cell: (r) => r.period },
    { id: 'billed', label: t('supervision.customer.billed'), numeric: true, cell: (r) => money(r.billed) },
    { id: 'paid', label: t('supervision.customer.paid'), numeric: true, cell: (r) => money(r.paid) },
    { id: 'due', label: t('supervision.customer.due'), cell: (r) => r.dueDate },
    { id: 'paidOn', label: t('supervision.customer.paidOn'), cell: (r) => r.paidOn ?? '—' },
    {
      id: 'late',
      label: t('supervision.customer.late'),
      cell: (r) => (r.late ? t('supervision.yes') : t('supervision.no')),
    },
  ];
}

export function CustomerPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { user } = useSession();
  const industryName = useIndustryName();
  const [c, error, reload] = useLoad(
    () => api.get<CustomerHistory>(`/supervision/customers/${params.id ?? ''}`),
    [params.id],
  );
  const open = c?.warnings.some((w) => w.status !== 'closed');
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <p>
        <a href="#/supervision">← {t('supervision.customer.back')}</a>
      </p>
      <h1>
        {t('supervision.customer.title')}
        {c && ` · ${c.name}`}
      </h1>
      {error && <p role="alert">{error}</p>}
      {!c && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {c && (
        <>
          <div class="sv-cards">
            <div class="sv-card">
              <h2>{t('supervision.customer.facts')}</h2>
              <dl class="sv-facts">
                <dt>{t('supervision.col.account')}</dt>
                <dd class="sv-mono">{c.accountNo}</dd>
                <dt>{t('supervision.col.department')}</dt>
                <dd>{c.departmentId}</dd>
                <dt>{t('supervision.col.industry')}</dt>
                <dd>{industryName(c.industry)}</dd>
                <dt>{t('supervision.customer.policy')}</dt>
                <dd>{c.policyCategory ?? '—'}</dd>
                <dt>{t('supervision.customer.creditGrade')}</dt>
                <dd>{c.creditGrade}</dd>
                <dt>{t('supervision.customer.production')}</dt>
                <dd>{c.productionStatus ?? '—'}</dd>
              </dl>
            </div>
            <div class="sv-card" data-testid="screening">
              <h2>{t('supervision.customer.screening')}</h2>
              {!c.screening?.level && <p class="muted">{t('supervision.customer.noScreening')}</p>}
              {c.screening?.level && (
                <>
                  <p>
                    <LevelBadge level={c.screening.level} /> {c.screening.date} · {money(c.screening.arrearsTotal)}
                    <span class="muted">
                      {' '}
                      ({t('supervision.col.currentYear')} {money(c.screening.arrearsCurrentYear)} /{' '}
                      {t('supervision.col.priorYears')} {money(c.screening.arrearsPriorYears)})
                    </span>
                  </p>
                  <ul class="sv-rule-list">
                    {c.screening.rules.map((r) => (
                      <li key={r}>{t(`supervision.rule.${r}`)}</li>
                    ))}
                  </ul>
                  {!open && can(user, 'risk', 'manage') && (
                    <button
                      type="button"
                      class="primary"
                      onClick={() => void issue(t, c.customerId, c.name).then((w) => w && reload())}
                    >
                      {t('supervision.issue')}
                    </button>
                  )}
                </>
              )}
            </div>
          </div>
          <h2>{t('supervision.customer.consumption')}</h2>
          {c.consumption.length === 0 ? (
            <p class="muted">{t('supervision.customer.noConsumption')}</p>
          ) : (
            <Bars
              label={t('supervision.customer.consumption')}
              values={c.consumption.map((m) => ({ key: m.period, value: Number(m.kwh) }))}
            />
          )}
          <h2>
            {t('supervision.customer.recovery')}{' '}
            <span class="sv-badge sv-overdue">{t('supervision.customer.latePayments', { count: c.latePayments })}</span>
          </h2>
          <DataTable
            label={t('supervision.customer.recovery')}
            columns={recoveryColumns(t)}
            rows={c.recovery}
            rowKey={(r) => r.period}
            rowAttributes={(r) => ({ class: r.late ? 'sv-late' : undefined })}
          />
          <h2>{t('supervision.customer.warnings')}</h2>
          {c.warnings.length === 0 ? (
            <p class="muted">{t('supervision.customer.noWarnings')}</p>
          ) : (
            <WarningRows items={c.warnings} />
          )}
        </>
      )}
    </section>
  );
}

// ---- warning orders ---------------------------------------------------------------------------

export function WarningsPage() {
  const t = useT();
  const { draft, edit, criteria, apply, offset, setOffset } = useCriteria({ state: 'open', provinceId: '', level: '' });
  const [page, error] = useLoad(
    () => api.get<List<WarningSummary>>('/supervision/warnings', { ...criteria, offset, limit: PAGE }),
    [criteria, offset],
  );
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <h1>{t('supervision.warnings.title')}</h1>
      <p class="muted">{t('supervision.warnings.intro')}</p>
      <FilterBar label={t('supervision.warnings.title')} onSearch={apply}>
        <SelectFilter
          label={t('supervision.filter.state')}
          name="state"
          value={draft.state}
          all={false}
          choices={['all', 'open', 'overdue', 'answered', 'closed'].map((v) => ({
            value: v,
            label: t(`supervision.state.${v}`),
          }))}
          onChange={(state) => edit({ state })}
        />
        <ProvinceFilter value={draft.provinceId} onChange={(provinceId) => edit({ provinceId })} />
        <LevelFilter value={draft.level} onChange={(level) => edit({ level })} />
      </FilterBar>
      <PagedList page={page} error={error} offset={offset} setOffset={setOffset}>
        {(items) => <WarningRows items={items} />}
      </PagedList>
    </section>
  );
}

const ANSWER_STEPS = ['RW_MEASURE', 'RW_SUPERVISED', 'RW_PROVINCE_MEASURE', 'RW_PROVINCE_SUPERVISED'];
const REVIEW_STEPS = ['RW_REVIEW', 'RW_PROVINCE_REVIEW'];
const CLOSE_STEPS = ['RW_GROUP_CLOSE'];

/** Claims the task if nobody holds it and completes it with the variables, through /tasks. */
async function completeTask(task: WarningTask, username: string, variables: Record<string, unknown>) {
  if (task.assignee !== username) await api.post(`/tasks/${task.id}/claim`);
  await api.post(`/tasks/${task.id}/complete`, { variables });
}

function mayWork(task: WarningTask, roles: string[]): boolean {
  return task.candidateGroups.some((g) => roles.includes(g));
}

/**
 * Runs a form's action one at a time: busy while it runs, then a toast with what it did (and
 * onDone), or with the error (and the form usable again).
 */
function useAction(onDone: () => void): [boolean, <T>(action: () => Promise<T>, done: (result: T) => string) => void] {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const run = <T,>(action: () => Promise<T>, done: (result: T) => string) => {
    setBusy(true);
    action().then(
      (result) => {
        setBusy(false);
        showToast('success', done(result));
        onDone();
      },
      (err: unknown) => {
        setBusy(false);
        showToast('error', errorText(t, err));
      },
    );
  };
  return [busy, run];
}

function AnswerForm({ task, onDone }: { task: WarningTask; onDone: () => void }) {
  const t = useT();
  const { user } = useSession();
  const [tactic, setTactic] = useState('');
  const [measure, setMeasure] = useState('');
  const [evidence, setEvidence] = useState('');
  const [busy, run] = useAction(onDone);
  return (
    <form
      class="sv-card sv-answer"
      aria-label={t('supervision.answer.title')}
      onSubmit={(e) => {
        e.preventDefault();
        run(
          () => completeTask(task, user?.username ?? '', { tactic, measure, evidence }),
          () => t('supervision.answer.done'),
        );
      }}
    >
      <h2>
        {t('supervision.answer.title')} · {task.name}
      </h2>
      <label>
        {t('supervision.answer.tactic')}
        <select name="tactic" required value={tactic} onChange={(e) => setTactic(e.currentTarget.value)}>
          <option value="" />
          {TACTICS.map((c) => (
            <option key={c} value={c}>
              {t(`supervision.tactic.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('supervision.answer.measure')}
        <textarea name="measure" required rows={2} value={measure} onInput={(e) => setMeasure(e.currentTarget.value)} />
      </label>
      <label>
        {t('supervision.answer.evidence')}
        <textarea
          name="evidence"
          required
          rows={2}
          value={evidence}
          onInput={(e) => setEvidence(e.currentTarget.value)}
        />
      </label>
      <div>
        <h3>{t('supervision.answer.attachments')}</h3>
        <AttachmentsPanel taskId={task.id} />
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {t('supervision.answer.submit')}
      </button>
    </form>
  );
}

function ReviewForm({ warningId, task, onDone }: { warningId: string; task: WarningTask; onDone: () => void }) {
  const t = useT();
  const { user } = useSession();
  const [comment, setComment] = useState('');
  const [busy, run] = useAction(onDone);
  const closeOnly = CLOSE_STEPS.includes(task.elementId);
  const decide = (decision: 'escalate' | 'close') => {
    // A one-province order's escalation goes through the order (counted, in its history, audited).
    if (decision === 'escalate' && task.elementId === 'RW_REVIEW') {
      if (comment.trim().length < 2) showToast('error', t('supervision.escalate.reasonNeeded'));
      else
        run(
          () => escalate(warningId, comment.trim()),
          () => t('supervision.review.escalated'),
        );
      return;
    }
    const variables: Record<string, unknown> = { hqComment: comment };
    if (!closeOnly)
      variables.reviewDecision = decision === 'close' && task.elementId === 'RW_PROVINCE_REVIEW' ? 'accept' : decision;
    run(
      () => completeTask(task, user?.username ?? '', variables),
      () => t(decision === 'close' ? 'supervision.review.closed' : 'supervision.review.escalated'),
    );
  };
  return (
    <form class="sv-card sv-review" aria-label={t('supervision.review.title')} onSubmit={(e) => e.preventDefault()}>
      <h2>
        {t('supervision.review.title')} · {task.name}
      </h2>
      <label>
        {t('supervision.review.comment')}
        <textarea name="hqComment" rows={2} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
      <div class="sv-actions">
        {!closeOnly && (
          <button type="button" class="danger" disabled={busy} onClick={() => decide('escalate')}>
            {t('supervision.review.escalate')}
          </button>
        )}
        <button type="button" class="primary" disabled={busy} onClick={() => decide('close')}>
          {t('supervision.review.close')}
        </button>
      </div>
    </form>
  );
}

/** HQ escalates (督办) the order with a reason; the answer is the order as it now is. */
function escalate(warningId: string, reason: string): Promise<WarningDetail> {
  return api.post<WarningDetail>(`/supervision/warnings/${warningId}/escalations`, { reason });
}

/** HQ presses an order that is not answered yet (open or overdue) or waits elsewhere. */
function EscalateForm({ warningId, onDone }: { warningId: string; onDone: () => void }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [busy, run] = useAction(onDone);
  return (
    <form
      class="sv-card sv-escalate"
      aria-label={t('supervision.escalate.title')}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim().length < 2) {
          showToast('error', t('supervision.escalate.reasonNeeded'));
          return;
        }
        run(
          () => escalate(warningId, reason.trim()),
          (w) => {
            setReason('');
            return t('supervision.escalate.done', { count: w.escalationHistory.at(-1)?.notified ?? 0 });
          },
        );
      }}
    >
      <h2>{t('supervision.escalate.title')}</h2>
      <p class="muted">{t('supervision.escalate.intro')}</p>
      <label>
        {t('supervision.escalate.reason')}
        <textarea
          name="reason"
          required
          minLength={2}
          rows={2}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </label>
      <div class="sv-actions">
        <button type="submit" class="danger" disabled={busy}>
          {t('supervision.escalate.submit')}
        </button>
      </div>
    </form>
  );
}

/** The order's escalations, oldest first: when, who, at which stage, why, and who was notified. */
function EscalationHistory({ items }: { items: Escalation[] }) {
  const t = useT();
  return (
    <div class="sv-card" data-testid="escalations">
      <h2>{t('supervision.escalations.title')}</h2>
      {items.length === 0 && <p class="muted">{t('supervision.escalations.none')}</p>}
      <ol class="sv-escalations">
        {items.map((e) => (
          <li key={e.id}>
            <time>{formatDateTime(e.escalatedAt)}</time> <strong>{e.escalatedBy}</strong>{' '}
            <span class="muted">{t(`supervision.escalations.stage.${e.stage}`)}</span>
            {e.notified !== null && (
              <span class="sv-badge sv-status-escalated">
                {t('supervision.escalations.notified', { count: e.notified })}
              </span>
            )}
            <div>{e.reason}</div>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function WarningPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { user } = useSession();
  const industryName = useIndustryName();
  const provinceName = useProvinceName();
  const [w, error, reload] = useLoad(
    () => api.get<WarningDetail>(`/supervision/warnings/${params.id ?? ''}`),
    [params.id],
  );
  const roles = user?.roles.map((r) => r.role) ?? [];
  const answer = w?.openTasks.find((x) => ANSWER_STEPS.includes(x.elementId) && mayWork(x, roles));
  const review = w?.openTasks.find(
    (x) => (REVIEW_STEPS.includes(x.elementId) || CLOSE_STEPS.includes(x.elementId)) && mayWork(x, roles),
  );
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <p>
        <a href="#/supervision/warnings">← {t('supervision.warning.back')}</a>
      </p>
      <h1>{w ? t('supervision.warning.title', { name: w.customerName }) : t('supervision.warnings.title')}</h1>
      {error && <p role="alert">{error}</p>}
      {!w && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {w && (
        <>
          <div class="sv-cards">
            <div class="sv-card" data-testid="warning-facts">
              <p>
                <LevelBadge level={w.level} /> <StatusBadge w={w} />{' '}
                {w.escalations > 0 && (
                  <span class="sv-badge sv-status-escalated">
                    {t('supervision.warning.escalations', { count: w.escalations })}
                  </span>
                )}
              </p>
              <dl class="sv-facts">
                <dt>{t('supervision.col.account')}</dt>
                <dd class="sv-mono">
                  <a href={`#/supervision/customers/${w.customerId}`}>{w.accountNo}</a>
                </dd>
                <dt>{t('supervision.col.province')}</dt>
                <dd>{provinceName(w.provinceId)}</dd>
                <dt>{t('supervision.col.industry')}</dt>
                <dd>{industryName(w.industry)}</dd>
                <dt>{t('supervision.col.rules')}</dt>
                <dd>{w.rules.join(' ')}</dd>
                <dt>{t('supervision.col.total')}</dt>
                <dd>{money(w.arrearsTotal)}</dd>
                <dt>{t('supervision.col.deadline')}</dt>
                <dd>{w.deadlineAt ? formatDateTime(w.deadlineAt) : '—'}</dd>
                <dt>{t('supervision.warning.measure')}</dt>
                <dd>
                  {w.tactic ? t(`supervision.tactic.${w.tactic}`) : '—'}
                  {w.measure && ` · ${w.measure}`}
                  {w.measureCompliant !== null && (
                    <span class={`sv-badge ${w.measureCompliant ? 'sv-status-closed' : 'sv-overdue'}`}>
                      {t(w.measureCompliant ? 'supervision.warning.compliant' : 'supervision.warning.notCompliant')}
                    </span>
                  )}
                </dd>
                <dt>{t('supervision.warning.evidence')}</dt>
                <dd>{w.evidence ?? '—'}</dd>
              </dl>
              {w.provinces.length > 0 && (
                <>
                  <h3>{t('supervision.warning.provinces')}</h3>
                  <ul>
                    {w.provinces.map((p) => (
                      <li key={p.provinceId}>
                        {provinceName(p.provinceId)}: {p.status}
                        {p.overdue && ` · ${t('supervision.overdue')}`}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
            <div class="sv-card">
              <h2>{t('supervision.warning.timeline')}</h2>
              <ol class="sv-timeline">
                {w.timeline.map((e, i) => (
                  <li key={i} class={`sv-ev-${e.kind}`}>
                    <time>{formatDateTime(e.at)}</time> {t(`supervision.timeline.${e.kind}`, { what: e.what })}
                    {e.who && <span class="muted"> · {e.who}</span>}
                  </li>
                ))}
              </ol>
              <h3>{t('supervision.warning.tasks')}</h3>
              {w.openTasks.length === 0 && <p class="muted">{t('supervision.warning.noTasks')}</p>}
              <ul>
                {w.openTasks.map((x) => (
                  <li key={x.id}>
                    {x.name} <span class="muted">({x.departmentId})</span>{' '}
                    <a href={`#/tasks/${x.id}`}>{t('supervision.warning.openTask')}</a>
                  </li>
                ))}
              </ul>
            </div>
          </div>
          {answer && <AnswerForm key={answer.id} task={answer} onDone={reload} />}
          {review && <ReviewForm key={review.id} warningId={w.id} task={review} onDone={reload} />}
          {!review && w.status !== 'closed' && can(user, 'risk', 'manage') && (
            <EscalateForm warningId={w.id} onDone={reload} />
          )}
          <EscalationHistory items={w.escalationHistory} />
        </>
      )}
    </section>
  );
}

// ---- the industry list ------------------------------------------------------------------------

type TextField = 'code' | 'nameZh' | 'nameEn' | 'policyNotes';

/** The industry list's columns: text while reading, inputs (and "remove") while HQ edits the draft. */
function industryColumns(
  t: ReturnType<typeof useT>,
  editing: boolean,
  set: (i: number, patch: Partial<Industry>) => void,
  remove: (i: number) => void,
): Column<Industry>[] {
  const text = (id: TextField, key: string, extra: { size?: number; className?: string } = {}): Column<Industry> => ({
    id,
    label: t(key),
    className: editing ? undefined : extra.className,
    cell: (row, i) =>
      editing ? (
        <input
          aria-label={t(key)}
          size={extra.size}
          value={row[id]}
          onInput={(e) => set(i, { [id]: e.currentTarget.value })}
        />
      ) : (
        row[id]
      ),
  });
  const columns: Column<Industry>[] = [
    text('code', 'supervision.industries.code', { size: 4, className: 'sv-mono' }),
    text('nameZh', 'supervision.industries.nameZh'),
    text('nameEn', 'supervision.industries.nameEn'),
    {
      id: 'differential',
      label: t('supervision.industries.differential'),
      cell: (row, i) =>
        editing ? (
          <input
            type="checkbox"
            aria-label={t('supervision.industries.differential')}
            checked={row.differentialPrice}
            onChange={(e) => set(i, { differentialPrice: e.currentTarget.checked })}
          />
        ) : row.differentialPrice ? (
          t('supervision.yes')
        ) : (
          t('supervision.no')
        ),
    },
    text('policyNotes', 'supervision.industries.notes'),
  ];
  if (editing)
    columns.push({
      id: 'remove',
      label: '',
      cell: (_row, i) => (
        <button type="button" class="small" onClick={() => remove(i)}>
          {t('supervision.industries.remove')}
        </button>
      ),
    });
  return columns;
}

export function IndustriesPage() {
  const t = useT();
  const { user } = useSession();
  const manages = can(user, 'risk', 'manage');
  const [lists, error, reload] = useLoad(() => api.get<IndustryLists>('/supervision/industries'), []);
  const [editing, setEditing] = useState<Industry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const shown: Industry[] = editing ?? lists?.draft?.industries ?? lists?.published?.industries ?? [];
  const set = (i: number, patch: Partial<Industry>) =>
    setEditing(shown.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const act = async (what: () => Promise<IndustryList>, message: string) => {
    setBusy(true);
    try {
      const saved = await what();
      showToast('success', t(message, { version: saved.version }));
      setEditing(null);
      forgetIndustryNames();
      reload();
    } catch (err) {
      showToast('error', errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <h1>{t('supervision.industries.title')}</h1>
      <p class="muted">{t('supervision.industries.intro')}</p>
      {error && <p role="alert">{error}</p>}
      {lists && (
        <>
          <p class="sv-versions">
            {lists.published &&
              t('supervision.industries.published', {
                version: lists.published.version,
                who: lists.published.publishedBy,
                at: formatDateTime(lists.published.publishedAt),
              })}
            {lists.draft && (
              <span class="sv-badge sv-status-reported">
                {t('supervision.industries.draft', { version: lists.draft.version })}
              </span>
            )}
          </p>
          {!manages && <p class="muted">{t('supervision.industries.readOnly')}</p>}
          {manages && (
            <div class="sv-actions">
              {!editing && (
                <button type="button" onClick={() => setEditing(shown.map((r) => ({ ...r })))}>
                  {t('supervision.industries.edit')}
                </button>
              )}
              {editing && (
                <>
                  <button
                    type="button"
                    onClick={() =>
                      setEditing([
                        ...shown,
                        { code: '', nameZh: '', nameEn: '', differentialPrice: false, policyNotes: '' },
                      ])
                    }
                  >
                    {t('supervision.industries.add')}
                  </button>
                  <button
                    type="button"
                    class="primary"
                    disabled={busy}
                    onClick={() =>
                      void act(
                        () => api.put<IndustryList>('/supervision/industries/draft', { industries: editing }),
                        'supervision.industries.saved',
                      )
                    }
                  >
                    {t('supervision.industries.save')}
                  </button>
                </>
              )}
              {lists.draft && !editing && (
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() =>
                    void act(
                      () => api.post<IndustryList>('/supervision/industries/publish'),
                      'supervision.industries.publishedNow',
                    )
                  }
                >
                  {t('supervision.industries.publish')}
                </button>
              )}
            </div>
          )}
          <DataTable
            label={t('supervision.industries.title')}
            className="sv-industries"
            columns={industryColumns(t, editing !== null, set, (i) => setEditing(shown.filter((_, j) => j !== i)))}
            rows={shown}
            rowKey={(row, i) => (editing ? i : row.code)}
            rowAttributes={(row) => ({ 'data-code': row.code })}
          />
          <h2>{t('supervision.industries.versions')}</h2>
          <ul class="sv-version-list">
            {lists.versions.map((v) => (
              <li key={v.version}>
                v{v.version} · {t(`supervision.industries.status.${v.status}`)}
                {v.publishedAt && ` · ${v.publishedBy ?? ''} ${formatDateTime(v.publishedAt)}`}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// ---- group customers --------------------------------------------------------------------------

function TreeNode({ node }: { node: GroupNode }) {
  const t = useT();
  const provinceName = useProvinceName();
  return (
    <li data-account={node.accountNo}>
      <div class="sv-node">
        <span class="sv-mono">{node.accountNo}</span> <strong>{node.name}</strong>{' '}
        <span class="muted">
          {provinceName(node.provinceId)} · {node.departmentId}
        </span>
        <span class="sv-node-figures">
          {t('supervision.groups.arrears')}: {money(node.arrears)} / <strong>{money(node.rolledArrears)}</strong>
          {' · '}
          {t('supervision.groups.kwh12')}: {kwh(node.kwh12)} / <strong>{kwh(node.rolledKwh12)}</strong>
        </span>
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <TreeNode key={c.customerId} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function GroupsPage() {
  const t = useT();
  const provinceName = useProvinceName();
  const [groups, error, reloadGroups] = useLoad(
    () =>
      api.get<List<{ customerId: string; accountNo: string; name: string; members: number }>>('/supervision/groups', {
        limit: 200,
      }),
    [],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [tree, setTree] = useState<GroupTree | null>(null);
  const [member, setMember] = useState('');
  const [parent, setParent] = useState('');
  useEffect(() => {
    const first = groups?.items[0]?.customerId;
    if (!selected && first) setSelected(first);
  }, [groups, selected]);
  useEffect(() => {
    if (!selected) return;
    api
      .get<GroupTree>(`/supervision/groups/${selected}`)
      .then(setTree, (err: unknown) => showToast('error', errorText(t, err)));
  }, [selected]);
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <h1>{t('supervision.groups.title')}</h1>
      <p class="muted">{t('supervision.groups.intro')}</p>
      {error && <p role="alert">{error}</p>}
      <div class="sv-groups">
        <div class="sv-card">
          <h2>{t('supervision.groups.list')}</h2>
          {groups?.items.length === 0 && <p class="muted">{t('supervision.groups.none')}</p>}
          <ul class="sv-group-list">
            {groups?.items.map((g) => (
              <li key={g.customerId}>
                <button
                  type="button"
                  class={g.customerId === selected ? 'link active' : 'link'}
                  onClick={() => setSelected(g.customerId)}
                >
                  {g.name}
                </button>{' '}
                <span class="muted">
                  {g.accountNo} · {t('supervision.groups.members', { count: g.members })}
                </span>
              </li>
            ))}
          </ul>
          <form
            class="sv-set-parent"
            aria-label={t('supervision.groups.set')}
            onSubmit={(e) => {
              e.preventDefault();
              api
                .put<GroupTree>(`/supervision/groups/members/${encodeURIComponent(member.trim())}`, {
                  parentAccountNo: parent.trim() || null,
                })
                .then(
                  (next) => {
                    showToast('success', t('supervision.groups.applied', { account: member.trim() }));
                    setTree(next);
                    setSelected(next.root.customerId);
                    setMember('');
                    setParent('');
                    reloadGroups();
                  },
                  (err: unknown) => showToast('error', errorText(t, err)),
                );
            }}
          >
            <h3>{t('supervision.groups.set')}</h3>
            <label>
              {t('supervision.groups.member')}
              <input name="member" required value={member} onInput={(e) => setMember(e.currentTarget.value)} />
            </label>
            <label>
              {t('supervision.groups.parent')}
              <input name="parent" value={parent} onInput={(e) => setParent(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary">
              {t('supervision.groups.apply')}
            </button>
          </form>
        </div>
        <div class="sv-card sv-tree">
          {!tree && <p class="muted">{t('supervision.groups.pick')}</p>}
          {tree && (
            <>
              <p class="sv-totals" data-testid="group-totals">
                {t('supervision.groups.totals', {
                  members: tree.totals.members,
                  provinces: tree.totals.provinces.map((p) => provinceName(p)).join('、'),
                  arrears: money(tree.totals.arrears),
                  kwh: kwh(tree.totals.kwh12),
                })}
              </p>
              <p class="muted">
                {t('supervision.groups.own')} / <strong>{t('supervision.groups.rolled')}</strong>
              </p>
              <ul class="sv-tree-root">
                <TreeNode node={tree.root} />
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

// ---- the dashboard ----------------------------------------------------------------------------

function CountTable({
  title,
  rows,
  name,
}: {
  title: string;
  rows: Dashboard['byLevel'];
  name: (key: string) => string;
}) {
  const t = useT();
  const columns: Column<Dashboard['byLevel'][number]>[] = [
    { id: 'key', label: '', rowHeader: true, cell: (r) => name(r.key) },
    { id: 'highRisk', label: t('supervision.dashboard.highRisk'), numeric: true, cell: (r) => r.highRisk },
    { id: 'open', label: t('supervision.dashboard.open'), numeric: true, cell: (r) => r.openWarnings },
    { id: 'overdue', label: t('supervision.dashboard.overdue'), numeric: true, cell: (r) => r.overdueWarnings },
  ];
  return (
    <div class="sv-card">
      <h2>{title}</h2>
      <DataTable
        label={title}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.key}
        rowAttributes={(r) => ({ 'data-key': r.key })}
        wrap={false}
      />
    </div>
  );
}

function Trend({ points }: { points: Dashboard['trend'] }) {
  const t = useT();
  const w = 600;
  const h = 140;
  const max = Math.max(1, ...points.flatMap((p) => [p.highRisk, p.openWarnings, p.overdueWarnings]));
  const x = (i: number) => (points.length <= 1 ? w / 2 : 30 + (i * (w - 60)) / (points.length - 1));
  const y = (v: number) => h - 20 - (v / max) * (h - 40);
  const line = (k: 'highRisk' | 'openWarnings' | 'overdueWarnings') =>
    points.map((p, i) => `${x(i)},${y(p[k])}`).join(' ');
  const series: ['highRisk' | 'openWarnings' | 'overdueWarnings', string][] = [
    ['highRisk', 'supervision.dashboard.highRisk'],
    ['openWarnings', 'supervision.dashboard.open'],
    ['overdueWarnings', 'supervision.dashboard.overdue'],
  ];
  return (
    <div class="sv-card">
      <h2>{t('supervision.dashboard.trend')}</h2>
      <svg
        class="sv-trend"
        role="img"
        aria-label={t('supervision.dashboard.trend')}
        viewBox={`0 0 ${w} ${h}`}
        width={w}
        height={h}
      >
        {series.map(([k]) => (
          <g key={k} class={`sv-line-${k}`}>
            <polyline points={line(k)} fill="none" />
            {points.map((p, i) => (
              <circle key={p.date} cx={x(i)} cy={y(p[k])} r={3}>
                <title>{`${p.date}: ${p[k]}`}</title>
              </circle>
            ))}
          </g>
        ))}
        {points.length > 0 && (
          <>
            <text x={x(0)} y={h - 4} text-anchor={points.length > 1 ? 'start' : 'middle'}>
              {points[0]?.date}
            </text>
            {points.length > 1 && (
              <text x={x(points.length - 1)} y={h - 4} text-anchor="end">
                {points[points.length - 1]?.date}
              </text>
            )}
          </>
        )}
      </svg>
      <p class="sv-legend">
        {series.map(([k, label]) => (
          <span key={k} class={`sv-key sv-line-${k}`}>
            {t(label)}
          </span>
        ))}
      </p>
    </div>
  );
}

export function DashboardPage() {
  const t = useT();
  const industryName = useIndustryName();
  const provinceName = useProvinceName();
  const [date, setDate] = useState('');
  const bigColumns: Column<Dashboard['bigArrears'][number]['customers'][number]>[] = [
    { id: 'account', label: t('supervision.col.account'), className: 'sv-mono', cell: (c) => c.accountNo },
    {
      id: 'customer',
      label: t('supervision.col.customer'),
      cell: (c) => <a href={`#/supervision/customers/${c.customerId}`}>{c.name}</a>,
    },
    { id: 'province', label: t('supervision.col.province'), cell: (c) => provinceName(c.provinceId) },
    { id: 'level', label: t('supervision.col.level'), cell: (c) => <LevelBadge level={c.level} /> },
    ...arrearsColumns<Dashboard['bigArrears'][number]['customers'][number]>(t),
  ];

  const [d, error] = useLoad(() => api.get<Dashboard>('/supervision/dashboard', { date }), [date]);
  return (
    <section class="page supervision">
      <SupervisionTabs />
      <h1>{t('supervision.dashboard.title')}</h1>
      <form class="sv-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('supervision.dashboard.date')}
          <input
            type="date"
            name="date"
            value={date || d?.date || ''}
            onChange={(e) => setDate(e.currentTarget.value)}
          />
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      {d && !d.date && <p class="muted">{t('supervision.dashboard.none')}</p>}
      {d?.date && (
        <>
          <div class="sv-kpis" data-testid="kpis">
            <div class="sv-kpi">
              <span>{t('supervision.dashboard.highRisk')}</span>
              <strong>{d.totals.highRisk}</strong>
            </div>
            <div class="sv-kpi">
              <span>{t('supervision.dashboard.open')}</span>
              <strong>{d.totals.openWarnings}</strong>
            </div>
            <div class="sv-kpi sv-kpi-overdue">
              <span>{t('supervision.dashboard.overdue')}</span>
              <strong>{d.totals.overdueWarnings}</strong>
            </div>
          </div>
          <div class="sv-cards sv-cards-3">
            <CountTable title={t('supervision.dashboard.byProvince')} rows={d.byProvince} name={provinceName} />
            <CountTable title={t('supervision.dashboard.byIndustry')} rows={d.byIndustry} name={industryName} />
            <CountTable title={t('supervision.dashboard.byLevel')} rows={d.byLevel} name={(k) => k} />
          </div>
          <Trend points={d.trend} />
          <h2>{t('supervision.dashboard.big')}</h2>
          {d.bigArrears.length === 0 && <p class="muted">{t('supervision.dashboard.bigNone')}</p>}
          {d.bigArrears.map((g) => (
            <div key={g.industry} class="sv-big" data-industry={g.industry}>
              <h3>
                {t('supervision.dashboard.industryTotal', {
                  industry: industryName(g.industry),
                  cy: money(g.arrearsCurrentYear),
                  py: money(g.arrearsPriorYears),
                })}
              </h3>
              <DataTable
                label={industryName(g.industry)}
                columns={bigColumns}
                rows={g.customers}
                rowKey={(c) => c.customerId}
                wrap={false}
              />
            </div>
          ))}
        </>
      )}
    </section>
  );
}

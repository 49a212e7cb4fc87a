import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate } from '../../app/router';
import { formatDateTime, useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { showToast } from '../../lib/toast';
import {
  operationsApi,
  type Definition,
  type Instance,
  type InstanceQuery,
  type InstanceSortKey,
  type VariableType,
} from './api';
import { BulkDialog, type BulkAction } from './BulkDialog';
import {
  errorText,
  OpsPage,
  Pager,
  ProcessOptions,
  SortHeader,
  DepartmentSelect,
  StateChips,
  useCoalesced,
  useDepartmentNames,
  useOperationsEvents,
} from './common';

/** The columns one may show; the chooser remembers the choice in localStorage. */
const COLUMNS = [
  'businessKey',
  'process',
  'state',
  'customer',
  'department',
  'startedAt',
  'endedAt',
  'dueAt',
  'startedBy',
  'endReason',
] as const;
type Column = (typeof COLUMNS)[number];
const DEFAULT_COLUMNS: Column[] = ['businessKey', 'process', 'state', 'customer', 'department', 'startedAt', 'dueAt'];
const COLUMNS_KEY = 'pm.ops.columns';
const SORTABLE: Partial<Record<Column, InstanceSortKey>> = {
  businessKey: 'businessKey',
  process: 'definitionKey',
  state: 'status',
  department: 'departmentId',
  startedAt: 'startedAt',
  endedAt: 'endedAt',
  dueAt: 'dueAt',
};

/** The state filter: the instance's status, or one of its conditions. */
const STATES = ['', 'running', 'completed', 'cancelled', 'incident', 'suspended'] as const;
type StateFilter = (typeof STATES)[number];

interface Filters {
  businessKey: string;
  customer: string;
  definitionKey: string;
  definitionVersion: string;
  state: StateFilter;
  currentElementId: string;
  departmentId: string;
  startedAfter: string;
  startedBefore: string;
  endedAfter: string;
  endedBefore: string;
  overdue: boolean;
}
const EMPTY: Filters = {
  businessKey: '',
  customer: '',
  definitionKey: '',
  definitionVersion: '',
  state: '',
  currentElementId: '',
  departmentId: '',
  startedAfter: '',
  startedBefore: '',
  endedAfter: '',
  endedBefore: '',
  overdue: false,
};

/** A date input's day as the start (or, for "before", the end) of that day in local time. */
const day = (value: string, end = false) =>
  value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : undefined;

function toQuery(f: Filters): InstanceQuery {
  return {
    businessKeyStartsWith: f.businessKey.trim() || undefined,
    customer: f.customer.trim() || undefined,
    definitionKey: f.definitionKey || undefined,
    definitionVersion: f.definitionVersion ? Number(f.definitionVersion) : undefined,
    status: ['running', 'completed', 'cancelled'].includes(f.state) ? f.state : undefined,
    hasIncident: f.state === 'incident' ? 'true' : undefined,
    suspended: f.state === 'suspended' ? 'true' : undefined,
    currentElementId: f.currentElementId || undefined,
    departmentId: f.departmentId.trim() || undefined,
    startedAfter: day(f.startedAfter),
    startedBefore: day(f.startedBefore, true),
    endedAfter: day(f.endedAfter),
    endedBefore: day(f.endedBefore, true),
    overdue: f.overdue ? 'true' : undefined,
  };
}

function loadColumns(): Column[] {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') as unknown;
    if (Array.isArray(saved)) {
      const known = saved.filter((c): c is Column => COLUMNS.includes(c as Column));
      if (known.length > 0) return known;
    }
  } catch {
    // a damaged setting falls back to the default columns
  }
  return DEFAULT_COLUMNS;
}

/** Instances across processes (Camunda Cockpit's process instance search), with bulk actions as batches. */
export function InstancesPage() {
  const t = useT();
  const { can } = useSession();
  const [definitions, setDefinitions] = useState<Definition[]>([]);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState<InstanceSortKey>('startedAt');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState({ offset: 0, limit: 20 });
  const [result, setResult] = useState<{ items: Instance[]; total: number; capped: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [columns, setColumns] = useState<Column[]>(loadColumns);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<BulkAction | null>(null);
  const departments = useDepartmentNames();

  useEffect(() => {
    operationsApi
      .definitions(true)
      .then((r) => setDefinitions(r.items))
      .catch(() => setDefinitions([]));
  }, []);

  const query = useMemo(
    () => ({ ...toQuery(filters), sortBy: sort, sortOrder: order, ...page }),
    [filters, sort, order, page],
  );
  const load = () =>
    operationsApi
      .instances(query)
      .then((r) => (setResult({ items: r.items, total: r.total, capped: r.totalCapped }), setError(null)))
      .catch((err: unknown) => setError(errorText(err)));
  useEffect(() => void load(), [query]);
  const reload = useCoalesced(() => void load());
  useOperationsEvents((e) => {
    if (e.topic.startsWith('instance:') || e.topic.startsWith('incident:') || e.topic.startsWith('task:')) reload();
  }, reload);

  const versions = definitions.filter((d) => d.key === draft.definitionKey).sort((a, b) => b.version - a.version);
  const steps = useMemo(() => {
    const chosen = draft.definitionVersion
      ? versions.filter((d) => String(d.version) === draft.definitionVersion)
      : versions;
    const byId = new Map<string, string>();
    for (const d of chosen)
      for (const [id, e] of Object.entries(d.meta.elements))
        if (/Task$|CallActivity|SubProcess|IntermediateCatchEvent|ReceiveTask/.test(e.type)) byId.set(id, e.name ?? id);
    return [...byId].sort((a, b) => a[1].localeCompare(b[1]));
  }, [draft.definitionKey, draft.definitionVersion, definitions]);

  const setColumn = (column: Column, on: boolean) => {
    const next = COLUMNS.filter((c) => (c === column ? on : columns.includes(c)));
    setColumns(next);
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
  };
  const onSort = (column: InstanceSortKey) => {
    if (column === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(column);
      setOrder(column.endsWith('At') ? 'desc' : 'asc');
    }
    setPage({ ...page, offset: 0 });
  };
  const items = result?.items ?? [];
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const field = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft({ ...draft, [key]: value });
  const text = (key: keyof Filters, label: string, type = 'text') => (
    <div class="ops-field">
      <label for={`ops-f-${key}`}>{label}</label>
      <input
        id={`ops-f-${key}`}
        type={type}
        value={draft[key] as string}
        onInput={(e) => field(key, e.currentTarget.value as never)}
      />
    </div>
  );

  const runBulk = async (
    action: BulkAction,
    reason: string,
    variable?: { name: string; type: VariableType; value: unknown },
  ) => {
    const instanceIds = [...selected];
    if (action === 'migrate') {
      sessionStorage.setItem('pm.ops.migrate', JSON.stringify(instanceIds));
      navigate('/operations/migration');
      return;
    }
    const batch = await operationsApi.createBatch(
      action === 'setVariables'
        ? {
            type: 'setVariables',
            instanceIds,
            reason,
            params: { typedVariables: { [variable!.name]: { type: variable!.type, value: variable!.value } } },
          }
        : { type: action, instanceIds, reason },
    );
    setSelected(new Set());
    showToast('success', t('ops.bulk.created', { count: batch.total }));
    navigate(`/operations/batches/${batch.id}`);
  };

  const header = (column: Column) => {
    const label = t(`ops.col.${column}`);
    const key = SORTABLE[column];
    return key ? (
      <SortHeader key={column} column={key} label={label} sort={sort} order={order} onSort={onSort} />
    ) : (
      <th key={column} scope="col">
        {label}
      </th>
    );
  };
  const cell = (column: Column, i: Instance) => {
    switch (column) {
      case 'businessKey':
        return (
          <th scope="row" key={column}>
            <a href={`#/operations/instances/${i.id}`}>{i.businessKey ?? i.id.slice(0, 8)}</a>
          </th>
        );
      case 'process':
        return (
          <td
            key={column}
          >{`${definitions.find((d) => d.key === i.definitionKey)?.name ?? i.definitionKey} v${i.definitionVersion}`}</td>
        );
      case 'state':
        return (
          <td key={column}>
            <StateChips instance={i} />
          </td>
        );
      case 'customer':
        return <td key={column}>{[i.customerName, i.accountNo].filter(Boolean).join(' · ') || '—'}</td>;
      case 'department':
        return (
          <td key={column} title={i.departmentId ?? undefined}>
            {departments.name(i.departmentId)}
          </td>
        );
      case 'startedBy':
        return (
          <td key={column} title={i.startedBy}>
            {i.startedByName ?? i.startedBy}
          </td>
        );
      case 'endReason':
        return <td key={column}>{i.endReason ?? '—'}</td>;
      default:
        return <td key={column}>{formatDateTime(i[column]) || '—'}</td>;
    }
  };

  const canBatch = can('batch', 'create');
  return (
    <OpsPage title={t('ops.instances.title')} permission={['instance', 'read']}>
      <form
        class="ops-filters"
        aria-label={t('ops.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setPage({ ...page, offset: 0 });
        }}
      >
        {text('businessKey', t('ops.f.businessKey'))}
        {text('customer', t('ops.f.customer'))}
        <div class="ops-field">
          <label for="ops-f-process">{t('ops.f.process')}</label>
          <select
            id="ops-f-process"
            value={draft.definitionKey}
            onChange={(e) =>
              setDraft({ ...draft, definitionKey: e.currentTarget.value, definitionVersion: '', currentElementId: '' })
            }
          >
            <option value="">{t('ops.any')}</option>
            <ProcessOptions definitions={definitions} />
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-f-version">{t('ops.f.version')}</label>
          <select
            id="ops-f-version"
            value={draft.definitionVersion}
            disabled={!draft.definitionKey}
            onChange={(e) => field('definitionVersion', e.currentTarget.value)}
          >
            <option value="">{t('ops.any')}</option>
            {versions.map((d) => (
              <option key={d.id} value={String(d.version)}>
                v{d.version}
              </option>
            ))}
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-f-state">{t('ops.f.state')}</label>
          <select
            id="ops-f-state"
            value={draft.state}
            onChange={(e) => field('state', e.currentTarget.value as StateFilter)}
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s ? t(`ops.state.filter.${s}`) : t('ops.any')}
              </option>
            ))}
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-f-step">{t('ops.f.step')}</label>
          <select
            id="ops-f-step"
            value={draft.currentElementId}
            disabled={!draft.definitionKey}
            onChange={(e) => field('currentElementId', e.currentTarget.value)}
          >
            <option value="">{t('ops.any')}</option>
            {steps.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-f-departmentId">{t('ops.f.department')}</label>
          <DepartmentSelect
            id="ops-f-departmentId"
            value={draft.departmentId}
            names={departments}
            onChange={(value) => field('departmentId', value)}
          />
        </div>
        {text('startedAfter', t('ops.f.startedAfter'), 'date')}
        {text('startedBefore', t('ops.f.startedBefore'), 'date')}
        {text('endedAfter', t('ops.f.endedAfter'), 'date')}
        {text('endedBefore', t('ops.f.endedBefore'), 'date')}
        <div class="ops-field ops-check">
          <input
            id="ops-f-overdue"
            type="checkbox"
            checked={draft.overdue}
            onChange={(e) => field('overdue', e.currentTarget.checked)}
          />
          <label for="ops-f-overdue">{t('ops.f.overdue')}</label>
        </div>
        <div class="ops-filter-actions">
          <button type="submit" class="primary">
            {t('ops.search')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage({ ...page, offset: 0 });
            }}
          >
            {t('ops.reset')}
          </button>
        </div>
      </form>

      <div class="ops-toolbar">
        <span aria-live="polite">{t('ops.selected', { count: selected.size })}</span>
        {can('instance', 'cancel') && canBatch && (
          <button type="button" disabled={selected.size === 0} onClick={() => setBulk('cancel')}>
            {t('ops.bulk.cancel')}
          </button>
        )}
        {can('incident', 'retry') && canBatch && (
          <button type="button" disabled={selected.size === 0} onClick={() => setBulk('retry')}>
            {t('ops.bulk.retry')}
          </button>
        )}
        {can('instance', 'migrate') && (
          <button type="button" disabled={selected.size === 0} onClick={() => void runBulk('migrate', '')}>
            {t('ops.bulk.migrate')}
          </button>
        )}
        {can('instance', 'update') && canBatch && (
          <button type="button" disabled={selected.size === 0} onClick={() => setBulk('setVariables')}>
            {t('ops.bulk.setVariable')}
          </button>
        )}
        <details class="ops-columns">
          <summary>{t('ops.columns')}</summary>
          <fieldset>
            <legend class="visually-hidden">{t('ops.columns')}</legend>
            {COLUMNS.map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  checked={columns.includes(c)}
                  onChange={(e) => setColumn(c, e.currentTarget.checked)}
                />
                {t(`ops.col.${c}`)}
              </label>
            ))}
          </fieldset>
        </details>
      </div>

      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!result && !error && <p class="loading">{t('app.loading')}</p>}
      {result && items.length === 0 && <p class="empty">{t('ops.instances.none')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="grid ops-table">
            <thead>
              <tr>
                <th scope="col" class="ops-select">
                  <input
                    type="checkbox"
                    aria-label={t('ops.selectPage')}
                    checked={allSelected}
                    onChange={(e) => {
                      const next = new Set(selected);
                      for (const i of items) {
                        if (e.currentTarget.checked) next.add(i.id);
                        else next.delete(i.id);
                      }
                      setSelected(next);
                    }}
                  />
                </th>
                {columns.map(header)}
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} data-instance={i.id} class={i.overdue ? 'ops-overdue' : undefined}>
                  <td class="ops-select">
                    <input
                      type="checkbox"
                      aria-label={t('ops.selectRow', { name: i.businessKey ?? i.id.slice(0, 8) })}
                      checked={selected.has(i.id)}
                      onChange={(e) => toggle(i.id, e.currentTarget.checked)}
                    />
                  </td>
                  {columns.map((c) => cell(c, i))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result && (
        <Pager
          id="ops-page-size"
          offset={page.offset}
          limit={page.limit}
          total={result.total}
          capped={result.capped}
          onChange={(offset, limit) => setPage({ offset, limit })}
        />
      )}
      {bulk && bulk !== 'migrate' && (
        <BulkDialog
          action={bulk}
          count={selected.size}
          onClose={() => setBulk(null)}
          onConfirm={(reason, variable) => runBulk(bulk, reason, variable)}
        />
      )}
    </OpsPage>
  );
}

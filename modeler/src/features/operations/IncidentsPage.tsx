import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { operationsApi, type Definition, type IncidentGroup, type IncidentListItem, type IncidentQuery } from './api';
import {
  DepartmentSelect,
  errorText,
  OpsPage,
  ProcessOptions,
  useCoalesced,
  useDepartmentNames,
  useOperationsEvents,
} from './common';

const TYPES = ['failed-job', 'failed-external-task', 'failed-instance'] as const;
const groupKey = (g: IncidentGroup) => `${g.definitionKey}|${g.type}|${g.elementId ?? ''}|${g.message}`;

/** Open incidents across processes (Camunda Operate's incidents view): grouped by error, retried in bulk. */
export function IncidentsPage() {
  const t = useT();
  const { can } = useSession();
  const [draft, setDraft] = useState<IncidentQuery>({});
  const [filters, setFilters] = useState<IncidentQuery>({});
  const [groups, setGroups] = useState<IncidentGroup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Record<string, IncidentListItem[]>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const departments = useDepartmentNames();
  const [definitions, setDefinitions] = useState<Definition[]>([]);
  useEffect(() => {
    operationsApi
      .definitions(true)
      .then((r) => setDefinitions(r.items))
      .catch(() => setDefinitions([]));
  }, []);
  // Names from the newest version that has them: incidents of any version are grouped together.
  const newestFirst = [...definitions].sort((a, b) => b.version - a.version);
  const processName = (key: string) => newestFirst.find((d) => d.key === key)?.name ?? key;
  const stepName = (key: string, elementId: string) =>
    newestFirst.find((d) => d.key === key && d.meta.elements[elementId])?.meta.elements[elementId]?.name ?? elementId;

  const members = (g: IncidentGroup) =>
    operationsApi
      .incidents({
        definitionKey: g.definitionKey,
        type: g.type,
        elementId: g.elementId ?? undefined,
        message: g.message,
        departmentId: filters.departmentId,
        limit: 200,
      })
      .then((r) => r.items);
  const load = () => {
    operationsApi
      .incidentGroups(filters)
      .then(async (r) => {
        setGroups(r.items);
        setError(null);
        // expanded groups are read again: a retried incident leaves them
        const keys = new Set(r.items.map(groupKey));
        const next: Record<string, IncidentListItem[]> = {};
        for (const g of r.items) if (open[groupKey(g)] && keys.has(groupKey(g))) next[groupKey(g)] = await members(g);
        setOpen(next);
      })
      .catch((err: unknown) => setError(errorText(err)));
  };
  useEffect(load, [filters]);
  const reload = useCoalesced(load, 400);
  useOperationsEvents((e) => e.topic.startsWith('incident:') && reload(), reload);

  const toggleGroup = async (g: IncidentGroup) => {
    const key = groupKey(g);
    if (open[key]) {
      const { [key]: _closed, ...rest } = open;
      setOpen(rest);
    } else setOpen({ ...open, [key]: await members(g) });
  };
  const select = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    setSelected(next);
  };
  const retry = async () => {
    setBusy(true);
    try {
      const result = await operationsApi.retryIncidents([...selected]);
      showToast(
        result.failed ? 'error' : 'success',
        t('ops.incidents.retried', { ok: result.retried, failed: result.failed }),
      );
      setSelected(new Set());
      load();
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof IncidentQuery, value: string) => setDraft({ ...draft, [key]: value || undefined });

  return (
    <OpsPage title={t('ops.incidents.title')} permission={['incident', 'read']}>
      <form
        class="ops-filters"
        aria-label={t('ops.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <div class="ops-field">
          <label for="ops-i-process">{t('ops.f.process')}</label>
          <select
            id="ops-i-process"
            value={draft.definitionKey ?? ''}
            onChange={(e) => set('definitionKey', e.currentTarget.value)}
          >
            <option value="">{t('ops.any')}</option>
            <ProcessOptions definitions={definitions} />
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-i-type">{t('ops.incidents.type')}</label>
          <select id="ops-i-type" value={draft.type ?? ''} onChange={(e) => set('type', e.currentTarget.value)}>
            <option value="">{t('ops.any')}</option>
            {TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`ops.incident.type.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="ops-field">
          <label for="ops-i-message">{t('ops.incidents.message')}</label>
          <input
            id="ops-i-message"
            value={draft.messageContains ?? ''}
            onInput={(e) => set('messageContains', e.currentTarget.value)}
          />
        </div>
        <div class="ops-field">
          <label for="ops-i-dept">{t('ops.f.department')}</label>
          <DepartmentSelect
            id="ops-i-dept"
            value={draft.departmentId ?? ''}
            names={departments}
            onChange={(value) => set('departmentId', value)}
          />
        </div>
        <div class="ops-filter-actions">
          <button type="submit" class="primary">
            {t('ops.search')}
          </button>
        </div>
      </form>
      <div class="ops-toolbar">
        <span aria-live="polite">{t('ops.selected', { count: selected.size })}</span>
        {can('incident', 'retry') && (
          <button type="button" class="primary" disabled={selected.size === 0 || busy} onClick={() => void retry()}>
            {t('ops.incidents.retrySelected')}
          </button>
        )}
      </div>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {groups === null && !error && <p class="loading">{t('app.loading')}</p>}
      {groups?.length === 0 && <p class="empty">{t('ops.incidents.none')}</p>}
      {groups && groups.length > 0 && (
        <div class="table-wrap">
          <table class="grid ops-table">
            <thead>
              <tr>
                <th scope="col">{t('ops.incidents.error')}</th>
                <th scope="col">{t('ops.col.process')}</th>
                <th scope="col">{t('ops.col.step')}</th>
                <th scope="col">{t('ops.incidents.type')}</th>
                <th scope="col">{t('ops.incidents.count')}</th>
                <th scope="col">{t('ops.incidents.last')}</th>
              </tr>
            </thead>
            {groups.map((g) => {
              const key = groupKey(g);
              const items = open[key];
              const ids = items?.map((i) => i.id) ?? [];
              return (
                <tbody key={key} class="ops-group">
                  <tr>
                    <th scope="row" class="ops-message">
                      <button
                        type="button"
                        class="ops-expand"
                        aria-expanded={!!items}
                        onClick={() => void toggleGroup(g)}
                        title={g.message}
                      >
                        <span aria-hidden="true">{items ? '▾' : '▸'}</span> {g.message}
                      </button>
                    </th>
                    <td title={g.definitionKey}>{processName(g.definitionKey)}</td>
                    <td title={g.elementId ?? undefined}>
                      {g.elementId ? stepName(g.definitionKey, g.elementId) : '—'}
                    </td>
                    <td>{t(`ops.incident.type.${g.type}`)}</td>
                    <td data-testid="group-count">{g.count}</td>
                    <td>{formatDateTime(g.lastAt)}</td>
                  </tr>
                  {items && (
                    <tr class="ops-group-items">
                      <td colSpan={6}>
                        <table class="grid" aria-label={t('ops.incidents.members', { message: g.message })}>
                          <thead>
                            <tr>
                              <th scope="col" class="ops-select">
                                <input
                                  type="checkbox"
                                  aria-label={t('ops.incidents.selectGroup')}
                                  checked={ids.length > 0 && ids.every((i) => selected.has(i))}
                                  onChange={(e) => select(ids, e.currentTarget.checked)}
                                />
                              </th>
                              <th scope="col">{t('ops.col.businessKey')}</th>
                              <th scope="col">{t('ops.col.department')}</th>
                              <th scope="col">{t('ops.incidents.created')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {items.map((i) => (
                              <tr key={i.id}>
                                <td class="ops-select">
                                  <input
                                    type="checkbox"
                                    aria-label={t('ops.selectRow', { name: i.businessKey ?? i.instanceId.slice(0, 8) })}
                                    checked={selected.has(i.id)}
                                    onChange={(e) => select([i.id], e.currentTarget.checked)}
                                  />
                                </td>
                                <th scope="row">
                                  <a href={`#/operations/instances/${i.instanceId}`}>
                                    {i.businessKey ?? i.instanceId.slice(0, 8)}
                                  </a>
                                </th>
                                <td title={i.departmentId ?? undefined}>{departments.name(i.departmentId)}</td>
                                <td>{formatDateTime(i.createdAt)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </tbody>
              );
            })}
          </table>
        </div>
      )}
    </OpsPage>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { useLocale, useT } from '../../lib/i18n';
import type { SessionUser } from '../../lib/session';
import type { Criteria } from './api';
import type { List } from '../../../../server/lib/contract';
import type { Definition } from '../../../../server/workflow/definition.contract';
import { nameIn, nameFor } from '../../lib/bilingual';

interface DefinitionOption {
  key: string;
  name: string | null;
  steps: { id: string; name: string | null }[];
}

/** Loads the processes the user may read once, for the process and step filters. */
function useDefinitions(): DefinitionOption[] {
  const [options, setOptions] = useState<DefinitionOption[]>([]);
  useEffect(() => {
    api.get<List<Definition>>('/process-definitions').then(
      (r) =>
        setOptions(
          r.items.map((d) => ({
            key: d.key,
            name: d.name,
            steps: Object.keys(d.meta.userTasks).map((id) => ({
              id,
              name: d.meta.elements[id]?.name ?? null,
            })),
          })),
        ),
      () => setOptions([]), // without definition:read the filters are free text only
    );
  }, []);
  return options;
}

/**
 * Search box plus filters (process, step, due range, priority, department, customer). The search
 * applies as you type (debounced); the other filters on change.
 */
export function FilterBar({
  criteria,
  onChange,
  user,
}: {
  criteria: Criteria;
  onChange: (next: Criteria) => void;
  user: SessionUser;
}) {
  const t = useT();
  const locale = useLocale();
  const definitions = useDefinitions();
  const [q, setQ] = useState(criteria.q ?? '');
  const [expanded, setExpanded] = useState(
    !!(criteria.dueFrom || criteria.dueTo || criteria.minPriority || criteria.customer || criteria.departmentId),
  );
  useEffect(() => setQ(criteria.q ?? ''), [criteria.q]);
  useEffect(() => {
    if ((criteria.q ?? '') === q) return;
    const timer = setTimeout(() => onChange({ ...criteria, q: q || undefined }), 300);
    return () => clearTimeout(timer);
  }, [q]);

  const set = (patch: Partial<Criteria>) => {
    const next = { ...criteria, ...patch };
    for (const k of Object.keys(next) as (keyof Criteria)[])
      if (next[k] === '' || next[k] === undefined) delete next[k];
    onChange(next);
  };
  const steps = definitions.find((d) => d.key === criteria.definitionKey)?.steps ?? [];
  const departments = new Map<string, string>();
  for (const r of user.roles)
    departments.set(r.departmentId, nameFor(locale, r.departmentName, r.departmentNameEn) || r.departmentId);
  const active = Object.keys(criteria).length > 0;

  return (
    <form
      class="filters"
      role="search"
      aria-label={t('worklist.search')}
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ ...criteria, q: q || undefined });
      }}
    >
      <div class="filter-row">
        <div class="field grow">
          <label for="wl-q">{t('worklist.search')}</label>
          <input
            id="wl-q"
            type="search"
            value={q}
            placeholder={t('worklist.search.placeholder')}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="wl-process">{t('worklist.filter.process')}</label>
          <select
            id="wl-process"
            value={criteria.definitionKey ?? ''}
            onChange={(e) => set({ definitionKey: e.currentTarget.value || undefined, elementId: undefined })}
          >
            <option value="">{t('worklist.filter.any')}</option>
            {definitions.map((d) => (
              <option key={d.key} value={d.key}>
                {nameIn(d.name, locale) ?? d.key}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="wl-step">{t('worklist.filter.task')}</label>
          <select
            id="wl-step"
            value={criteria.elementId ?? ''}
            disabled={!criteria.definitionKey}
            onChange={(e) => set({ elementId: e.currentTarget.value || undefined })}
          >
            <option value="">{t('worklist.filter.any')}</option>
            {steps.map((s) => (
              <option key={s.id} value={s.id}>
                {nameIn(s.name, locale) ?? s.id}
              </option>
            ))}
          </select>
        </div>
        <div class="filter-buttons">
          <button type="submit" class="primary">
            {t('worklist.filter.apply')}
          </button>
          <button type="button" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
            {expanded ? t('worklist.filter.fewer') : t('worklist.filter.more')}
          </button>
          {active && (
            <button
              type="button"
              onClick={() => {
                setQ('');
                onChange({});
              }}
            >
              {t('worklist.filter.clear')}
            </button>
          )}
        </div>
      </div>
      {expanded && (
        <div class="filter-row">
          <div class="field">
            <label for="wl-due-from">{t('worklist.filter.dueFrom')}</label>
            <input
              id="wl-due-from"
              type="date"
              value={criteria.dueFrom?.slice(0, 10) ?? ''}
              onChange={(e) => set({ dueFrom: e.currentTarget.value || undefined })}
            />
          </div>
          <div class="field">
            <label for="wl-due-to">{t('worklist.filter.dueTo')}</label>
            <input
              id="wl-due-to"
              type="date"
              value={criteria.dueTo?.slice(0, 10) ?? ''}
              onChange={(e) => set({ dueTo: e.currentTarget.value || undefined })}
            />
          </div>
          <div class="field narrow">
            <label for="wl-priority">{t('worklist.filter.priority')}</label>
            <input
              id="wl-priority"
              type="number"
              min={0}
              max={100}
              value={criteria.minPriority ?? ''}
              onChange={(e) =>
                set({ minPriority: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })
              }
            />
          </div>
          <div class="field">
            <label for="wl-department">{t('worklist.filter.department')}</label>
            <select
              id="wl-department"
              value={criteria.departmentId ?? ''}
              onChange={(e) => set({ departmentId: e.currentTarget.value || undefined })}
            >
              <option value="">{t('worklist.filter.any')}</option>
              {[...departments].map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="wl-customer">{t('worklist.filter.customer')}</label>
            <input
              id="wl-customer"
              value={criteria.customer ?? ''}
              onChange={(e) => set({ customer: e.currentTarget.value.trim() || undefined })}
            />
          </div>
        </div>
      )}
    </form>
  );
}

import { formatDateTime, useLocale, useT } from '../../lib/i18n';
import type { SortKey, View, WorklistItem } from './api';
import { nameIn, nameFor } from '../../lib/bilingual';

export function dueState(item: WorklistItem, now: number): 'overdue' | 'soon' | null {
  if (!item.dueAt || item.completedAt) return null;
  const due = new Date(item.dueAt).getTime();
  if (due < now) return 'overdue';
  if (due - now < 24 * 3600 * 1000) return 'soon';
  return null;
}

export function priorityLevel(priority: number): 'high' | 'normal' | 'low' {
  return priority >= 70 ? 'high' : priority <= 30 ? 'low' : 'normal';
}

/** The task table: sortable headers (aria-sort), overdue rows marked in colour and in words. */
export function WorklistTable({
  view,
  items,
  sort,
  order,
  onSort,
  onClaim,
  claiming,
  selected,
  onSelect,
}: {
  view: View;
  items: WorklistItem[];
  sort: SortKey;
  order: 'asc' | 'desc';
  onSort: (key: SortKey) => void;
  onClaim: (item: WorklistItem) => void;
  claiming: string | null;
  /** Rows ticked for a bulk claim (the claimable view only). */
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const now = Date.now();
  const sortable = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(key)} aria-label={t('worklist.sort', { column: label })}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {sort === key ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
  return (
    <div class="table-wrap">
      <table class="grid worklist-table">
        <thead>
          <tr>
            {view === 'claimable' && (
              <th scope="col" class="select-cell">
                <input
                  type="checkbox"
                  aria-label={t('worklist.selectAll')}
                  checked={items.length > 0 && items.every((i) => selected.has(i.id))}
                  onChange={(e) =>
                    onSelect(
                      items.map((i) => i.id),
                      e.currentTarget.checked,
                    )
                  }
                />
              </th>
            )}
            <th scope="col">{t('worklist.col.task')}</th>
            <th scope="col">{t('worklist.col.process')}</th>
            <th scope="col">{t('worklist.col.customer')}</th>
            <th scope="col">{t('worklist.col.department')}</th>
            {sortable('created', t('worklist.col.created'))}
            {view === 'completed'
              ? sortable('completed', t('worklist.col.completed'))
              : sortable('due', t('worklist.col.due'))}
            {sortable('priority', t('worklist.col.priority'))}
            {view === 'claimable' && <th scope="col">{t('worklist.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const due = view === 'completed' ? null : dueState(item, now);
            const level = priorityLevel(item.priority);
            const label = nameIn(item.name, locale) ?? item.elementId;
            return (
              <tr key={item.id} class={due ? `row-${due}` : undefined} data-task-id={item.id}>
                {view === 'claimable' && (
                  <td class="select-cell">
                    <input
                      type="checkbox"
                      aria-label={t('worklist.select', { task: `${label} ${item.businessKey ?? ''}`.trim() })}
                      checked={selected.has(item.id)}
                      onChange={(e) => onSelect([item.id], e.currentTarget.checked)}
                    />
                  </td>
                )}
                <td class="task-cell">
                  <a href={`#/tasks/${item.id}`}>{label}</a>
                  {item.unassigned && (
                    <span class="badge badge-unassigned" title={t('worklist.unassigned.hint')}>
                      {t('worklist.unassigned')}
                    </span>
                  )}
                </td>
                <td>{nameIn(item.definitionName, locale) ?? item.definitionKey}</td>
                <td>
                  {item.customerName && <div class="customer-name">{item.customerName}</div>}
                  {item.businessKey && <div class={item.customerName ? 'muted mono' : 'mono'}>{item.businessKey}</div>}
                  {!item.customerName && !item.businessKey && '—'}
                </td>
                <td>{nameFor(locale, item.departmentName, item.departmentNameEn) || '—'}</td>
                <td>{formatDateTime(item.createdAt)}</td>
                {view === 'completed' ? (
                  <td>{formatDateTime(item.completedAt)}</td>
                ) : (
                  <td class="due-cell">
                    {item.dueAt ? formatDateTime(item.dueAt) : '—'}
                    {due === 'overdue' && <span class="badge badge-overdue">{t('worklist.overdue')}</span>}
                    {due === 'soon' && <span class="badge badge-soon">{t('worklist.dueSoon')}</span>}
                  </td>
                )}
                <td>
                  <span class={`priority priority-${level}`}>
                    {t(`worklist.priority.${level}`)} <span class="muted">{item.priority}</span>
                  </span>
                </td>
                {view === 'claimable' && (
                  <td>
                    <button
                      type="button"
                      class="small"
                      disabled={claiming === item.id}
                      aria-label={`${t('worklist.claim')} ${label} ${item.businessKey ?? ''}`.trim()}
                      onClick={() => onClaim(item)}
                    >
                      {t('worklist.claim')}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

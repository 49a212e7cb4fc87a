import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../app/Dialog';
import { currentPath } from '../../app/router';
import { useLocale, useT } from '../../lib/i18n';
import { rooms, subscribe, type RealtimeEvent } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import { operationsApi, type Definition, type Department } from './api';
import './operations.css';
import { nameFor } from '../../lib/bilingual';

/** The operations pages, each shown to whoever holds what it needs (the server decides again). */
const TABS: { path: string; key: string; permission: [string, string] }[] = [
  { path: '/operations', key: 'ops.tab.instances', permission: ['instance', 'read'] },
  { path: '/operations/incidents', key: 'ops.tab.incidents', permission: ['incident', 'read'] },
  { path: '/operations/migration', key: 'ops.tab.migration', permission: ['instance', 'migrate'] },
  { path: '/operations/batches', key: 'ops.tab.batches', permission: ['batch', 'read'] },
];

/** The operations area: its tabs above the page, or a refusal for a page the user may not open. */
export function OpsPage({
  title,
  permission,
  children,
  actions,
}: {
  title: string;
  permission: [string, string];
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const t = useT();
  const { can } = useSession();
  const path = currentPath();
  const current = TABS.filter((tab) => path === tab.path || path.startsWith(`${tab.path}/`)).pop();
  return (
    <section class="page ops">
      <nav class="ops-tabs" aria-label={t('ops.tabs')}>
        {TABS.filter((tab) => can(...tab.permission)).map((tab) => (
          <a key={tab.path} href={`#${tab.path}`} aria-current={tab === current ? 'page' : undefined}>
            {t(tab.key)}
          </a>
        ))}
      </nav>
      <div class="ops-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {can(...permission) ? children : <p role="alert">{t('app.forbidden')}</p>}
    </section>
  );
}

/**
 * Every operations event the user may see: their departments' rooms and their own room. The
 * handler is called for each event; views reload what they show (coalesced by `useReload`).
 */
export function useOperationsEvents(onEvent: (event: RealtimeEvent) => void, onResync: () => void): void {
  const { user } = useSession();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const resync = useRef(onResync);
  resync.current = onResync;
  const departments = [...new Set((user?.roles ?? []).map((r) => r.departmentId))].sort().join(',');
  useEffect(() => {
    if (!user) return;
    const names = [...departments.split(',').filter(Boolean).map(rooms.department), rooms.user(user.id)];
    const offs = names.map((room) => subscribe(room, (e) => handler.current(e), { onResync: () => resync.current() }));
    return () => offs.forEach((off) => off());
  }, [departments, user?.id]);
}

/** A reload that runs at most once per `ms` however many events ask for it. */
export function useCoalesced(fn: () => void, ms = 250): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  };
}

/**
 * An operation that needs a reason (cancel, suspend, resume, bulk actions): the question, extra
 * fields if any, a required reason, and the server's refusal shown in place.
 */
export function ReasonDialog({
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
  children,
  danger,
}: {
  title: string;
  body?: string;
  confirmLabel: string;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
  children?: ComponentChildren;
  danger?: boolean;
}) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('ops.reason.required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form class="ops-form" onSubmit={(e) => void submit(e)}>
        {body && <p>{body}</p>}
        {children}
        <label for="ops-reason">{t('ops.reason')}</label>
        <textarea
          id="ops-reason"
          rows={3}
          maxLength={500}
          aria-required="true"
          aria-invalid={!!error && !reason.trim()}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          autoFocus
        />
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('ops.close')}
          </button>
          <button type="submit" class={danger ? 'primary danger' : 'primary'} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** An instance's state in words (and colour): running, suspended, with incidents, overdue, ended. */
export function StateChips({
  instance,
}: {
  instance: { status: string; suspended: boolean; openIncidents: number; overdue: boolean };
}) {
  const t = useT();
  return (
    <span class="ops-chips">
      <span class={`ops-chip ops-chip-${instance.status}`}>{t(`ops.status.${instance.status}`)}</span>
      {instance.suspended && <span class="ops-chip ops-chip-suspended">{t('ops.state.suspended')}</span>}
      {instance.openIncidents > 0 && (
        <span class="ops-chip ops-chip-incident">{t('ops.state.incidents', { count: instance.openIncidents })}</span>
      )}
      {instance.overdue && <span class="ops-chip ops-chip-overdue">{t('ops.state.overdue')}</span>}
    </span>
  );
}

/** Paging under a table, as the worklist's (range, rows per page, previous / next). */
export function Pager({
  offset,
  limit,
  total,
  capped,
  onChange,
  id,
}: {
  offset: number;
  limit: number;
  total: number;
  capped?: boolean;
  onChange: (offset: number, limit: number) => void;
  id: string;
}) {
  const t = useT();
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div class="pager">
      <span>{t(capped ? 'ops.rangeCapped' : 'ops.range', { from, to, total })}</span>
      <label for={id}>{t('ops.pageSize')}</label>
      <select id={id} value={limit} onChange={(e) => onChange(0, Number(e.currentTarget.value))}>
        {[20, 50, 100, 200].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit), limit)}>
        {t('ops.prev')}
      </button>
      <button type="button" disabled={offset + limit >= total} onClick={() => onChange(offset + limit, limit)}>
        {t('ops.next')}
      </button>
    </div>
  );
}

/** A column header that sorts (aria-sort), as the worklist's. */
export function SortHeader<K extends string>({
  column,
  label,
  sort,
  order,
  onSort,
}: {
  column: K;
  label: string;
  sort: K;
  order: 'asc' | 'desc';
  onSort: (column: K) => void;
}) {
  const t = useT();
  return (
    <th scope="col" aria-sort={sort === column ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(column)} aria-label={t('ops.sort', { column: label })}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {sort === column ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One option per deployed process key, by its name, in key order (for a process picker). */
export function ProcessOptions({ definitions }: { definitions: readonly Definition[] }) {
  const keys = [...new Set(definitions.map((d) => d.key))].sort();
  return (
    <>
      {keys.map((k) => (
        <option key={k} value={k}>
          {definitions.find((d) => d.key === k)?.name ?? k}
        </option>
      ))}
    </>
  );
}

/** The departments the reader may read instances in, named in the page's language. */
export interface DepartmentNames {
  /** The department's name, or its id while the list loads or when it lies outside the reader's scope. */
  name(id: string | null | undefined): string;
  /** Options for a department filter, indented by depth, in tree order. */
  options: { value: string; label: string }[];
}

/** Loads the departments once per page: rows carry department ids, screens show names. */
export function useDepartmentNames(): DepartmentNames {
  const locale = useLocale();
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => {
    operationsApi
      .departments()
      .then((r) => setDepartments(r.items))
      .catch(() => setDepartments([]));
  }, []);
  const local = (d: Department) => nameFor(locale, d.name, d.nameEn);
  const byId = new Map(departments.map((d) => [d.id, d]));
  const top = Math.min(...departments.map((d) => d.path.split('/').filter(Boolean).length));
  return {
    name: (id) => {
      if (!id) return '—';
      const d = byId.get(id);
      return d ? local(d) : id;
    },
    options: departments.map((d) => ({
      value: d.id,
      label: `${'\u3000'.repeat(Math.max(0, d.path.split('/').filter(Boolean).length - top))}${local(d)}`,
    })),
  };
}

/** A department filter: a select of the reader's departments by name ("any" first). */
export function DepartmentSelect({
  id,
  value,
  names,
  onChange,
}: {
  id: string;
  value: string;
  names: DepartmentNames;
  onChange: (value: string) => void;
}) {
  const t = useT();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('ops.any')}</option>
      {names.options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

import { useEffect, useMemo, useState } from 'preact/hooks';
import { currentQuery, navigate } from '../../app/router';
import { getLocale, useT } from '../../lib/i18n';
import { useSession, type SessionUser } from '../../lib/session';
import { showToast } from '../../lib/toast';
import { worklistApi, type Criteria, type ListQuery, type SortKey, type View, type WorklistItem } from './api';
import { describeFailure } from './errors';
import { FilterBar } from './FilterBar';
import { SavedFilters } from './SavedFilters';
import { useWorklist } from './useWorklist';
import { WorklistTable } from './WorklistTable';
import './worklist.css';
import { nameIn } from '../../lib/bilingual';

const VIEWS: View[] = ['mine', 'claimable', 'completed', 'unassigned'];
const PAGE_SIZES = [25, 50, 100];
const CRITERIA_KEY = 'pm.worklist.criteria';

function initialView(): View {
  const v = currentQuery().get('view');
  return v === 'claimable' || v === 'completed' || v === 'unassigned' ? v : 'mine';
}

function storedCriteria(): Criteria {
  try {
    return JSON.parse(sessionStorage.getItem(CRITERIA_KEY) ?? '{}') as Criteria;
  } catch {
    return {};
  }
}

/** Date-only filter values mean whole local days: from 00:00 to 23:59:59. */
function toQuery(criteria: Criteria): Criteria {
  const q = { ...criteria };
  if (q.dueFrom && q.dueFrom.length === 10) q.dueFrom = new Date(`${q.dueFrom}T00:00:00`).toISOString();
  if (q.dueTo && q.dueTo.length === 10) q.dueTo = new Date(`${q.dueTo}T23:59:59.999`).toISOString();
  return q;
}

export function WorklistPage() {
  const { user } = useSession();
  return user ? <Worklist user={user} /> : null;
}

function Worklist({ user }: { user: SessionUser }) {
  const t = useT();
  const { can } = useSession();
  // Tasks named for nobody are for those who reassign tasks (team leaders, managers, administrators).
  const views = VIEWS.filter((v) => v !== 'unassigned' || can('task', 'reassign'));
  const [view, setView] = useState<View>(initialView);
  const [criteria, setCriteria] = useState<Criteria>(storedCriteria);
  const [sort, setSort] = useState<SortKey>('due');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(50);
  const [claiming, setClaiming] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkBusy, setBulkBusy] = useState(false);

  const effectiveSort: SortKey = view === 'completed' && sort === 'due' ? 'completed' : sort;
  const effectiveOrder = view === 'completed' && sort === 'due' ? 'desc' : order;
  const query: ListQuery = useMemo(
    () => ({ view, ...toQuery(criteria), sort: effectiveSort, order: effectiveOrder, offset, limit }),
    [view, criteria, effectiveSort, effectiveOrder, offset, limit],
  );
  const state = useWorklist(query, user);

  useEffect(() => {
    sessionStorage.setItem(CRITERIA_KEY, JSON.stringify(criteria));
  }, [criteria]);

  // Ticks only ever name rows on the page: a row that left (claimed live, another page) is unticked.
  useEffect(() => {
    setSelected((current) => {
      const shown = new Set(state.items.map((i) => i.id));
      const kept = [...current].filter((id) => shown.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [state.items]);

  // The last row of a later page went away live: show the page before it rather than an empty one.
  useEffect(() => {
    if (!state.loading && state.items.length === 0 && offset > 0 && offset >= state.total)
      setOffset(Math.max(0, offset - limit));
  }, [state.loading, state.items.length, state.total, offset, limit]);

  async function claimSelected() {
    const ids = [...selected];
    setBulkBusy(true);
    try {
      const { results } = await worklistApi.claimMany(ids);
      const claimed = results.filter((r) => r.claimed);
      for (const r of claimed) state.remove(r.taskId);
      const refused = results.filter((r) => !r.claimed);
      if (claimed.length)
        showToast(refused.length ? 'info' : 'success', t('worklist.bulk.claimed', { count: claimed.length }));
      if (refused.length)
        showToast(
          'error',
          t('worklist.bulk.refused', {
            count: refused.length,
            who: [...new Set(refused.map((r) => r.assigneeName ?? r.assignee).filter(Boolean))].join('、') || '—',
          }),
        );
      setSelected(new Set());
    } catch (err) {
      showToast('error', describeFailure(t, err));
    } finally {
      setBulkBusy(false);
      state.reload();
    }
  }

  function chooseView(next: View) {
    setView(next);
    setSelected(new Set());
    setOffset(0);
    navigate(`/worklist?view=${next}`, { replace: true });
  }

  function onSort(key: SortKey) {
    if (key === effectiveSort) setOrder(effectiveOrder === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setOrder(key === 'priority' || key === 'completed' ? 'desc' : 'asc');
    }
    setOffset(0);
  }

  async function claim(item: WorklistItem) {
    setClaiming(item.id);
    try {
      await worklistApi.claim(item.id);
      showToast('success', t('worklist.claimed.toast', { task: nameIn(item.name, getLocale()) ?? item.elementId }));
      state.remove(item.id);
      state.reload();
    } catch (err) {
      showToast('error', describeFailure(t, err));
      state.reload();
    } finally {
      setClaiming(null);
    }
  }

  const filtered = Object.keys(criteria).length > 0;
  const from = state.total === 0 ? 0 : offset + 1;
  const to = offset + state.items.length;
  return (
    <section class="page worklist" aria-labelledby="worklist-title">
      <div class="page-head">
        <h1 id="worklist-title">{t('worklist.title')}</h1>
        <span class={`live ${state.live ? 'live-on' : 'live-off'}`} role="status">
          {state.live ? t('worklist.live.on') : t('worklist.live.off')}
        </span>
        <SavedFilters
          user={user}
          view={view}
          criteria={criteria}
          onApply={(f) => {
            const { view: v, sort: s, order: o, ...rest } = f.criteria;
            setCriteria(rest);
            if (v) chooseView(v);
            if (s) setSort(s);
            if (o) setOrder(o);
            setOffset(0);
          }}
        />
      </div>
      <div role="tablist" aria-label={t('worklist.tabs')} class="tabs">
        {views.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            id={`tab-${v}`}
            aria-selected={view === v}
            aria-controls="worklist-panel"
            tabIndex={view === v ? 0 : -1}
            onClick={() => chooseView(v)}
            onKeyDown={(e) => {
              const i = views.indexOf(v);
              const n = views.length;
              const next =
                e.key === 'ArrowRight' ? views[(i + 1) % n] : e.key === 'ArrowLeft' ? views[(i + n - 1) % n] : null;
              if (next) {
                chooseView(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {t(`worklist.tab.${v}`)}
            <span class="count" data-count={v}>
              {state.counts ? state.counts[v] : '…'}
            </span>
          </button>
        ))}
      </div>
      <div id="worklist-panel" role="tabpanel" aria-labelledby={`tab-${view}`} aria-busy={state.loading}>
        <FilterBar
          user={user}
          criteria={criteria}
          onChange={(next) => {
            setCriteria(next);
            setOffset(0);
          }}
        />
        {state.error && (
          <div class="error-state" role="alert">
            <p>{t('worklist.error', { message: state.error })}</p>
            <button type="button" onClick={state.reload}>
              {t('app.retry')}
            </button>
          </div>
        )}
        {!state.error && state.items.length === 0 && state.loading && <p class="loading">{t('worklist.loading')}</p>}
        {!state.error && state.items.length === 0 && !state.loading && (
          <p class="empty">{filtered ? t('worklist.empty.filtered') : t(`worklist.empty.${view}`)}</p>
        )}
        {view === 'claimable' && state.items.length > 0 && (
          <div class="bulk-bar">
            <button
              type="button"
              class="primary"
              disabled={selected.size === 0 || bulkBusy}
              onClick={() => void claimSelected()}
            >
              {t('worklist.bulk.claim', { count: selected.size })}
            </button>
          </div>
        )}
        {state.items.length > 0 && (
          <WorklistTable
            selected={selected}
            onSelect={(ids, on) =>
              setSelected((current) => {
                const next = new Set(current);
                for (const id of ids)
                  if (on) next.add(id);
                  else next.delete(id);
                return next;
              })
            }
            view={view}
            items={state.items}
            sort={effectiveSort}
            order={effectiveOrder}
            onSort={onSort}
            onClaim={(item) => void claim(item)}
            claiming={claiming}
          />
        )}
        <div class="pager">
          <span>
            {t(state.totalCapped ? 'worklist.rangeCapped' : 'worklist.range', { from, to, total: state.total })}
          </span>
          <label for="wl-page-size">{t('worklist.pageSize')}</label>
          <select
            id="wl-page-size"
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.currentTarget.value));
              setOffset(0);
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - limit))}>
            {t('worklist.prev')}
          </button>
          <button type="button" disabled={to >= state.total} onClick={() => setOffset(offset + limit)}>
            {t('worklist.next')}
          </button>
        </div>
      </div>
    </section>
  );
}

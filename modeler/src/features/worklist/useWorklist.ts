import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  onConnectionChange,
  isConnected,
  rooms,
  subscribe,
  type RealtimeEvent,
  type RealtimeTopic,
} from '../../lib/realtime';
import type { SessionUser } from '../../lib/session';
import { worklistApi, type Counts, type ListQuery, type WorklistItem } from './api';

export interface WorklistState {
  items: WorklistItem[];
  total: number;
  totalCapped: boolean;
  counts: Counts | null;
  loading: boolean;
  error: string | null;
  live: boolean;
  reload: () => void;
  /** Drops a row at once (a claim by someone else), before the reload confirms it. */
  remove: (taskId: string) => void;
}

const TASK_TOPICS = new Set<RealtimeTopic>([
  'task:created',
  'task:claimed',
  'task:unclaimed',
  'task:completed',
  'task:assigned',
  'task:delegated',
  'task:resolved',
  'task:cancelled',
]);

/**
 * The current page of the worklist and the tab counters, kept current by the task events of
 * the user's departments over Socket.IO: no polling, no reload. A claim by someone else removes
 * the row at once; any task event refreshes the page and counters (coalesced).
 */
export function useWorklist(query: ListQuery, user: SessionUser): WorklistState {
  const [items, setItems] = useState<WorklistItem[]>([]);
  const [total, setTotal] = useState(0);
  const [totalCapped, setTotalCapped] = useState(false);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(isConnected());
  const request = useRef(0);
  const shownKey = useRef<string | null>(null);
  const key = JSON.stringify(query);

  const load = useCallback(() => {
    const id = ++request.current;
    setLoading(true);
    Promise.all([worklistApi.list(query), worklistApi.counts()]).then(
      ([page, c]) => {
        if (id !== request.current) return; // an older answer arriving late
        shownKey.current = key;
        setItems(page.items);
        setTotal(page.total);
        setTotalCapped(!!page.totalCapped);
        setCounts(c);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (id !== request.current) return;
        // Rows of another tab or filter would mislead; a failed refresh of the same list keeps them.
        if (shownKey.current !== key) {
          setItems([]);
          setTotal(0);
        }
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      },
    );
  }, [key]);

  useEffect(load, [load]);

  /**
   * Takes a row off the page at once, and with it one from the total and the tab's counter, so
   * the pager and the tabs never disagree with the rows shown while the reload is on its way.
   */
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const view = query.view;
  const drop = useCallback(
    (taskId: string) => {
      if (!itemsRef.current.some((i) => i.id === taskId)) return;
      setItems((current) => current.filter((i) => i.id !== taskId));
      setTotal((n) => Math.max(0, n - 1));
      setCounts((c) => (c ? { ...c, [view]: Math.max(0, c[view] - 1) } : c));
    },
    [view],
  );

  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const schedule = useCallback(() => {
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => loadRef.current(), 150);
  }, []);

  const departments = [...new Set(user.roles.map((r) => r.departmentId))].sort().join(',');
  useEffect(() => {
    const onEvent = (event: RealtimeEvent) => {
      if (!TASK_TOPICS.has(event.topic)) return;
      // A page already on its way may have been read before this change: its rows would put back
      // a row just dropped, beside counters read after it. Only the reload scheduled below counts.
      request.current++;
      if (event.topic === 'task:claimed' && event.payload.assignee !== user.username && query.view === 'claimable') {
        drop(String(event.payload.taskId));
      }
      schedule();
    };
    // server/realtime/README.md "Worklist": each department where I hold a role, plus my own room
    // (tasks offered to me by name, assigned to me or taken from me).
    const roomNames = [...departments.split(',').filter(Boolean).map(rooms.department), rooms.user(user.id)];
    const unsubscribers = roomNames.map((room) => subscribe(room, onEvent, { onResync: schedule }));
    const offStatus = onConnectionChange((connected) => {
      setLive(connected);
      if (connected) schedule(); // whatever happened while away
    });
    setLive(isConnected());
    return () => {
      for (const off of unsubscribers) off();
      offStatus();
    };
  }, [departments, user.id, user.username, query.view, schedule, drop]);

  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);

  return {
    items,
    total,
    totalCapped,
    counts,
    loading,
    error,
    live,
    reload: load,
    remove: drop,
  };
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api';
import { codeLabel, formatDateTime, useT } from '../../lib/i18n';
import { rooms, subscribe, type RealtimePayloads } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import type { List } from '../../../../server/lib/contract';
import type { PaymentListItem } from '../../../../server/marketing/payment.contract';
import './payments.css';

/** What a row shows: a listed payment, or one just announced by `payment:received`. */
type Row = Pick<PaymentListItem, 'id' | 'paidAt' | 'accountNo' | 'customerName' | 'channel' | 'kind' | 'amount'>;

interface Criteria {
  channel: string;
  /** Local dates (yyyy-mm-dd) as the date inputs give them; `to` is inclusive. */
  from: string;
  to: string;
}

const PAGE = 50;
const CHANNELS = ['counter', 'bank', 'app', 'web', 'direct_debit', 'adjustment', 'deposit'] as const;

/** ¥1,234.56 from a decimal string, without a round trip through floating point. */
function money(value: string): string {
  const negative = value.trim().startsWith('-');
  const [whole = '0', fraction = ''] = value.trim().replace(/^[-+]/, '').split('.');
  const digits = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${digits}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** The instants a day range covers in the browser's time zone: [from 00:00, the day after `to` 00:00). */
function range(criteria: Criteria): { from?: string; to?: string } {
  const result: { from?: string; to?: string } = {};
  if (criteria.from) result.from = new Date(`${criteria.from}T00:00:00`).toISOString();
  if (criteria.to) {
    const end = new Date(`${criteria.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    result.to = end.toISOString();
  }
  return result;
}

function matches(payment: RealtimePayloads['payment:received'], criteria: Criteria): boolean {
  if (criteria.channel && payment.channel !== criteria.channel) return false;
  const { from, to } = range(criteria);
  const at = Date.parse(payment.paidAt);
  return (!from || at >= Date.parse(from)) && (!to || at < Date.parse(to));
}

/**
 * Payments received across the departments whose billing the user may read, newest first
 * (`GET /payments`). Payments made while the page is open — at a counter or online in the hall —
 * are put on top as their `payment:received` events arrive in the user's department room.
 */
export function PaymentsPage() {
  const t = useT();
  const { user } = useSession();
  const [draft, setDraft] = useState<Criteria>({ channel: '', from: '', to: '' });
  const [criteria, setCriteria] = useState<Criteria>(draft);
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string | number> = { offset, limit: PAGE, ...range(criteria) };
      if (criteria.channel) query.channel = criteria.channel;
      const page = await api.get<List<PaymentListItem>>('/payments', query);
      setRows(page.items);
      setHasMore(page.hasMore);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [criteria, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live: a payment that fits the criteria goes on top of the first page; the server's list is
  // only asked again when the socket missed events (resync).
  const state = useRef({ load, criteria, offset, rows });
  state.current = { load, criteria, offset, rows };
  useEffect(() => {
    if (!user?.departmentId) return;
    return subscribe(
      rooms.department(user.departmentId),
      (event) => {
        if (event.topic !== 'payment:received') return;
        const p = event.payload;
        const { offset, criteria, rows } = state.current;
        // Before the first load answers, the load will hold it; a replay may repeat a listed one.
        if (!rows || rows.some((r) => r.id === p.paymentId)) return;
        if (offset > 0 || !matches(p, criteria)) return;
        const row: Row = {
          id: p.paymentId,
          paidAt: p.paidAt,
          accountNo: p.accountNo,
          customerName: p.customerName,
          channel: p.channel as Row['channel'],
          kind: 'payment',
          amount: p.amount,
        };
        setRows((current) => (current && !current.some((r) => r.id === row.id) ? [row, ...current] : current));
        state.current.rows = [row, ...rows];
        setFresh((ids) => new Set(ids).add(row.id));
      },
      { onResync: () => void state.current.load() },
    );
  }, [user?.departmentId]);

  const channelName = (code: string) => codeLabel(t, 'payments.channel', code);

  return (
    <section class="page payments">
      <h1>{t('payments.title')}</h1>
      <p class="muted">{t('payments.intro')}</p>
      <form
        class="payments-filters"
        aria-label={t('payments.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFresh(new Set());
          setCriteria({ ...draft });
        }}
      >
        <label>
          {t('payments.channel')}
          <select value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.currentTarget.value })}>
            <option value="">{t('payments.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {channelName(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('payments.from')}
          <input type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </label>
        <label>
          {t('payments.to')}
          <input type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </label>
        <button type="submit" class="primary">
          {t('payments.apply')}
        </button>
      </form>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {!rows && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {rows && rows.length === 0 && <p class="empty">{t('payments.empty')}</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="grid payments-table" aria-label={t('payments.title')}>
            <thead>
              <tr>
                <th scope="col">{t('payments.col.paidAt')}</th>
                <th scope="col">{t('payments.col.account')}</th>
                <th scope="col">{t('payments.col.customer')}</th>
                <th scope="col">{t('payments.col.channel')}</th>
                <th scope="col">{t('payments.col.kind')}</th>
                <th scope="col" class="payment-amount">
                  {t('payments.col.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} data-payment-id={p.id} class={fresh.has(p.id) ? 'payment-fresh' : undefined}>
                  <td>
                    {formatDateTime(p.paidAt)}
                    {fresh.has(p.id) && <span class="payment-new">{t('payments.new')}</span>}
                  </td>
                  <td class="payment-mono">{p.accountNo}</td>
                  <td>{p.customerName}</td>
                  <td>{channelName(p.channel)}</td>
                  <td>{t(`payments.kind.${p.kind}`)}</td>
                  <td class="payment-amount">{money(p.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows && (offset > 0 || hasMore) && (
        <div class="pager">
          <span>{t('payments.range', { from: offset + 1, to: offset + rows.length })}</span>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('payments.previous')}
          </button>
          <button type="button" disabled={!hasMore} onClick={() => setOffset(offset + PAGE)}>
            {t('payments.next')}
          </button>
        </div>
      )}
    </section>
  );
}

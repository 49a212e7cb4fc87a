import { useEffect, useState } from 'preact/hooks';
import { useLocale } from '../lib/i18n';
import { hallApi } from './api';
import { dateOf, date, kwh, money, period } from './format';
import { lineLabel } from './lines';
import type { HallAccount, HallBill, HallBillList, HallBillSummary } from './types';
import { ErrorMessage, Loaded, PageTitle, errorText, useLoad, useT } from './ui';

const PAGE = 20;

export function BillsPage({ account }: { account: HallAccount }) {
  const t = useT();
  const locale = useLocale();
  const first = useLoad(() => hallApi.get<HallBillList>(`/accounts/${account.id}/bills?limit=${PAGE}`), [account.id]);
  const [more, setMore] = useState<HallBillSummary[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setHasMore(first.data?.hasMore ?? false);
  }, [first.data]);

  async function loadMore(offset: number) {
    setError(null);
    try {
      const page = await hallApi.get<HallBillList>(`/accounts/${account.id}/bills?limit=${PAGE}&offset=${offset}`);
      setMore((m) => [...m, ...page.items]);
      setHasMore(page.hasMore);
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <>
      <PageTitle>{t('hall.bills.title')}</PageTitle>
      <Loaded state={first}>
        {(list) => {
          const bills = [...list.items, ...more];
          if (bills.length === 0) return <p class="hall-card hall-muted">{t('hall.bills.empty')}</p>;
          return (
            <>
              <p class="hall-muted">{t('hall.bills.count', { total: list.total })}</p>
              <ul class="hall-bill-list" aria-label={t('hall.bills.title')}>
                {bills.map((b) => (
                  <li key={b.id}>
                    <a class="hall-card hall-bill-item" href={`#/bills/${b.id}`}>
                      <span class="hall-row">
                        <strong>{period(b.period, locale)}</strong>
                        <strong class="hall-amount">{money(b.total)}</strong>
                      </span>
                      <span class="hall-row hall-muted">
                        <span>
                          {t(`hall.bill.kind.${b.kind}`)} · {t('hall.bill.kwh', { kwh: kwh(b.kwh) })}
                        </span>
                        <span>{b.dueDate ? t('hall.bill.due', { date: date(b.dueDate, locale) }) : ''}</span>
                      </span>
                      <span class="hall-row">
                        <span class={`hall-status ${b.status}`}>{t(`hall.bill.status.${b.status}`)}</span>
                        {/[1-9]/.test(b.outstanding) && (
                          <span class="hall-owed">{t('hall.bill.outstanding', { amount: money(b.outstanding) })}</span>
                        )}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
              <ErrorMessage error={error} />
              {hasMore && (
                <button type="button" class="hall-button secondary wide" onClick={() => void loadMore(bills.length)}>
                  {t('hall.bills.more')}
                </button>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

/** One bill with exactly the lines the server returns, printable as it is shown. */
export function BillDetailPage({ account, billId }: { account: HallAccount; billId: string }) {
  const t = useT();
  const state = useLoad(() => hallApi.get<HallBill>(`/accounts/${account.id}/bills/${billId}`), [account.id, billId]);
  return (
    <>
      <p class="hall-back no-print">
        <a href="#/bills">← {t('hall.bills.title')}</a>
      </p>
      <Loaded state={state}>{(bill) => <Bill bill={bill} account={account} />}</Loaded>
    </>
  );
}

function Bill({ bill, account }: { bill: HallBill; account: HallAccount }) {
  const t = useT();
  const locale = useLocale();
  const rows: [string, string][] = [
    [t('hall.account.name'), account.name],
    [t('hall.account.no'), account.accountNo],
    ...(account.address ? [[t('hall.account.address'), account.address] as [string, string]] : []),
    ...(account.phone ? [[t('hall.account.phone'), account.phone] as [string, string]] : []),
    [t('hall.bill.issuedAt'), dateOf(bill.issuedAt, locale)],
    [t('hall.bill.dueDate'), bill.dueDate ? date(bill.dueDate, locale) : '—'],
    [t('hall.bill.usage'), t('hall.bill.kwh', { kwh: kwh(bill.kwh) })],
    [t('hall.bill.status'), t(`hall.bill.status.${bill.status}`)],
  ];
  return (
    <article class="hall-bill" aria-labelledby="bill-title">
      <p class="print-only hall-print-brand">
        {t('hall.utility')} · {t('hall.title')}
      </p>
      <PageTitle>
        <span id="bill-title">{t('hall.bill.title', { period: period(bill.period, locale) })}</span>
      </PageTitle>
      <section class="hall-card">
        <dl class="hall-facts">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="hall-card">
        <table class="hall-lines">
          <caption>{t('hall.bill.lines')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('hall.bill.item')}</th>
              <th scope="col" class="num">
                {t('hall.bill.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {bill.lines.length === 0 && (
              <tr>
                <td colSpan={2} class="hall-muted">
                  {t('hall.bill.noLines')}
                </td>
              </tr>
            )}
            {bill.lines.map((line, i) => (
              <tr key={i} data-line-type={line.type}>
                <th scope="row">
                  <span class="line-label">{lineLabel(line, locale)}</span>
                  <small class="hall-muted">
                    {t('hall.bill.calc', { quantity: line.quantity, price: line.unitPrice })}
                  </small>
                </th>
                <td class="num">{line.amount}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('hall.bill.total')}</th>
              <td class="num" data-testid="bill-total">
                {money(bill.total)}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('hall.bill.paid')}</th>
              <td class="num">{money(bill.paidAmount)}</td>
            </tr>
            <tr>
              <th scope="row">{t('hall.bill.unpaid')}</th>
              <td class="num">{money(bill.outstanding)}</td>
            </tr>
            {/[1-9]/.test(bill.lateFeeToday) && (
              <tr class="hall-owed">
                <th scope="row">{t('hall.bill.lateFee')}</th>
                <td class="num">{money(bill.lateFeeToday)}</td>
              </tr>
            )}
          </tfoot>
        </table>
      </section>
      <p class="print-only hall-muted">{t('hall.bill.printedNote')}</p>
      <button type="button" class="hall-button secondary wide no-print" onClick={() => window.print()}>
        {t('hall.bill.print')}
      </button>
    </article>
  );
}

import { useState } from 'preact/hooks';
import { useLocale } from '../lib/i18n';
import { hallApi } from './api';
import { date, money, period } from './format';
import type { HallAccount, HallBillList, HallReceipt, SimulatedBankAccount } from './types';
import { ErrorMessage, Loaded, PageTitle, errorText, useLoad, useT } from './ui';

/** Cents of a money string, so the total adds up exactly. */
const cents = (value: string) => Math.round(Number(value) * 100);
const yuan = (c: number) => (c / 100).toFixed(2);

/**
 * Pay online (DOMAIN.md §8): the unpaid bills, oldest first, all chosen; leaving out a bill
 * leaves out every newer one too, since payments settle the oldest bill first (DOMAIN.md §6).
 */
export function PayPage({ account, onPaid }: { account: HallAccount; onPaid: (paymentId: string) => void }) {
  const t = useT();
  const locale = useLocale();
  const state = useLoad(async () => {
    const [bills, banks] = await Promise.all([
      hallApi.get<HallBillList>(`/accounts/${account.id}/bills?limit=100`),
      hallApi.get<{ items: SimulatedBankAccount[] }>('/bank-simulator/accounts'),
    ]);
    const unpaid = bills.items
      .filter((b) => b.status === 'issued' || b.status === 'partly_paid')
      .sort((a, b) => a.period.localeCompare(b.period));
    return { unpaid, banks: banks.items };
  }, [account.id]);
  // null = the default (every bill, the first account), derived while rendering: an effect that
  // set the defaults after the first paint could overwrite a choice made in between.
  const [chosenCount, setCount] = useState<number | null>(null);
  const [chosenBank, setBank] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <>
      <PageTitle>{t('hall.pay.title')}</PageTitle>
      <Loaded state={state}>
        {({ unpaid, banks }) => {
          if (unpaid.length === 0) return <p class="hall-card hall-muted">{t('hall.pay.nothing')}</p>;
          const count = chosenCount ?? unpaid.length;
          const bank = chosenBank ?? banks[0]?.id ?? '';
          const chosen = unpaid.slice(0, count);
          const total = yuan(chosen.reduce((s, b) => s + cents(b.outstanding), 0));
          async function pay() {
            setError(null);
            setBusy(true);
            try {
              const receipt = await hallApi.post<HallReceipt>(`/accounts/${account.id}/payments`, {
                billIds: chosen.map((b) => b.id),
                bankAccountId: bank,
              });
              onPaid(receipt.paymentId);
            } catch (err) {
              setError(errorText(err, t));
            } finally {
              setBusy(false);
            }
          }
          return (
            <form
              class="hall-pay"
              onSubmit={(e) => {
                e.preventDefault();
                void pay();
              }}
            >
              <fieldset class="hall-card">
                <legend>{t('hall.pay.bills')}</legend>
                <p class="hall-hint">{t('hall.pay.oldestFirst')}</p>
                {unpaid.map((b, i) => (
                  <label key={b.id} class="hall-row hall-pay-bill">
                    <span>
                      <input
                        type="checkbox"
                        checked={i < count}
                        // Unticking a bill unticks the newer ones; ticking one ticks the older ones.
                        onChange={(e) => setCount(e.currentTarget.checked ? i + 1 : i)}
                      />{' '}
                      {period(b.period, locale)}
                      {b.dueDate ? (
                        <small class="hall-muted"> · {t('hall.bill.due', { date: date(b.dueDate, locale) })}</small>
                      ) : null}
                    </span>
                    <strong class="hall-amount">{money(b.outstanding)}</strong>
                  </label>
                ))}
                <p class="hall-row">
                  <span>{t('hall.pay.total')}</span>
                  <strong class="hall-amount" data-testid="pay-total">
                    {money(total)}
                  </strong>
                </p>
              </fieldset>
              <div class="hall-field hall-card">
                <label for="pay-bank">{t('hall.pay.bank')}</label>
                <select id="pay-bank" value={bank} onChange={(e) => setBank(e.currentTarget.value)}>
                  {banks.map((a) => (
                    <option key={a.id} value={a.id}>
                      {t('hall.pay.bankOption', { id: a.id, balance: money(a.balance) })}
                    </option>
                  ))}
                </select>
                <small class="hall-hint">{t('hall.pay.simulator')}</small>
              </div>
              <ErrorMessage error={error} />
              <button type="submit" class="hall-button primary wide" disabled={busy || count === 0 || !bank}>
                {t('hall.pay.confirm', { amount: money(total) })}
              </button>
            </form>
          );
        }}
      </Loaded>
    </>
  );
}

/** The receipt of an online payment: amount, bills settled, time, the bank's reference. */
export function ReceiptPage({ account, paymentId }: { account: HallAccount; paymentId: string }) {
  const t = useT();
  const locale = useLocale();
  const state = useLoad(
    () => hallApi.get<HallReceipt>(`/accounts/${account.id}/payments/${paymentId}`),
    [account.id, paymentId],
  );
  return (
    <>
      <PageTitle>{t('hall.receipt.title')}</PageTitle>
      <Loaded state={state}>
        {(r) => (
          <section class="hall-card hall-receipt">
            <p class="hall-row">
              <span>{t('hall.receipt.amount')}</span>
              <strong class="hall-amount" data-testid="receipt-amount">
                {money(r.amount)}
              </strong>
            </p>
            <p class="hall-row">
              <span>{t('hall.receipt.time')}</span>
              <span>
                {new Date(r.paidAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' })}
              </span>
            </p>
            <p class="hall-row">
              <span>{t('hall.receipt.reference')}</span>
              <code class="hall-reference">{r.reference}</code>
            </p>
            <h2>{t('hall.receipt.bills')}</h2>
            <ul class="hall-receipt-bills">
              {r.bills.map((b) => (
                <li key={b.billId} class="hall-row">
                  <span>{period(b.period, locale)}</span>
                  <span class="hall-amount">{money(b.amount)}</span>
                </li>
              ))}
            </ul>
            <a class="hall-button secondary wide" href="#/home">
              {t('hall.receipt.done')}
            </a>
          </section>
        )}
      </Loaded>
    </>
  );
}

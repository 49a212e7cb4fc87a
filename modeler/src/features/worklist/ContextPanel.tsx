import { codeLabel, useLocale, useT } from '../../lib/i18n';
import type { Bill, TaskContext } from './api';
import { nameFor } from '../../lib/bilingual';

/** Customer card, recent bills and arrears (collection tasks), audit rules tripped (billing audit). */
export function ContextPanel({ context }: { context: TaskContext }) {
  const t = useT();
  const locale = useLocale();
  const { customer, bills, arrears, auditFlags } = context;
  if (!customer && !auditFlags?.length) return <p class="muted">{t('task.noContext')}</p>;
  return (
    <div class="context">
      {customer && (
        <section aria-labelledby="ctx-customer">
          <h3 id="ctx-customer">{t('task.customer')}</h3>
          <dl class="facts">
            <dt>{t('task.customer.name')}</dt>
            <dd>{customer.name}</dd>
            <dt>{t('task.customer.accountNo')}</dt>
            <dd class="mono">{customer.accountNo}</dd>
            {customer.address && (
              <>
                <dt>{t('task.customer.address')}</dt>
                <dd>{customer.address}</dd>
              </>
            )}
            {customer.phone && (
              <>
                <dt>{t('task.customer.phone')}</dt>
                <dd>{customer.phone}</dd>
              </>
            )}
            {customer.elecTypeCode && (
              <>
                <dt>{t('task.customer.elecType')}</dt>
                <dd>{customer.elecTypeCode}</dd>
              </>
            )}
            {customer.status && (
              <>
                <dt>{t('task.customer.status')}</dt>
                <dd>{codeLabel(t, 'task.customer.status', customer.status)}</dd>
              </>
            )}
            {customer.creditGrade && (
              <>
                <dt>{t('task.customer.credit')}</dt>
                <dd>{customer.creditGrade}</dd>
              </>
            )}
            {customer.departmentName && (
              <>
                <dt>{t('task.customer.department')}</dt>
                <dd>{nameFor(locale, customer.departmentName, customer.departmentNameEn)}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      {arrears && (
        <section aria-labelledby="ctx-arrears" class="arrears">
          <h3 id="ctx-arrears">{t('task.arrears')}</h3>
          <dl class="facts">
            <dt>{t('task.arrears.total')}</dt>
            <dd class="money strong">¥{arrears.total}</dd>
            <dt>{t('task.arrears.principal')}</dt>
            <dd class="money">¥{arrears.principal}</dd>
            <dt>{t('task.arrears.penalty')}</dt>
            <dd class="money">¥{arrears.penalty}</dd>
            {arrears.oldest && (
              <>
                <dt>{t('task.arrears.oldest')}</dt>
                <dd>{arrears.oldest}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      {bills && (
        <section aria-labelledby="ctx-bills">
          <h3 id="ctx-bills">{t('task.bills')}</h3>
          {bills.length === 0 ? (
            <p class="muted">{t('task.bills.none')}</p>
          ) : (
            <table class="grid compact">
              <thead>
                <tr>
                  <th scope="col">{t('task.bills.period')}</th>
                  <th scope="col" class="num">
                    {t('task.bills.total')}
                  </th>
                  <th scope="col" class="num">
                    {t('task.bills.outstanding')}
                  </th>
                  <th scope="col">{t('task.bills.due')}</th>
                  <th scope="col">{t('task.bills.status')}</th>
                </tr>
              </thead>
              <tbody>
                {bills.map((b) => (
                  <BillRow key={b.id} bill={b} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {auditFlags && auditFlags.length > 0 && (
        <section aria-labelledby="ctx-audit" class="audit">
          <h3 id="ctx-audit">{t('task.audit')}</h3>
          <ul>
            {auditFlags.map((f, i) => (
              <li key={i}>
                <strong>{t('task.audit.rule', { rule: f.rule })}</strong> {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function BillRow({ bill }: { bill: Bill }) {
  const t = useT();
  const owes = Number(bill.outstanding) > 0;
  return (
    <tr class={owes ? 'row-owing' : undefined}>
      <td>{bill.period}</td>
      <td class="num">{bill.total}</td>
      <td class="num">{bill.outstanding}</td>
      <td>{bill.dueDate ?? ''}</td>
      <td>{codeLabel(t, 'task.bills.status', bill.status)}</td>
    </tr>
  );
}

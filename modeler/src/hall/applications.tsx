import { useEffect, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { registerMessages, useLocale, type Locale } from '../lib/i18n';
import { REALTIME_PATH } from '../../../server/realtime/contract';
import { HALL_NAMESPACE, type HallServerToClientEvents } from '../../../server/hall/live.contract';
import { HALL_API, HallApiError, hallApi } from './api';
import { hallApplicationMessages } from './applications.messages';
import { dateOf } from './format';
import type { ChangeOffer } from '../../../server/hall/applications.contract';
import type { ApplicationDetail, ApplicationSummary, CustomerTask, HallAccount } from './types';
import { ErrorMessage, Field, Loaded, Notice, PageTitle, errorText, useLoad, useT } from './ui';

registerMessages(hallApplicationMessages);

/**
 * Applications (DOMAIN.md §8): apply for a new connection, a meter test or a change of service
 * (DOMAIN.md §9: suspension, capacity reduction, their restoration, transfer, closure — only
 * those the server offers for the login's accounts), follow each one —
 * its steps in the customer's words, the department handling it, the utility's and the
 * customer's deadlines — and do one's own steps. The detail page listens on the hall's own
 * realtime namespace and reads the application again when it moves.
 */

type Words = { zh: string; en: string };
const say = (w: Words | null, locale: Locale) => (w ? w[locale] : '');

function useApplicationMoved(onMoved: (applicationId: string) => void) {
  useEffect(() => {
    const socket: Socket<HallServerToClientEvents> = io(HALL_NAMESPACE, {
      path: REALTIME_PATH,
      withCredentials: true,
    });
    socket.on('application:moved', ({ applicationId }) => onMoved(applicationId));
    // A move between the page's first read and the connection, or while reconnecting, is never
    // sent: read again whenever the connection is (re)made.
    socket.on('connect', () => onMoved(''));
    return () => {
      socket.disconnect();
    };
  }, []);
}

function StateBadge({ state }: { state: ApplicationSummary['state'] }) {
  const t = useT();
  return <span class={`hall-status app-${state}`}>{t(`hall.app.state.${state}`)}</span>;
}

export function ApplicationsPage() {
  const t = useT();
  const locale = useLocale();
  const state = useLoad(() => hallApi.get<{ items: ApplicationSummary[] }>('/applications'), []);
  useApplicationMoved(() => state.reload());
  return (
    <>
      <PageTitle>{t('hall.app.title')}</PageTitle>
      <p class="hall-muted">{t('hall.app.intro')}</p>
      <div class="hall-links hall-app-actions">
        <a class="hall-button" href="#/applications/new/connection">
          {t('hall.app.new.connection')}
        </a>
        <a class="hall-button secondary" href="#/applications/new/meter-test">
          {t('hall.app.new.meterTest')}
        </a>
      </div>
      <ChangeActions />
      <h2 class="hall-subhead">{t('hall.app.mine')}</h2>
      <Loaded state={state}>
        {(list) =>
          list.items.length === 0 ? (
            <p class="hall-card hall-muted">{t('hall.app.empty')}</p>
          ) : (
            <ul class="hall-bill-list" aria-label={t('hall.app.mine')}>
              {list.items.map((a) => (
                <li key={a.id}>
                  <a class="hall-card hall-app-item" href={`#/applications/${a.id}`}>
                    <span class="hall-row">
                      <strong>{t(`hall.app.kind.${a.kind}`)}</strong>
                      <StateBadge state={a.state} />
                    </span>
                    <span class="hall-muted hall-small">
                      {a.number} · {dateOf(a.submittedAt, locale)}
                    </span>
                    {a.currentStep && <span>{t('hall.app.currentLine', { step: say(a.currentStep, locale) })}</span>}
                    {a.refusalReason && <span class="hall-muted hall-small">{a.refusalReason}</span>}
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

export function ApplicationPage(props: { id: string }) {
  const t = useT();
  const locale = useLocale();
  const state = useLoad(() => hallApi.get<ApplicationDetail>(`/applications/${props.id}`), [props.id]);
  useApplicationMoved((id) => {
    if (!id || id === props.id) state.reload();
  });
  return (
    <>
      <BackToApplications />
      <Loaded state={state}>
        {(a) => (
          <>
            <article class="hall-card" aria-labelledby="app-title">
              <div class="hall-row">
                <PageTitle>{t(`hall.app.kind.${a.kind}`)}</PageTitle>
                <StateBadge state={a.state} />
              </div>
              <dl class="hall-facts">
                <Fact label={t('hall.app.number')} value={a.number} />
                <Fact label={t('hall.app.submittedAt')} value={dateOf(a.submittedAt, locale)} />
                {a.department && <Fact label={t('hall.app.department')} value={say(a.department, locale)} />}
                {a.currentStep && <Fact label={t('hall.app.current')} value={say(a.currentStep, locale)} />}
                {a.refusalReason && <Fact label={t('hall.app.refusal')} value={a.refusalReason} />}
                {a.utilityDueAt ? (
                  <Fact label={t('hall.app.utilityDue')} value={dateOf(a.utilityDueAt, locale)} />
                ) : (
                  a.state === 'waiting-for-you' && (
                    <Fact label={t('hall.app.utilityDue')} value={t('hall.app.utilityPaused')} />
                  )
                )}
                {a.customerDueAt && <Fact label={t('hall.app.customerDue')} value={dateOf(a.customerDueAt, locale)} />}
                {a.address && <Fact label={t('hall.app.address')} value={a.address} />}
                {a.capacityKva !== null && (
                  <Fact label={t('hall.app.capacity')} value={t('hall.app.kva', { n: a.capacityKva })} />
                )}
              </dl>
            </article>
            {a.tasks.length > 0 && (
              <section aria-labelledby="your-steps">
                <h2 id="your-steps" class="hall-subhead">
                  {t('hall.app.yourSteps')}
                </h2>
                {a.tasks.map((task) => (
                  <CustomerStep key={task.id} application={a} task={task} onDone={state.reload} />
                ))}
              </section>
            )}
            <section class="hall-card" aria-labelledby="timeline">
              <h2 id="timeline">{t('hall.app.timeline')}</h2>
              <p class="hall-muted hall-small">{t('hall.app.live')}</p>
              <ol class="hall-timeline" data-testid="timeline">
                <li class="done">
                  <span class="hall-timeline-title">{t('hall.app.timeline.submitted')}</span>
                  <span class="hall-muted hall-small">{dateOf(a.submittedAt, locale)}</span>
                </li>
                {a.timeline.map((step, i) => (
                  <li
                    key={`${step.code}-${i}`}
                    class={`${step.state}${step.yours ? ' yours' : ''}`}
                    data-step={step.code}
                  >
                    <span class="hall-timeline-title">
                      {say(step.title, locale)}
                      {step.yours && <span class="hall-status">{t('hall.app.timeline.yours')}</span>}
                    </span>
                    <span class="hall-muted hall-small">
                      {step.state === 'current'
                        ? t('hall.app.timeline.current')
                        : `${t('hall.app.timeline.done')} · ${dateOf(step.endedAt ?? step.startedAt, locale)}`}
                    </span>
                  </li>
                ))}
              </ol>
            </section>
            <Documents application={a} onUploaded={state.reload} />
          </>
        )}
      </Loaded>
    </>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** One of the customer's own steps: its explanation, what the process already holds, its fields. */
function CustomerStep(props: { application: ApplicationDetail; task: CustomerTask; onDone: () => void }) {
  const t = useT();
  const locale = useLocale();
  const { task } = props;
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = task.fields.filter((f) => f.type === 'checkbox' || f.type === 'textfield' || f.type === 'textarea');
  const label = (key: string) => t(`hall.app.${task.code}.${key}`);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const variables: Record<string, string | boolean> = {};
      for (const f of fields) {
        const v = values[f.key];
        if (f.type === 'checkbox') variables[f.key] = v === true;
        else if (typeof v === 'string' && v.trim()) variables[f.key] = v.trim();
      }
      await hallApi.post(`/applications/${props.application.id}/tasks/${task.id}/complete`, { variables });
      props.onDone();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }
  const context = Object.entries(task.context).filter(([k]) => k !== 'customerName');
  return (
    <form class="hall-card hall-step" onSubmit={(e) => void submit(e)} data-step={task.code}>
      <h3>{say(task.title, locale)}</h3>
      <p>{label('intro')}</p>
      {task.dueAt && <p class="hall-muted">{t('hall.app.step.due', { date: dateOf(task.dueAt, locale) })}</p>}
      {context.length > 0 && (
        <dl class="hall-facts">
          {context.map(([k, v]) => (
            <Fact key={k} label={t(`hall.app.context.${k}`)} value={v} />
          ))}
        </dl>
      )}
      {fields.map((f) =>
        f.type === 'checkbox' ? (
          <label key={f.key} class="hall-check">
            <input
              type="checkbox"
              name={f.key}
              checked={values[f.key] === true}
              required={f.required}
              onChange={(e) => setValues({ ...values, [f.key]: e.currentTarget.checked })}
            />
            <span>{label(f.key)}</span>
          </label>
        ) : f.type === 'textarea' ? (
          <div key={f.key} class="hall-field">
            <label for={`${task.id}-${f.key}`}>{label(f.key)}</label>
            <textarea
              id={`${task.id}-${f.key}`}
              name={f.key}
              rows={3}
              maxLength={f.maxLength ?? undefined}
              required={f.required}
              value={(values[f.key] as string | undefined) ?? ''}
              onInput={(e) => setValues({ ...values, [f.key]: e.currentTarget.value })}
            />
          </div>
        ) : (
          <Field
            key={f.key}
            id={`${task.id}-${f.key}`}
            label={label(f.key)}
            value={(values[f.key] as string | undefined) ?? ''}
            maxLength={f.maxLength ?? undefined}
            optional={!f.required}
            onInput={(v) => setValues({ ...values, [f.key]: v })}
          />
        ),
      )}
      <ErrorMessage error={error} />
      <button type="submit" class="hall-button" disabled={busy}>
        {t('hall.app.step.submit')}
      </button>
    </form>
  );
}

async function upload(applicationId: string, file: File): Promise<void> {
  const form = new FormData();
  form.append('file', file, file.name);
  const token = document.cookie
    .split('; ')
    .find((c) => c.startsWith('pm_hall_csrf='))
    ?.slice('pm_hall_csrf='.length);
  const res = await fetch(`${HALL_API}/applications/${applicationId}/documents`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: token ? { 'x-csrf-token': decodeURIComponent(token) } : {},
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new HallApiError(res.status, problem.code ?? `HTTP_${res.status}`, problem.detail ?? res.statusText);
  }
}

function Documents(props: { application: ApplicationDetail; onUploaded: () => void }) {
  const t = useT();
  const locale = useLocale();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = props.application.state === 'in-progress' || props.application.state === 'waiting-for-you';
  async function choose(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    setDone(null);
    try {
      await upload(props.application.id, file);
      setDone(t('hall.app.documents.uploaded', { name: file.name }));
      props.onUploaded();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      input.value = '';
    }
  }
  return (
    <section class="hall-card" aria-labelledby="documents">
      <h2 id="documents">{t('hall.app.documents')}</h2>
      {props.application.documents.length === 0 ? (
        <p class="hall-muted">{t('hall.app.documents.none')}</p>
      ) : (
        <ul class="hall-documents">
          {props.application.documents.map((d) => (
            <li key={d.id}>
              <a href={`${HALL_API}/applications/${props.application.id}/documents/${d.id}`}>{d.filename}</a>
              <span class="hall-muted hall-small">
                {d.yours ? t('hall.app.documents.yours') : t('hall.app.documents.utility')} ·{' '}
                {dateOf(d.uploadedAt, locale)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <div class="hall-field">
          {/* A button-like label, not the browser's own file control, which speaks the browser's language. */}
          <label class="hall-button secondary hall-file-button">
            {t('hall.app.documents.add')}
            <input
              id="document-upload"
              class="visually-hidden"
              type="file"
              onChange={(e) => void choose(e)}
              aria-describedby="document-hint"
            />
          </label>
          <small id="document-hint" class="hall-hint">
            {t('hall.app.documents.hint')}
          </small>
        </div>
      )}
      {done && <Notice>{done}</Notice>}
      <ErrorMessage error={error} />
    </section>
  );
}

/**
 * Sending an application: one request, then the new application's page; an error stays on the
 * form with the button enabled again. `extra` runs after the application exists (its uploads).
 */
function useApply() {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function apply(path: string, body: Record<string, unknown>, extra?: (id: string) => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      const created = await hallApi.post<ApplicationDetail>(path, body);
      if (extra) await extra(created.id);
      window.location.hash = `/applications/${created.id}`;
    } catch (err) {
      setError(errorText(err, t));
      setBusy(false);
    }
  }
  return { error, busy, apply };
}

/** The back link above an application form. */
function BackToApplications() {
  const t = useT();
  return (
    <p class="hall-back">
      <a href="#/applications">← {t('hall.app.back')}</a>
    </p>
  );
}

/** The end of every application form: its error, and the button that sends it. */
function SubmitRow(props: { error: string | null; busy: boolean }) {
  const t = useT();
  return (
    <>
      <ErrorMessage error={props.error} />
      <button type="submit" class="hall-button" disabled={props.busy}>
        {props.busy ? t('hall.app.form.submitting') : t('hall.app.form.submit')}
      </button>
    </>
  );
}

export function NewConnectionPage(props: { accounts: HallAccount[]; account: HallAccount }) {
  const t = useT();
  const locale = useLocale();
  const [accountId, setAccountId] = useState(props.account.id);
  const [address, setAddress] = useState('');
  const [capacity, setCapacity] = useState('8');
  const [category, setCategory] = useState<'residential' | 'non-residential'>(
    props.account.kind === 'household' ? 'residential' : 'non-residential',
  );
  const [note, setNote] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const { error, busy, apply } = useApply();
  function submit(e: Event) {
    e.preventDefault();
    const body = {
      accountId,
      address: address.trim(),
      capacityKva: Number(capacity),
      category,
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    return apply('/applications/new-connection', body, async (id) => {
      for (const file of files) await upload(id, file);
    });
  }
  return (
    <>
      <BackToApplications />
      <form class="hall-card" onSubmit={(e) => void submit(e)}>
        <PageTitle>{t('hall.app.new.connection')}</PageTitle>
        <p class="hall-muted">{t('hall.app.form.connection.intro')}</p>
        <AccountSelect accounts={props.accounts} value={accountId} onChange={setAccountId} />
        <Field
          id="nc-address"
          label={t('hall.app.form.address')}
          value={address}
          onInput={setAddress}
          maxLength={200}
        />
        <Field
          id="nc-capacity"
          label={t('hall.app.form.capacity')}
          hint={t('hall.app.form.capacity.hint')}
          value={capacity}
          inputMode="numeric"
          onInput={(v) => setCapacity(v.replace(/\D/g, '').slice(0, 3))}
        />
        <fieldset class="hall-field hall-radios">
          <legend>{t('hall.app.form.category')}</legend>
          {(['residential', 'non-residential'] as const).map((c) => (
            <label key={c} class="hall-check">
              <input type="radio" name="category" value={c} checked={category === c} onChange={() => setCategory(c)} />
              <span>{t(`hall.app.form.category.${c}`)}</span>
            </label>
          ))}
        </fieldset>
        <Field id="nc-note" label={t('hall.app.form.note')} value={note} onInput={setNote} maxLength={500} optional />
        <div class="hall-field">
          <span id="nc-documents-label" class="hall-field-label">
            {t('hall.app.form.documents')}
          </span>
          <label class="hall-button secondary hall-file-button">
            {t('hall.app.form.documents.choose')}
            <input
              id="nc-documents"
              class="visually-hidden"
              type="file"
              multiple
              onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])}
              aria-labelledby="nc-documents-label"
              aria-describedby="nc-documents-chosen nc-documents-hint"
            />
          </label>
          <span id="nc-documents-chosen" class="hall-file-chosen">
            {files.length
              ? t('hall.app.form.documents.chosen', {
                  count: files.length,
                  names: files.map((f) => f.name).join(locale === 'zh' ? '、' : ', '),
                })
              : t('hall.app.form.documents.noneChosen')}
          </span>
          <small id="nc-documents-hint" class="hall-hint">
            {t('hall.app.documents.hint')}
          </small>
        </div>
        <SubmitRow error={error} busy={busy} />
      </form>
    </>
  );
}

export function MeterTestPage(props: { accounts: HallAccount[]; account: HallAccount }) {
  const t = useT();
  const [accountId, setAccountId] = useState(props.account.id);
  const [reason, setReason] = useState('');
  const { error, busy, apply } = useApply();
  function submit(e: Event) {
    e.preventDefault();
    return apply('/applications/meter-test', { accountId, reason: reason.trim() });
  }
  return (
    <>
      <BackToApplications />
      <form class="hall-card" onSubmit={(e) => void submit(e)}>
        <PageTitle>{t('hall.app.new.meterTest')}</PageTitle>
        <p class="hall-muted">{t('hall.app.form.meterTest.intro')}</p>
        <AccountSelect accounts={props.accounts} value={accountId} onChange={setAccountId} />
        <Field
          id="mt-reason"
          label={t('hall.app.form.reason')}
          hint={t('hall.app.form.reason.hint')}
          value={reason}
          onInput={setReason}
          maxLength={500}
        />
        <SubmitRow error={error} busy={busy} />
      </form>
    </>
  );
}

function AccountSelect(props: { accounts: HallAccount[]; value: string; onChange: (id: string) => void }) {
  const t = useT();
  return (
    <div class="hall-field">
      <label for="app-account">{t('hall.app.form.account')}</label>
      <select id="app-account" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {t('hall.account.option', { name: a.name, accountNo: a.accountNo })}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The change forms the hall has, and the application kinds each may start. */
const CHANGE_FORMS = {
  suspension: ['suspension'],
  'capacity-reduction': ['capacity-reduction'],
  restoration: ['suspension-restoration', 'reduction-restoration'],
  'ownership-transfer': ['ownership-transfer'],
  'account-closure': ['account-closure'],
} as const satisfies Record<string, readonly ApplicationSummary['kind'][]>;
export type ChangeForm = keyof typeof CHANGE_FORMS;
export const isChangeForm = (v: string): v is ChangeForm => v in CHANGE_FORMS;

const RESTORABLE = ['suspension', 'capacity-reduction'] as const;
const RESTORATION_OF = {
  suspension: 'suspension-restoration',
  'capacity-reduction': 'reduction-restoration',
} as const;

const useChangeOffers = () => useLoad(() => hallApi.get<{ items: ChangeOffer[] }>('/applications/changes'), []);
const offers = (list: ChangeOffer[], form: ChangeForm) =>
  list.filter((o) => CHANGE_FORMS[form].some((k) => (o.kinds as string[]).includes(k)));

/** The changes of service some account of the login may apply for. */
function ChangeActions() {
  const t = useT();
  const state = useChangeOffers();
  if (!state.data) return null;
  const list = state.data.items;
  const forms = (Object.keys(CHANGE_FORMS) as ChangeForm[]).filter((f) => offers(list, f).length > 0);
  if (!forms.length) return null;
  return (
    <section aria-labelledby="changes-title">
      <h2 id="changes-title" class="hall-subhead">
        {t('hall.chg.title')}
      </h2>
      <div class="hall-app-actions" data-testid="change-actions">
        {forms.map((f) => (
          <a key={f} class="hall-button secondary" href={`#/applications/new/change/${f}`}>
            {t(`hall.chg.new.${f}`)}
          </a>
        ))}
      </div>
    </section>
  );
}

function DateField(props: { id: string; label: string; hint?: string; value: string; onInput: (v: string) => void }) {
  return (
    <div class="hall-field">
      <label for={props.id}>{props.label}</label>
      <div class="hall-field-row">
        <input
          id={props.id}
          name={props.id}
          type="date"
          required
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        />
      </div>
      {props.hint && (
        <small id={`${props.id}-hint`} class="hall-hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

function Choice<T extends string>(props: {
  name: string;
  legend: string;
  options: readonly T[];
  value: T;
  label: (v: T) => string;
  onChange: (v: T) => void;
}) {
  return (
    <fieldset class="hall-field hall-radios">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} class="hall-check">
          <input
            type="radio"
            name={props.name}
            value={o}
            checked={props.value === o}
            onChange={() => props.onChange(o)}
          />
          <span>{props.label(o)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * One change of service's form. The accounts offered are those the server says may apply for it;
 * the server checks everything again (and the process its own rules: notice, arrears).
 */
export function ChangeApplicationPage(props: { form: ChangeForm; accounts: HallAccount[]; account: HallAccount }) {
  const t = useT();
  const state = useChangeOffers();
  const { form } = props;
  const [accountId, setAccountId] = useState<string | null>(null);
  const [v, setV] = useState<Record<string, string>>({ arrears: 'settled' });
  const { error, busy, apply } = useApply();
  const set = (key: string) => (value: string) => setV((old) => ({ ...old, [key]: value }));
  const num = (text: string | undefined) => Number((text ?? '').trim());
  function body(chosen: string, restores: string | undefined): Record<string, unknown> {
    const note = v.note?.trim() ? { note: v.note.trim() } : {};
    switch (form) {
      case 'suspension':
        return {
          accountId: chosen,
          plannedOn: v.plannedOn,
          plannedEndOn: v.plannedEndOn,
          ...(v.kva?.trim() ? { kva: num(v.kva) } : {}),
          ...note,
        };
      case 'capacity-reduction':
        return { accountId: chosen, kva: num(v.kva), plannedOn: v.plannedOn, ...note };
      case 'restoration':
        return { accountId: chosen, restores, plannedOn: v.plannedOn, ...note };
      case 'ownership-transfer':
        return {
          accountId: chosen,
          newOwnerName: v.newOwnerName?.trim(),
          newOwnerIdNo: v.newOwnerIdNo?.trim(),
          newOwnerPhone: v.newOwnerPhone?.trim(),
          transferOn: v.transferOn,
          arrears: v.arrears,
          ...note,
        };
      case 'account-closure':
        return { accountId: chosen, closeOn: v.closeOn, refundAccount: v.refundAccount?.trim(), ...note };
    }
  }
  return (
    <>
      <BackToApplications />
      <Loaded state={state}>
        {(list) => {
          const offered = offers(list.items, form);
          const mine = props.accounts.filter((a) => offered.some((o) => o.accountId === a.id));
          const chosen = mine.find((a) => a.id === accountId) ?? mine.find((a) => a.id === props.account.id) ?? mine[0];
          const offer = offered.find((o) => o.accountId === chosen?.id);
          const capacity = offer?.capacityKva ?? null;
          // Only what the account has sealed can be restored.
          const restorable = RESTORABLE.filter((r) => offer?.kinds.includes(RESTORATION_OF[r]));
          const restores = restorable.find((r) => r === v.restores) ?? restorable[0];
          function submit(e: Event) {
            e.preventDefault();
            if (chosen) void apply(`/applications/${form}`, body(chosen.id, restores));
          }
          return (
            <form class="hall-card" onSubmit={(e) => void submit(e)} data-form={form}>
              <PageTitle>{t(`hall.chg.new.${form}`)}</PageTitle>
              <p class="hall-muted">{t(`hall.chg.intro.${form}`)}</p>
              {!chosen ? (
                <p>{t('hall.chg.none')}</p>
              ) : (
                <>
                  <AccountSelect accounts={mine} value={chosen.id} onChange={setAccountId} />
                  {form === 'restoration' && restores && (
                    <Choice
                      name="restores"
                      legend={t('hall.chg.restores')}
                      options={restorable}
                      value={restores}
                      label={(o) => t(`hall.chg.restores.${o}`)}
                      onChange={set('restores')}
                    />
                  )}
                  {(form === 'suspension' || form === 'capacity-reduction') && (
                    <Field
                      id="chg-kva"
                      label={t(form === 'suspension' ? 'hall.chg.kva.suspension' : 'hall.chg.kva.reduction')}
                      hint={capacity !== null ? t('hall.chg.kva.hint', { n: capacity }) : undefined}
                      value={v.kva ?? ''}
                      inputMode="numeric"
                      optional={form === 'suspension'}
                      onInput={(x) => set('kva')(x.replace(/[^\d.]/g, '').slice(0, 9))}
                    />
                  )}
                  {form === 'ownership-transfer' && (
                    <>
                      <Field
                        id="chg-new-owner"
                        label={t('hall.chg.newOwnerName')}
                        value={v.newOwnerName ?? ''}
                        maxLength={200}
                        onInput={set('newOwnerName')}
                      />
                      <Field
                        id="chg-new-owner-id"
                        label={t('hall.chg.newOwnerIdNo')}
                        value={v.newOwnerIdNo ?? ''}
                        maxLength={40}
                        onInput={set('newOwnerIdNo')}
                      />
                      <Field
                        id="chg-new-owner-phone"
                        label={t('hall.chg.newOwnerPhone')}
                        type="tel"
                        inputMode="tel"
                        value={v.newOwnerPhone ?? ''}
                        maxLength={11}
                        onInput={set('newOwnerPhone')}
                      />
                    </>
                  )}
                  {form === 'account-closure' ? (
                    <DateField
                      id="chg-close-on"
                      label={t('hall.chg.closeOn')}
                      value={v.closeOn ?? ''}
                      onInput={set('closeOn')}
                    />
                  ) : form === 'ownership-transfer' ? (
                    <DateField
                      id="chg-transfer-on"
                      label={t('hall.chg.transferOn')}
                      value={v.transferOn ?? ''}
                      onInput={set('transferOn')}
                    />
                  ) : (
                    <DateField
                      id="chg-planned-on"
                      label={t(`hall.chg.plannedOn.${form}`)}
                      hint={form === 'restoration' ? undefined : t('hall.chg.notice')}
                      value={v.plannedOn ?? ''}
                      onInput={set('plannedOn')}
                    />
                  )}
                  {form === 'suspension' && (
                    <DateField
                      id="chg-planned-end-on"
                      label={t('hall.chg.plannedEndOn')}
                      value={v.plannedEndOn ?? ''}
                      onInput={set('plannedEndOn')}
                    />
                  )}
                  {form === 'ownership-transfer' && (
                    <Choice
                      name="arrears"
                      legend={t('hall.chg.arrears')}
                      options={['settled', 'assumed'] as const}
                      value={v.arrears as 'settled' | 'assumed'}
                      label={(o) => t(`hall.chg.arrears.${o}`)}
                      onChange={set('arrears')}
                    />
                  )}
                  {form === 'account-closure' && (
                    <Field
                      id="chg-refund-account"
                      label={t('hall.chg.refundAccount')}
                      hint={t('hall.chg.refundAccount.hint')}
                      inputMode="numeric"
                      value={v.refundAccount ?? ''}
                      maxLength={30}
                      onInput={set('refundAccount')}
                    />
                  )}
                  <Field
                    id="chg-note"
                    label={t('hall.app.form.note')}
                    value={v.note ?? ''}
                    onInput={set('note')}
                    maxLength={500}
                    optional
                  />
                  <SubmitRow error={error} busy={busy} />
                </>
              )}
            </form>
          );
        }}
      </Loaded>
    </>
  );
}

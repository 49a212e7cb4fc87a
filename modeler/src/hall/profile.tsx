import { useState } from 'preact/hooks';
import { hallApi, HallApiError } from './api';
import type { HallProfile, HallProfileUpdate, SmsCodeSent } from './types';
import { ErrorMessage, Field, Loaded, Notice, PageTitle, SmsCodeField, errorText, useLoad, useT } from './ui';

/**
 * My profile (DOMAIN.md §8): the contact phone — changed with a code sent to the new phone —,
 * e-mail and mailing address, notice subscriptions and e-bill as switches. Personal data arrives
 * masked from the server; the e-mail field starts empty and keeps the address unless filled.
 */

const SUBSCRIPTIONS = ['billIssued', 'dueSoon', 'arrears', 'outage'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function ProfilePage(props: { onPhoneChanged: () => void }) {
  const t = useT();
  const state = useLoad(() => hallApi.get<HallProfile>('/profile'), []);
  const [profile, setProfile] = useState<HallProfile | null>(null);
  const current = profile ?? state.data;
  return (
    <>
      <PageTitle>{t('hall.profile.title')}</PageTitle>
      <Loaded state={state}>
        {() =>
          current && (
            <>
              <PhoneCard
                profile={current}
                onChanged={(p) => {
                  setProfile(p);
                  props.onPhoneChanged();
                }}
              />
              <ContactCard profile={current} onSaved={setProfile} />
              <NoticesCard profile={current} onSaved={setProfile} />
            </>
          )
        }
      </Loaded>
    </>
  );
}

function PhoneCard(props: { profile: HallProfile; onChanged: (profile: HallProfile) => void }) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendCode(): Promise<number | null> {
    if (!/^1\d{10}$/.test(phone)) {
      setInvalid(['phone']);
      setError(t('hall.invalid.phone'));
      return null;
    }
    setInvalid([]);
    const answer = await hallApi.post<SmsCodeSent>('/profile/phone-codes', { phone });
    setSent(answer);
    return answer.resendAfterSeconds;
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!/^1\d{10}$/.test(phone)) return (setInvalid(['phone']), setError(t('hall.invalid.phone')));
    if (!/^\d{6}$/.test(code)) return (setInvalid(['code']), setError(t('hall.invalid.code')));
    setBusy(true);
    setError(null);
    try {
      const profile = await hallApi.put<HallProfile>('/profile/phone', { phone, code });
      setDone(t('hall.profile.phone.done', { phone: profile.phone }));
      setEditing(false);
      setPhone('');
      setCode('');
      setSent(null);
      setInvalid([]);
      props.onChanged(profile);
    } catch (err) {
      setInvalid(err instanceof HallApiError ? err.fields.map((f) => f.replace(/^body\./, '')) : []);
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="hall-card" aria-labelledby="profile-phone">
      <h2 id="profile-phone">{t('hall.profile.phone')}</h2>
      <dl class="hall-facts">
        <div>
          <dt>{t('hall.profile.phone.current')}</dt>
          <dd data-testid="profile-phone">{props.profile.phone}</dd>
        </div>
      </dl>
      <p class="hall-muted hall-small">{t('hall.profile.phone.note')}</p>
      {done && <Notice>{done}</Notice>}
      {!editing ? (
        <button
          type="button"
          class="hall-button secondary"
          onClick={() => {
            setDone(null);
            setEditing(true);
          }}
        >
          {t('hall.profile.phone.change')}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate class="hall-profile-form">
          <Field
            id="newPhone"
            type="tel"
            inputMode="tel"
            label={t('hall.profile.phone.new')}
            hint={t('hall.profile.phone.newHint')}
            value={phone}
            onInput={(v) => setPhone(v.replace(/\D/g, '').slice(0, 11))}
            autoComplete="tel"
            maxLength={11}
            invalid={invalid.includes('phone')}
          />
          <SmsCodeField id="phoneCode" value={code} onInput={setCode} send={sendCode} onError={setError} />
          {sent && !error && (
            <Notice>{t('hall.code.sent', { minutes: Math.round(sent.expiresInSeconds / 60) })}</Notice>
          )}
          <ErrorMessage error={error} />
          <div class="hall-actions">
            <button type="submit" class="hall-button primary" disabled={busy}>
              {t('hall.profile.phone.submit')}
            </button>
            <button
              type="button"
              class="hall-button secondary"
              onClick={() => {
                setEditing(false);
                setError(null);
                setInvalid([]);
              }}
            >
              {t('hall.profile.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function ContactCard(props: { profile: HallProfile; onSaved: (profile: HallProfile) => void }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [address, setAddress] = useState(props.profile.mailingAddress ?? '');
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setSaved(false);
    const mail = email.trim();
    if (mail && !EMAIL.test(mail)) return (setInvalid(['email']), setError(t('hall.invalid.email')));
    if (address.trim().length > 200) return (setInvalid(['mailingAddress']), setError(t('hall.invalid.address')));
    const body: HallProfileUpdate = { mailingAddress: address.trim() || null };
    if (mail) body.email = mail;
    setBusy(true);
    setError(null);
    setInvalid([]);
    try {
      props.onSaved(await hallApi.put<HallProfile>('/profile', body));
      setEmail('');
      setSaved(true);
    } catch (err) {
      const fields = err instanceof HallApiError ? err.fields.map((f) => f.replace(/^body\./, '')) : [];
      setInvalid(fields);
      setError(fields.includes('email') ? t('hall.invalid.email') : errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="hall-card" aria-labelledby="profile-contact">
      <h2 id="profile-contact">{t('hall.profile.contact')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate class="hall-profile-form">
        <Field
          id="email"
          type="email"
          inputMode="email"
          label={t('hall.profile.email')}
          hint={
            props.profile.email
              ? t('hall.profile.email.current', { email: props.profile.email })
              : t('hall.profile.email.none')
          }
          value={email}
          onInput={setEmail}
          autoComplete="email"
          maxLength={254}
          optional
          invalid={invalid.includes('email')}
        />
        <Field
          id="mailingAddress"
          label={t('hall.profile.address')}
          hint={t('hall.profile.address.hint')}
          value={address}
          onInput={setAddress}
          autoComplete="street-address"
          maxLength={200}
          optional
          invalid={invalid.includes('mailingAddress')}
        />
        <ErrorMessage error={error} />
        {saved && <Notice>{t('hall.profile.saved')}</Notice>}
        <button type="submit" class="hall-button primary" disabled={busy}>
          {t('hall.profile.save')}
        </button>
      </form>
    </section>
  );
}

function NoticesCard(props: { profile: HallProfile; onSaved: (profile: HallProfile) => void }) {
  const t = useT();
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(key: string, name: string, body: HallProfileUpdate, on: boolean) {
    // The switches stay enabled while one saves (a disabled button would drop the keyboard focus).
    if (busy) return;
    setBusy(key);
    setError(null);
    setStatus(null);
    try {
      props.onSaved(await hallApi.put<HallProfile>('/profile', body));
      setStatus(t('hall.profile.switchSaved', { name, state: t(on ? 'hall.profile.on' : 'hall.profile.off') }));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(null);
    }
  }

  const { subscriptions, eBill } = props.profile;
  return (
    <section class="hall-card" aria-labelledby="profile-notices">
      <h2 id="profile-notices">{t('hall.profile.notices')}</h2>
      <p class="hall-muted hall-small">{t('hall.profile.notices.intro')}</p>
      <ul class="hall-switches">
        {SUBSCRIPTIONS.map((key) => {
          const name = t(`hall.profile.sub.${key}`);
          return (
            <li key={key}>
              <Switch
                id={`sub-${key}`}
                label={name}
                checked={subscriptions[key]}
                onToggle={(on) => void save(key, name, { subscriptions: { [key]: on } }, on)}
              />
            </li>
          );
        })}
      </ul>
      <h2 id="profile-ebill" class="hall-subhead">
        {t('hall.profile.eBill')}
      </h2>
      <ul class="hall-switches">
        <li>
          <Switch
            id="eBill"
            label={t('hall.profile.eBill.label')}
            checked={eBill}
            onToggle={(on) => void save('eBill', t('hall.profile.eBill'), { eBill: on }, on)}
          />
        </li>
      </ul>
      <p class="hall-status-line" role="status">
        {status}
      </p>
      <ErrorMessage error={error} />
    </section>
  );
}

/** An on/off switch: a button with role="switch", so a screen reader says its state. */
function Switch(props: { id: string; label: string; checked: boolean; onToggle: (on: boolean) => void }) {
  const t = useT();
  return (
    <div class="hall-switch-row">
      <span id={`${props.id}-label`}>{props.label}</span>
      <button
        type="button"
        role="switch"
        id={props.id}
        class="hall-switch"
        aria-checked={props.checked ? 'true' : 'false'}
        aria-labelledby={`${props.id}-label`}
        onClick={() => props.onToggle(!props.checked)}
      >
        <span class="hall-switch-knob" aria-hidden="true" />
        <span class="hall-switch-text" aria-hidden="true">
          {t(props.checked ? 'hall.profile.on' : 'hall.profile.off')}
        </span>
      </button>
    </div>
  );
}

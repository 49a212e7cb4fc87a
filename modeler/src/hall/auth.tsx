import { useState } from 'preact/hooks';
import { hallApi } from './api';
import type { HallSession, Registered, SmsCodeSent } from './types';
import type { PasswordReset, Registration, SignIn, SmsCodeRequest } from './types';
import { ErrorMessage, Field, Notice, PageTitle, SmsCodeField, errorText, useT } from './ui';

/** The public screens: sign-in, registration and password reset. */

const requestCode = (body: SmsCodeRequest) => hallApi.post<SmsCodeSent>('/sms-codes', body);

function minutes(sent: SmsCodeSent | null) {
  return sent ? Math.round(sent.expiresInSeconds / 60) : 5;
}

function AuthFrame(props: { title: string; intro: string; children: preact.ComponentChildren }) {
  return (
    <section class="hall-auth" aria-labelledby="auth-title">
      <div class="hall-card">
        <PageTitle>
          <span id="auth-title">{props.title}</span>
        </PageTitle>
        <p class="hall-muted">{props.intro}</p>
        {props.children}
      </div>
    </section>
  );
}

export function SignInPage(props: { onSignedIn: (session: HallSession) => void; notice: string | null }) {
  const t = useT();
  const [loginName, setLoginName] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendCode(): Promise<number | null> {
    if (!loginName.trim()) {
      setError(t('hall.signIn.needLoginName'));
      return null;
    }
    const answer = await requestCode({ purpose: 'sign-in', loginName: loginName.trim() });
    setSent(answer);
    return answer.resendAfterSeconds;
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) return setError(t('hall.invalid.code'));
    setBusy(true);
    setError(null);
    try {
      const body: SignIn = { loginName: loginName.trim(), password, code };
      props.onSignedIn(await hallApi.post<HallSession>('/session', body));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('hall.signIn.title')} intro={t('hall.signIn.intro')}>
      {props.notice && <Notice>{props.notice}</Notice>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          id="loginName"
          label={t('hall.signIn.loginName')}
          value={loginName}
          onInput={setLoginName}
          autoComplete="username"
        />
        <Field
          id="password"
          type="password"
          label={t('hall.signIn.password')}
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
        />
        <SmsCodeField id="code" value={code} onInput={setCode} send={sendCode} onError={setError} />
        {sent && !error && <Notice>{t('hall.code.sent', { minutes: minutes(sent) })}</Notice>}
        <ErrorMessage error={error} />
        <button type="submit" class="hall-button primary wide" disabled={busy}>
          {t('hall.signIn.submit')}
        </button>
      </form>
      <p class="hall-links">
        <a href="#/register">{t('hall.signIn.toRegister')}</a>
        <a href="#/reset">{t('hall.signIn.toReset')}</a>
      </p>
    </AuthFrame>
  );
}

export function RegisterPage(props: { onDone: (notice: string) => void }) {
  const t = useT();
  const [accountNo, setAccountNo] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendCode(): Promise<number | null> {
    if (!accountNo.trim() || !name.trim() || !phone.trim()) {
      setError(t('hall.register.needFields'));
      return null;
    }
    if (!/^1\d{10}$/.test(phone.trim())) {
      setError(t('hall.invalid.phone'));
      return null;
    }
    const answer = await requestCode({
      purpose: 'register',
      accountNo: accountNo.trim(),
      name: name.trim(),
      phone: phone.trim(),
    });
    setSent(answer);
    return answer.resendAfterSeconds;
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!/^1\d{10}$/.test(phone.trim())) return setError(t('hall.invalid.phone'));
    if (!/^\d{6}$/.test(code)) return setError(t('hall.invalid.code'));
    setBusy(true);
    setError(null);
    try {
      const body: Registration = {
        accountNo: accountNo.trim(),
        name: name.trim(),
        phone: phone.trim(),
        code,
        password,
      };
      const done = await hallApi.post<Registered>('/registrations', body);
      props.onDone(
        t(done.addedToExistingLogin ? 'hall.register.joined' : 'hall.register.done', { loginName: done.loginName }),
      );
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('hall.register.title')} intro={t('hall.register.intro')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="accountNo" label={t('hall.register.accountNo')} value={accountNo} onInput={setAccountNo} />
        <Field id="name" label={t('hall.register.name')} value={name} onInput={setName} autoComplete="name" />
        <Field
          id="phone"
          type="tel"
          inputMode="tel"
          label={t('hall.register.phone')}
          value={phone}
          onInput={(v) => setPhone(v.replace(/\D/g, '').slice(0, 11))}
          autoComplete="tel"
          maxLength={11}
        />
        <SmsCodeField id="code" value={code} onInput={setCode} send={sendCode} onError={setError} />
        {sent && !error && <Notice>{t('hall.code.sentMasked', { minutes: minutes(sent) })}</Notice>}
        <Field
          id="password"
          type="password"
          label={t('hall.register.password')}
          hint={t('hall.register.passwordHint')}
          value={password}
          onInput={setPassword}
          autoComplete="new-password"
        />
        <ErrorMessage error={error} />
        <button type="submit" class="hall-button primary wide" disabled={busy}>
          {t('hall.register.submit')}
        </button>
      </form>
      <p class="hall-links">
        <a href="#/sign-in">{t('hall.toSignIn')}</a>
      </p>
    </AuthFrame>
  );
}

export function ResetPage(props: { onDone: (notice: string) => void }) {
  const t = useT();
  const [loginName, setLoginName] = useState('');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendCode(): Promise<number | null> {
    if (!loginName.trim()) {
      setError(t('hall.signIn.needLoginName'));
      return null;
    }
    const answer = await requestCode({ purpose: 'reset', loginName: loginName.trim() });
    setSent(answer);
    return answer.resendAfterSeconds;
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) return setError(t('hall.invalid.code'));
    setBusy(true);
    setError(null);
    try {
      const body: PasswordReset = { loginName: loginName.trim(), code, newPassword };
      await hallApi.post<undefined>('/password-resets', body);
      props.onDone(t('hall.reset.done'));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t('hall.reset.title')} intro={t('hall.reset.intro')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          id="loginName"
          label={t('hall.signIn.loginName')}
          value={loginName}
          onInput={setLoginName}
          autoComplete="username"
        />
        <SmsCodeField id="code" value={code} onInput={setCode} send={sendCode} onError={setError} />
        {sent && !error && <Notice>{t('hall.code.sentMasked', { minutes: minutes(sent) })}</Notice>}
        <Field
          id="newPassword"
          type="password"
          label={t('hall.reset.newPassword')}
          hint={t('hall.register.passwordHint')}
          value={newPassword}
          onInput={setNewPassword}
          autoComplete="new-password"
        />
        <ErrorMessage error={error} />
        <button type="submit" class="hall-button primary wide" disabled={busy}>
          {t('hall.reset.submit')}
        </button>
      </form>
      <p class="hall-links">
        <a href="#/sign-in">{t('hall.toSignIn')}</a>
      </p>
    </AuthFrame>
  );
}

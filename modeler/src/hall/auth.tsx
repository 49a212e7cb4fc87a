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

/**
 * What the three forms share: the SMS code with its request and notice, the error, and a submit
 * that checks the form (then the code's six digits) before it calls the server.
 */
function useCodeForm() {
  const t = useT();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [busy, setBusy] = useState(false);

  /** Asks for a code; the seconds until the next may be asked, or null when the form is not ready (`problem`). */
  async function request(problem: string | null, body: () => SmsCodeRequest): Promise<number | null> {
    if (problem) {
      setError(problem);
      return null;
    }
    const answer = await requestCode(body());
    setSent(answer);
    return answer.resendAfterSeconds;
  }

  async function submit(e: Event, problem: string | null, send: () => Promise<void>) {
    e.preventDefault();
    const refusal = problem ?? (/^\d{6}$/.test(code) ? null : t('hall.invalid.code'));
    if (refusal) return setError(refusal);
    setBusy(true);
    setError(null);
    try {
      await send();
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  /** The code field, and once a code was sent, where it went (`masked`: to the phone on file). */
  const field = (send: () => Promise<number | null>, masked: boolean) => (
    <>
      <SmsCodeField id="code" value={code} onInput={setCode} send={send} onError={setError} />
      {sent && !error && (
        <Notice>{t(masked ? 'hall.code.sentMasked' : 'hall.code.sent', { minutes: minutes(sent) })}</Notice>
      )}
    </>
  );

  return { code, error, busy, request, submit, field };
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
  const { code, error, busy, request, submit, field } = useCodeForm();
  const sendCode = () =>
    request(loginName.trim() ? null : t('hall.signIn.needLoginName'), () => ({
      purpose: 'sign-in',
      loginName: loginName.trim(),
    }));
  const signIn = (e: Event) =>
    submit(e, null, async () => {
      const body: SignIn = { loginName: loginName.trim(), password, code };
      props.onSignedIn(await hallApi.post<HallSession>('/session', body));
    });

  return (
    <AuthFrame title={t('hall.signIn.title')} intro={t('hall.signIn.intro')}>
      {props.notice && <Notice>{props.notice}</Notice>}
      <form onSubmit={(e) => void signIn(e)} noValidate>
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
        {field(sendCode, false)}
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
  const [password, setPassword] = useState('');
  const { code, error, busy, request, submit, field } = useCodeForm();
  const badPhone = () => (/^1\d{10}$/.test(phone.trim()) ? null : t('hall.invalid.phone'));
  const sendCode = () =>
    request(!accountNo.trim() || !name.trim() || !phone.trim() ? t('hall.register.needFields') : badPhone(), () => ({
      purpose: 'register',
      accountNo: accountNo.trim(),
      name: name.trim(),
      phone: phone.trim(),
    }));
  const register = (e: Event) =>
    submit(e, badPhone(), async () => {
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
    });

  return (
    <AuthFrame title={t('hall.register.title')} intro={t('hall.register.intro')}>
      <form onSubmit={(e) => void register(e)} noValidate>
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
        {field(sendCode, true)}
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
  const [newPassword, setNewPassword] = useState('');
  const { code, error, busy, request, submit, field } = useCodeForm();
  const sendCode = () =>
    request(loginName.trim() ? null : t('hall.signIn.needLoginName'), () => ({
      purpose: 'reset',
      loginName: loginName.trim(),
    }));
  const reset = (e: Event) =>
    submit(e, null, async () => {
      const body: PasswordReset = { loginName: loginName.trim(), code, newPassword };
      await hallApi.post<undefined>('/password-resets', body);
      props.onDone(t('hall.reset.done'));
    });

  return (
    <AuthFrame title={t('hall.reset.title')} intro={t('hall.reset.intro')}>
      <form onSubmit={(e) => void reset(e)} noValidate>
        <Field
          id="loginName"
          label={t('hall.signIn.loginName')}
          value={loginName}
          onInput={setLoginName}
          autoComplete="username"
        />
        {field(sendCode, true)}
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

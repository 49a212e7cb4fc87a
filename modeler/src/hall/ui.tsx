import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { registerMessages, useT, type Translate } from '../lib/i18n';
import { HallApiError } from './api';
import { hallMessages } from './messages';
import { hallProfileMessages } from './profile.messages';

registerMessages(hallMessages);
registerMessages(hallProfileMessages);

export { useT };

/** A refusal in the reader's words: the server's stable code, never its English sentence. */
export function errorText(err: unknown, t: Translate): string {
  if (!(err instanceof HallApiError)) return t('hall.error.generic');
  if (err.status === 0) return t('hall.error.network');
  const key = `hall.error.${err.code}`;
  const text = t(key, { seconds: err.retryAfter ?? '' });
  if (text !== key) return text;
  if (err.status === 429) return t('hall.error.RATE_LIMITED');
  if (err.status === 404) return t('hall.error.NOT_FOUND');
  if (err.status === 400 || err.status === 422) return t('hall.error.VALIDATION_FAILED');
  return t('hall.error.generic');
}

/** A form's refusal, announced as soon as it appears. */
export function ErrorMessage({ error, id }: { error: string | null; id?: string }) {
  return (
    <p class="hall-error" role="alert" id={id} hidden={!error}>
      {error}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="hall-notice" role="status">
      {children}
    </p>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password' | 'tel' | 'email';
  hint?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'tel' | 'text' | 'email';
  maxLength?: number;
  pattern?: string;
  invalid?: boolean;
  /** Not required (screen readers are told a field is required unless it says so). */
  optional?: boolean;
  children?: ComponentChildren;
}

/** A labelled input, its hint tied to it for screen readers. */
export function Field(p: FieldProps) {
  return (
    <div class="hall-field">
      <label for={p.id}>{p.label}</label>
      <div class="hall-field-row">
        <input
          id={p.id}
          name={p.id}
          type={p.type ?? 'text'}
          value={p.value}
          onInput={(e) => p.onInput(e.currentTarget.value)}
          autoComplete={p.autoComplete}
          inputMode={p.inputMode}
          maxLength={p.maxLength}
          pattern={p.pattern}
          required={!p.optional}
          aria-invalid={p.invalid ? 'true' : undefined}
          aria-describedby={p.hint ? `${p.id}-hint` : undefined}
        />
        {p.children}
      </div>
      {p.hint && (
        <small id={`${p.id}-hint`} class="hall-hint">
          {p.hint}
        </small>
      )}
    </div>
  );
}

/**
 * The SMS code input with its send button. The button counts down the server's one-a-minute
 * limit after a send, and after a 429 it counts down the wait the server answered.
 */
export function SmsCodeField(props: {
  id: string;
  value: string;
  onInput: (value: string) => void;
  /** Sends the code; resolves to the seconds until the next one may be asked for, or null when it was not sent. */
  send: () => Promise<number | null>;
  onError: (message: string | null) => void;
}) {
  const t = useT();
  const [wait, setWait] = useState(0);
  const [sending, setSending] = useState(false);
  const timer = useRef<number | null>(null);

  const countDown = useCallback((seconds: number) => {
    if (timer.current !== null) window.clearInterval(timer.current);
    const until = Date.now() + seconds * 1000;
    setWait(seconds);
    timer.current = window.setInterval(() => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setWait(left);
      if (left === 0 && timer.current !== null) {
        window.clearInterval(timer.current);
        timer.current = null;
      }
    }, 250);
  }, []);
  useEffect(
    () => () => {
      if (timer.current !== null) window.clearInterval(timer.current);
    },
    [],
  );

  async function send() {
    setSending(true);
    props.onError(null);
    try {
      const resendAfter = await props.send();
      if (resendAfter !== null) countDown(resendAfter);
    } catch (err) {
      if (err instanceof HallApiError && err.status === 429 && err.retryAfter) countDown(err.retryAfter);
      props.onError(errorText(err, t));
    } finally {
      setSending(false);
    }
  }

  return (
    <Field
      id={props.id}
      label={t('hall.code.label')}
      hint={t('hall.code.hint')}
      value={props.value}
      onInput={(v) => props.onInput(v.replace(/\D/g, '').slice(0, 6))}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      pattern="\d{6}"
    >
      <button type="button" class="hall-button secondary" disabled={sending || wait > 0} onClick={() => void send()}>
        {wait > 0 ? t('hall.code.wait', { seconds: wait }) : t('hall.code.send')}
      </button>
    </Field>
  );
}

/** Loads data for a view; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const [round, setRound] = useState(0);
  const lastRound = useRef(round);
  useEffect(() => {
    let live = true;
    // A reload (a live update) keeps what is shown until the new data is there, without a flash
    // of "loading"; other data (the deps changed) is not shown meanwhile.
    const reloading = lastRound.current !== round;
    lastRound.current = round;
    setState((s) => ({ data: reloading ? s.data : null, error: null }));
    load().then(
      (data) => live && setState({ data, error: null }),
      (error: unknown) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

/** Loading, a refusal with a retry, or the view. */
export function Loaded<T>(props: {
  state: { data: T | null; error: unknown; reload: () => void };
  children: (data: T) => ComponentChildren;
}) {
  const t = useT();
  const { data, error, reload } = props.state;
  if (error)
    return (
      <div class="hall-card">
        <ErrorMessage error={errorText(error, t)} />
        <button type="button" class="hall-button secondary" onClick={reload}>
          {t('hall.retry')}
        </button>
      </div>
    );
  if (data === null)
    return (
      <p class="hall-muted" role="status">
        {t('hall.loading')}
      </p>
    );
  return <>{props.children(data)}</>;
}

/** The view's heading takes focus when the view opens, so a screen reader hears where it is. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1} class="hall-title">
      {children}
    </h1>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { usePath } from '../app/router';
import { setLocale, useLocale } from '../lib/i18n';
import { hallApi, onHallUnauthorized } from './api';
import {
  ApplicationPage,
  ApplicationsPage,
  ChangeApplicationPage,
  isChangeForm,
  MeterTestPage,
  NewConnectionPage,
} from './applications';
import { RegisterPage, ResetPage, SignInPage } from './auth';
import { BillDetailPage, BillsPage } from './bills';
import { HomePage } from './home';
import { MessagePage, MessagesPage } from './message-centre';
import { PayPage, ReceiptPage } from './pay';
import { ProfilePage } from './profile';
import type { HallAccount, HallMe } from './types';
import { useT } from './ui';
import { UsagePage } from './usage';

/**
 * The customer hall (网上营业厅, DOMAIN.md §8): its own page at /hall/, its own session and API.
 * Hash routes (`#/bills/:id`) so the server only ever serves hall/index.html.
 */

const ACCOUNT_KEY = 'pm.hall.account';

function go(path: string) {
  window.location.hash = path;
}

function storedAccount(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

function rememberAccount(id: string) {
  try {
    localStorage.setItem(ACCOUNT_KEY, id);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export function HallApp() {
  const t = useT();
  const path = usePath();
  /** undefined while asking the server, null when signed out. */
  const [me, setMe] = useState<HallMe | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [accountId, setAccountId] = useState<string | null>(storedAccount);
  const [unread, setUnread] = useState<number | null>(null);
  // A 401 says "your session ended" only to someone who had one; a first visit just signs in.
  const hadSession = useRef(false);
  hadSession.current = me !== null && me !== undefined;

  useEffect(() => {
    // Signed out (401) or unreachable: the sign-in page, which says what went wrong when it is used.
    hallApi.get<HallMe>('/me').then(setMe, () => setMe(null));
    return onHallUnauthorized(() => {
      if (hadSession.current) setNotice(t('hall.error.sessionEnded'));
      setMe(null);
    });
  }, []);

  const signedIn = me !== null && me !== undefined;
  const refreshUnread = () =>
    void hallApi.get<{ unread: number }>('/messages/unread-count').then(
      (r) => setUnread(r.unread),
      () => setUnread(null),
    );
  useEffect(() => {
    if (signedIn) refreshUnread();
  }, [signedIn, path]);
  const publicRoute = path === '/sign-in' || path === '/register' || path === '/reset';
  useEffect(() => {
    if (me === null && !publicRoute) go('/sign-in');
    if (signedIn && (publicRoute || path === '/')) go('/home');
  }, [me, path]);

  if (me === undefined)
    return (
      <p class="hall-muted hall-boot" role="status">
        {t('hall.loading')}
      </p>
    );

  if (!signedIn) {
    const done = (text: string) => {
      setNotice(text);
      go('/sign-in');
    };
    return (
      <Frame signedIn={false}>
        {path === '/register' ? (
          <RegisterPage onDone={done} />
        ) : path === '/reset' ? (
          <ResetPage onDone={done} />
        ) : (
          <SignInPage
            notice={notice}
            onSignedIn={(session) => {
              setNotice(null);
              setMe(session.me);
              go('/home');
            }}
          />
        )}
      </Frame>
    );
  }

  const account = me.accounts.find((a) => a.id === accountId) ?? me.accounts[0] ?? null;
  const signOut = async () => {
    await hallApi.delete('/session').catch(() => undefined);
    setMe(null);
    setNotice(null);
    go('/sign-in');
  };
  const billMatch = /^\/bills\/([0-9a-f-]{36})$/i.exec(path);
  const receiptMatch = /^\/receipts\/([0-9a-f-]{36})$/i.exec(path);
  const messageMatch = /^\/messages\/([0-9a-f-]{36})$/i.exec(path);
  const applicationMatch = /^\/applications\/([0-9a-f-]{36})$/i.exec(path);
  const changeForm = /^\/applications\/new\/change\/([a-z-]+)$/.exec(path)?.[1];
  // The profile and the messages belong to the login, not to one account: no account bar there.
  const loginPage = path === '/profile' || path === '/messages' || !!messageMatch;
  if (loginPage)
    return (
      <Frame signedIn onSignOut={() => void signOut()} path={path} unread={unread}>
        {path === '/profile' ? (
          <ProfilePage onPhoneChanged={() => void hallApi.get<HallMe>('/me').then(setMe, () => undefined)} />
        ) : messageMatch?.[1] ? (
          <MessagePage key={messageMatch[1]} id={messageMatch[1]} onOpened={refreshUnread} />
        ) : (
          <MessagesPage />
        )}
      </Frame>
    );

  return (
    <Frame signedIn onSignOut={() => void signOut()} path={path} unread={unread}>
      <AccountBar
        accounts={me.accounts}
        account={account}
        onChange={(id) => {
          rememberAccount(id);
          setAccountId(id);
        }}
      />
      {!account ? (
        <p class="hall-card">{t('hall.noAccounts')}</p>
      ) : applicationMatch?.[1] ? (
        <ApplicationPage key={applicationMatch[1]} id={applicationMatch[1]} />
      ) : path === '/applications/new/connection' ? (
        <NewConnectionPage accounts={me.accounts} account={account} />
      ) : path === '/applications/new/meter-test' ? (
        <MeterTestPage accounts={me.accounts} account={account} />
      ) : changeForm && isChangeForm(changeForm) ? (
        <ChangeApplicationPage key={changeForm} form={changeForm} accounts={me.accounts} account={account} />
      ) : path === '/applications' ? (
        <ApplicationsPage />
      ) : billMatch?.[1] ? (
        <BillDetailPage key={billMatch[1]} account={account} billId={billMatch[1]} />
      ) : receiptMatch?.[1] ? (
        <ReceiptPage key={receiptMatch[1]} account={account} paymentId={receiptMatch[1]} />
      ) : path === '/pay' ? (
        <PayPage key={account.id} account={account} onPaid={(id) => go(`/receipts/${id}`)} />
      ) : path === '/bills' ? (
        <BillsPage key={account.id} account={account} />
      ) : path === '/usage' ? (
        <UsagePage key={account.id} account={account} />
      ) : (
        <HomePage key={account.id} account={account} />
      )}
    </Frame>
  );
}

function Frame(props: {
  signedIn: boolean;
  onSignOut?: () => void;
  path?: string;
  /** Unread notices of the message centre (null while unknown). */
  unread?: number | null;
  children: preact.ComponentChildren;
}) {
  const t = useT();
  const locale = useLocale();
  const tabs = [
    { path: '/home', key: 'hall.nav.home' },
    { path: '/bills', key: 'hall.nav.bills' },
    { path: '/pay', key: 'hall.nav.pay' },
    { path: '/usage', key: 'hall.nav.usage' },
    { path: '/applications', key: 'hall.nav.applications' },
    { path: '/messages', key: 'hall.nav.messages' },
  ];
  const current = (tab: string) =>
    props.path === tab ||
    (tab === '/bills' && props.path?.startsWith('/bills/')) ||
    (tab === '/messages' && props.path?.startsWith('/messages/')) ||
    (tab === '/applications' && props.path?.startsWith('/applications/'));
  const unread = props.unread ?? 0;
  return (
    <div class={`hall-app${props.signedIn ? ' signed-in' : ''}`}>
      <a class="hall-skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('hall.skip')}
      </a>
      <header class="hall-header">
        <div class="hall-brand">
          <span class="hall-logo" aria-hidden="true">
            ⚡
          </span>
          <span>{t('hall.title')}</span>
        </div>
        <div class="hall-header-actions">
          <button
            type="button"
            class="hall-link-button"
            aria-label={t('hall.language')}
            lang={locale === 'zh' ? 'en' : 'zh-CN'}
            onClick={() => setLocale(locale === 'zh' ? 'en' : 'zh')}
          >
            {t('hall.language.switch')}
          </button>
          {props.signedIn && (
            <a class="hall-link-button" href="#/profile" aria-current={props.path === '/profile' ? 'page' : undefined}>
              {t('hall.nav.profile')}
            </a>
          )}
          {props.signedIn && (
            <button type="button" class="hall-link-button" onClick={props.onSignOut}>
              {t('hall.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} class="hall-main">
        {props.children}
      </main>
      {props.signedIn && (
        <nav class="hall-tabs" aria-label={t('hall.nav')}>
          {tabs.map((tab) => (
            <a
              key={tab.path}
              href={`#${tab.path}`}
              aria-current={current(tab.path) ? 'page' : undefined}
              aria-label={
                tab.path === '/messages' && unread > 0 ? t('hall.nav.messages.unread', { n: unread }) : undefined
              }
            >
              <span class="hall-tab-label">
                {t(tab.key)}
                {tab.path === '/messages' && unread > 0 && (
                  <span class="hall-badge" aria-hidden="true">
                    {unread > 99 ? '99+' : unread}
                  </span>
                )}
              </span>
            </a>
          ))}
        </nav>
      )}
    </div>
  );
}

function AccountBar(props: { accounts: HallAccount[]; account: HallAccount | null; onChange: (id: string) => void }) {
  const t = useT();
  const { account, accounts } = props;
  if (!account) return null;
  return (
    <section class="hall-account" aria-label={t('hall.account')}>
      {accounts.length > 1 ? (
        <>
          <label for="account-switch">{t('hall.account.switch')}</label>
          <select id="account-switch" value={account.id} onChange={(e) => props.onChange(e.currentTarget.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {t('hall.account.option', { name: a.name, accountNo: a.accountNo })}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p class="hall-account-name">
          <strong>{account.name}</strong>{' '}
          <span>
            {t('hall.account.no')} {account.accountNo}
          </span>
        </p>
      )}
      <p class="hall-muted hall-account-line">
        {t(`hall.account.kind.${account.kind}`)}
        {account.address ? ` · ${account.address}` : ''}
      </p>
    </section>
  );
}

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocale, useT } from '../lib/i18n';
import { disconnectRealtime } from '../lib/realtime';
import { logout, type SessionUser } from '../lib/session';
import { LanguageSwitch } from './LanguageSwitch';
import { MyTokensDialog } from './MyTokensDialog';
import type { AppRoute } from './router';
import { Toasts } from './Toasts';
import { nameFor } from '../lib/bilingual';

/** Header (navigation by permission, language, user menu) around the current view. */
export function Shell({
  user,
  nav,
  path,
  children,
}: {
  user: SessionUser;
  nav: AppRoute[];
  path: string;
  children: ComponentChildren;
}) {
  const t = useT();
  const navRef = useRef<HTMLElement>(null);
  // A narrow window scrolls the navigation: the page shown keeps its link in view.
  useEffect(() => {
    const reveal = () =>
      navRef.current?.querySelector('a[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    reveal();
    window.addEventListener('resize', reveal);
    return () => window.removeEventListener('resize', reveal);
  }, [path]);
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={skipToMain}>
        {t('app.skip')}
      </a>
      <header class="topbar">
        <span class="brand" title={t('app.title')}>
          {t('app.title')}
        </span>
        <nav aria-label={t('app.nav.label')} ref={navRef}>
          <ul>
            {nav.map((route) => {
              const active = path === route.path || path.startsWith(`${route.path}/`);
              return (
                <li key={route.path}>
                  <a href={`#${route.path}`} aria-current={active ? 'page' : undefined}>
                    {t(route.nav?.labelKey ?? '')}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-end">
          <LanguageSwitch />
          <UserMenu user={user} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </div>
  );
}

function skipToMain(event: Event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function UserMenu({ user }: { user: SessionUser }) {
  const t = useT();
  const department = nameFor(useLocale(), user.departmentName, user.departmentNameEn);
  const [open, setOpen] = useState(false);
  const [tokensOpen, setTokensOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  async function doLogout() {
    disconnectRealtime();
    await logout();
  }

  const roles = [...new Set(user.roles.map((r) => r.role))].join(', ');
  return (
    <div class="user-menu" ref={root}>
      <button
        type="button"
        class="user-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        aria-label={t('app.user.menu', { name: user.displayName })}
        onClick={() => setOpen(!open)}
      >
        <span class="user-name">{user.displayName}</span>
        {department && <span class="user-dept">{department}</span>}
      </button>
      {open && (
        <div class="user-panel" id="user-menu-panel">
          <dl>
            <dt>{t('app.user.department')}</dt>
            <dd>{department ?? '—'}</dd>
            <dt>{t('app.user.roles')}</dt>
            <dd>{roles || '—'}</dd>
          </dl>
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              setTokensOpen(true);
            }}
          >
            {t('app.tokens.menu')}
          </button>
          <button type="button" onClick={() => void doLogout()}>
            {t('app.logout')}
          </button>
        </div>
      )}
      {tokensOpen && <MyTokensDialog onClose={() => setTokensOpen(false)} />}
    </div>
  );
}

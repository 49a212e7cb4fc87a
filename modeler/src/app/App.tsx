import { useEffect, useMemo, useState } from 'preact/hooks';
import { registerMessages, useT } from '../lib/i18n';
import { disconnectRealtime, onSessionLost } from '../lib/realtime';
import { refreshSession, useSession, useSessionState } from '../lib/session';
import { features } from './features';
import { landingPath } from './landing';
import { LoginPage } from './LoginPage';
import shellMessages from './messages';
import { matchRoute, navigate, usePath, type AppRoute } from './router';
import { Shell } from './Shell';

registerMessages(shellMessages);
// A socket refused or ended for its session means the session is gone: /auth/me confirms it.
onSessionLost(() => {
  disconnectRealtime();
  void refreshSession().catch(() => {});
});
for (const feature of features) registerMessages(feature.messages);
const routes: AppRoute[] = features.flatMap((f) => f.routes);

export function App() {
  const t = useT();
  const state = useSessionState();
  const { user, can } = useSession();
  const path = usePath();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    refreshSession().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);

  const nav = useMemo(() => routes.filter((r) => r.nav && can(r.nav.permission[0], r.nav.permission[1])), [user]);

  // The login page is the only view without a session; after login, go where the user was headed.
  useEffect(() => {
    if (state.status === 'anonymous' && path !== '/login') {
      navigate(`/login`, { replace: true });
    } else if (state.status === 'signed-in') {
      if ((path === '/login' || path === '/') && user)
        navigate(landingPath(user, can, nav[0]?.path), { replace: true });
    }
  }, [state.status, path, nav]);

  if (error) {
    return (
      <main class="page" id="main">
        <p role="alert">{t('app.error', { message: error })}</p>
        <button type="button" onClick={() => window.location.reload()}>
          {t('app.retry')}
        </button>
      </main>
    );
  }
  if (state.status === 'loading')
    return (
      <p class="loading" aria-busy="true">
        {t('app.loading')}
      </p>
    );
  if (state.status === 'anonymous' || !user) {
    const reason = state.status === 'anonymous' ? state.reason : undefined;
    const notice =
      reason === 'expired' ? t('app.sessionEnded') : reason === 'logged-out' ? t('app.loggedOut') : undefined;
    return <LoginPage notice={notice} />;
  }

  const match = matchRoute(routes, path);
  const allowed = match && (!match.route.nav || can(match.route.nav.permission[0], match.route.nav.permission[1]));
  const View = match?.route.view;
  return (
    <Shell user={user} nav={nav} path={path}>
      {match && allowed && View ? (
        <View params={match.params} />
      ) : (
        <section class="page">
          <h1>{match ? t('app.forbidden') : t('app.notFound')}</h1>
          <a href={`#${landingPath(user, can, nav[0]?.path)}`}>{t('app.notFound.back')}</a>
        </section>
      )}
    </Shell>
  );
}

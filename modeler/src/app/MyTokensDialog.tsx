import { useEffect, useState } from 'preact/hooks';
import type { ApiToken, CreatedApiToken } from '../../../server/identity/user.contract';
import { api } from '../lib/api';
import { useT } from '../lib/i18n';
import { showToast } from '../lib/toast';
import { Dialog } from './Dialog';
import { TokenList } from './TokenList';

interface List<T> {
  items: T[];
}

/**
 * The signed-in user's own API tokens (GET/POST/DELETE /auth/tokens): create one with a name and an
 * optional expiry, see its secret once (with a copy button), list and revoke them.
 */
export function MyTokensDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  const load = () =>
    api
      .get<List<ApiToken>>('/auth/tokens')
      .then((r) => setTokens(r.items))
      .catch(() => setTokens([]));
  useEffect(() => void load(), []);

  async function create(e: Event) {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    try {
      const body: { name: string; expiresAt?: string } = { name: name.trim() };
      if (expires) body.expiresAt = new Date(`${expires}T23:59:59`).toISOString();
      const answer = await api.post<CreatedApiToken>('/auth/tokens', body);
      setCreated(answer);
      setName('');
      setExpires('');
      await load();
    } catch (err) {
      showToast('error', t('app.tokens.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  async function copy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      showToast('success', t('app.tokens.copied'));
    } catch {
      showToast('error', t('app.tokens.copyFailed'));
    }
  }

  return (
    <Dialog title={t('app.tokens.title')} onClose={onClose}>
      <form onSubmit={(e) => void create(e)}>
        <label>
          {t('app.tokens.name')}
          <input value={name} required maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('app.tokens.expires')}
          <input type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy || !name.trim()}>
          {t('app.tokens.create')}
        </button>
      </form>
      {created && (
        <section role="status" aria-label={t('app.tokens.secretOf', { name: created.name })}>
          <p>
            <strong>{t('app.tokens.once')}</strong>
          </p>
          <code data-testid="token-secret">{created.token}</code>{' '}
          <button type="button" onClick={() => void copy(created.token)}>
            {t('app.tokens.copy')}
          </button>
        </section>
      )}
      {tokens && (
        <TokenList
          tokens={tokens}
          testId="my-tokens"
          onRevoke={(tk) =>
            void api
              .delete(`/auth/tokens/${tk.id}`)
              .then(() => {
                showToast('success', t('app.tokens.revoked', { name: tk.name }));
                if (created?.id === tk.id) setCreated(null);
                return load();
              })
              .catch((err: Error) => showToast('error', t('app.tokens.failed', { message: err.message })))
          }
        />
      )}
      <div class="dialog-actions">
        <button type="button" onClick={onClose}>
          {t('app.close')}
        </button>
      </div>
    </Dialog>
  );
}

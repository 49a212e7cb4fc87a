import type { ApiToken } from '../../../server/identity/user.contract';
import { formatDateTime, useT } from '../lib/i18n';

/**
 * API tokens as a table: name, prefix, last use, expiry and a revoke button — the same list in the
 * owner's own menu and in the administrator's user dialog; each says how a revocation is sent.
 */
export function TokenList({
  tokens,
  onRevoke,
  testId,
}: {
  tokens: ApiToken[];
  onRevoke: (token: ApiToken) => void;
  testId?: string;
}) {
  const t = useT();
  if (tokens.length === 0) return <p class="empty">{t('app.tokens.none')}</p>;
  return (
    <table class="grid compact" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('app.tokens.name')}</th>
          <th scope="col">{t('app.tokens.prefix')}</th>
          <th scope="col">{t('app.tokens.lastUsed')}</th>
          <th scope="col">{t('app.tokens.expires')}</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {tokens.map((tk) => (
          <tr key={tk.id}>
            <td>{tk.name}</td>
            <td>
              <code>pmt_{tk.prefix}_…</code>
            </td>
            <td>{tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : '—'}</td>
            <td>{tk.expiresAt ? formatDateTime(tk.expiresAt) : t('app.tokens.never')}</td>
            <td>
              {tk.revokedAt ? (
                t('app.tokens.revokedAt', { time: formatDateTime(tk.revokedAt) })
              ) : (
                <button
                  type="button"
                  class="link"
                  aria-label={t('app.tokens.revokeOf', { name: tk.name })}
                  onClick={() => onRevoke(tk)}
                >
                  {t('app.tokens.revoke')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { AuthService, Authenticated } from '../identity/auth.service.js';
import type { Actor } from '../lib/actor.js';

/** How long a verified Basic credential is trusted without running argon2 again. */
const CACHE_MS = 60_000;
const CACHE_MAX = 1_000;

/**
 * Authentication of /engine-rest: HTTP Basic with a platform user's name and password, or a
 * personal API token as `Authorization: Bearer`. Cookies are never read, so no CSRF applies.
 *
 * Camunda clients send Basic on every call; argon2 costs ~20 ms of CPU each, so a verified
 * credential is remembered briefly under a hash of the header (never the password itself). A hit
 * still re-reads the user, so deactivating or locking one takes effect at once.
 */
export function engineRestAuthenticator(auth: AuthService, now: () => number = Date.now) {
  const verified = new Map<string, { userId: string; until: number }>();

  async function basic(ctx: Context, encoded: string): Promise<Authenticated | null> {
    const key = createHash('sha256').update(encoded).digest('hex');
    const cached = verified.get(key);
    if (cached && cached.until > now()) {
      const found = await auth.fromUser(cached.userId);
      if (found) return found;
    }
    verified.delete(key);
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return null;
    const result = await auth.fromPassword(decoded.slice(0, colon), decoded.slice(colon + 1), {
      ip: ctx.ip,
      userAgent: ctx.get('user-agent'),
    });
    if (verified.size >= CACHE_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(key, { userId: result.actor.id, until: now() + CACHE_MS });
    return result;
  }

  return async (ctx: Context): Promise<Actor | null> => {
    if (ctx.state.auth !== undefined) return (ctx.state.auth as Authenticated | null)?.actor ?? null;
    const header = ctx.get('authorization');
    const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
    let result: Authenticated | null = null;
    if (scheme.toLowerCase() === 'basic' && credentials) result = await basic(ctx, credentials);
    else if (scheme.toLowerCase() === 'bearer' && credentials) result = await auth.fromToken(credentials);
    if (result) {
      await auth.sync(result);
      result.actor.ip = ctx.ip;
      result.actor.userAgent = ctx.get('user-agent');
    }
    ctx.state.auth = result;
    return result?.actor ?? null;
  };
}

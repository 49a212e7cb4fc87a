import type { Context } from 'koa';
import type { AuthService, Authenticated } from '../identity/auth.service.js';
import { safeEqual } from '../identity/auth.service.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden } from '../lib/errors.js';

export const SESSION_COOKIE = 'pm_session';
export const CSRF_COOKIE = 'pm_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function cookieOptions(secure: boolean) {
  return { sameSite: 'strict' as const, secure, path: '/', overwrite: true };
}

/**
 * Resolves the acting user: a bearer token, or the session cookie. Cookie-authenticated writes
 * must echo the session's CSRF token in `x-csrf-token` (double submit); token calls need not.
 */
export function authenticator(auth: AuthService) {
  return async (ctx: Context): Promise<Actor | null> => {
    if (ctx.state.auth !== undefined) return (ctx.state.auth as Authenticated | null)?.actor ?? null;
    let result: Authenticated | null = null;
    const header = ctx.get('authorization');
    if (header.toLowerCase().startsWith('bearer ')) {
      result = await auth.fromToken(header.slice(7).trim());
    } else {
      const cookie = ctx.cookies.get(SESSION_COOKIE);
      if (cookie) {
        result = await auth.fromSession(cookie);
        if (result && UNSAFE.has(ctx.method)) {
          const sent = ctx.get('x-csrf-token');
          if (!sent || !result.csrfToken || !safeEqual(sent, result.csrfToken)) {
            throw new Forbidden('missing or wrong CSRF token (send the x-csrf-token header)', 'CSRF_FAILED');
          }
        }
      }
    }
    if (result) {
      await auth.sync(result);
      result.actor.ip = ctx.ip;
      result.actor.userAgent = ctx.get('user-agent');
    }
    ctx.state.auth = result;
    return result?.actor ?? null;
  };
}

import type { IncomingMessage } from 'node:http';
import type { AuthService, Authenticated } from '../identity/auth.service.js';
import { sha256 } from '../identity/auth.service.js';
import { SESSION_COOKIE } from '../http/authenticate.js';

/** How a socket proved who it is, kept to re-check it later (never the secret itself). */
export interface Credential {
  kind: 'session' | 'token';
  hash: string;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Browsers send cookies on cross-site WebSocket handshakes unless SameSite stops them, and
 * WebSockets are not covered by CORS: a handshake whose Origin is not this host is refused
 * outright. Clients outside a browser send no Origin.
 */
export function sameOrigin(req: IncomingMessage, trustProxy: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const forwarded = trustProxy ? req.headers['x-forwarded-host'] : undefined;
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The session cookie (browsers) or `auth.token`, a personal API token (other clients). */
export async function authenticateHandshake(
  auth: AuthService,
  cookieHeader: string | undefined,
  handshakeAuth: Record<string, unknown>,
): Promise<{ authenticated: Authenticated; credential: Credential } | null> {
  const token = handshakeAuth.token;
  if (typeof token === 'string' && token.length > 0 && token.length < 512) {
    const authenticated = await auth.fromToken(token);
    return authenticated ? { authenticated, credential: { kind: 'token', hash: sha256(token) } } : null;
  }
  const session = readCookie(cookieHeader, SESSION_COOKIE);
  if (!session || session.length > 512) return null;
  const authenticated = await auth.fromSession(session);
  return authenticated ? { authenticated, credential: { kind: 'session', hash: sha256(session) } } : null;
}

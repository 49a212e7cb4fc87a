import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, onUnauthorized, setCsrfToken } from './api';
import type { Login, Me, SessionUser as SignedInUser } from '../../../server/identity/session.contract';

/** The signed-in user as the app sees it, from GET /api/v1/auth/me. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  departmentId: string | null;
  departmentName: string | null;
  /** The department's English name, where the organisation has one. */
  departmentNameEn: string | null;
  roles: { role: string; departmentId: string; departmentName: string | null; departmentNameEn: string | null }[];
  /** 'object:action' strings the user holds somewhere (the server decides per department). */
  permissions: string[];
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'logged-out' | 'expired' }
  | { status: 'signed-in'; user: SessionUser };

let state: SessionState = { status: 'loading' };
const listeners = new Set<(s: SessionState) => void>();

function publish(next: SessionState) {
  state = next;
  for (const listener of listeners) listener(next);
}

function toUser(me: SignedInUser): SessionUser {
  return {
    id: me.id,
    username: me.username,
    displayName: me.displayName,
    departmentId: me.department?.id ?? null,
    departmentName: me.department?.name ?? null,
    departmentNameEn: me.department?.nameEn ?? null,
    roles: me.roles,
    permissions: me.actions,
  };
}

export function can(user: SessionUser | null, object: string, action: string): boolean {
  if (!user) return false;
  const held = new Set(user.permissions);
  return held.has(`${object}:${action}`) || held.has(`${object}:*`) || held.has('*:*');
}

/** Asks the server who is signed in (on start, and after a 401). */
export async function refreshSession(): Promise<SessionState> {
  try {
    const me = await api.get<Me>('/auth/me');
    setCsrfToken(me.csrfToken);
    publish({ status: 'signed-in', user: toUser(me) });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) publish({ status: 'anonymous' });
    else throw err;
  }
  return state;
}

export async function login(username: string, password: string): Promise<SessionUser> {
  const result = await api.post<Login>('/auth/login', { username, password });
  setCsrfToken(result.csrfToken);
  const user = toUser(result.user);
  publish({ status: 'signed-in', user });
  return user;
}

export async function logout(): Promise<void> {
  try {
    await api.post('/auth/logout');
  } finally {
    setCsrfToken(null);
    publish({ status: 'anonymous', reason: 'logged-out' });
  }
}

onUnauthorized(() => {
  if (state.status === 'signed-in') publish({ status: 'anonymous', reason: 'expired' });
});

export function useSessionState(): SessionState {
  const [value, setValue] = useState(state);
  useEffect(() => {
    listeners.add(setValue);
    setValue(state);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}

/** `{ user, can(object, action) }` for views; user is null until signed in. */
export function useSession(): { user: SessionUser | null; can: (object: string, action: string) => boolean } {
  const s = useSessionState();
  const user = s.status === 'signed-in' ? s.user : null;
  return { user, can: (object, action) => can(user, object, action) };
}

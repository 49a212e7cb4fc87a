/**
 * The one HTTP client of the app: JSON against /api/v1 with the session cookie, echoing the
 * CSRF token on writes (double submit: the server checks `x-csrf-token` against the session).
 * Failures become ApiError built from the server's application/problem+json.
 */
import { describeRefusal, errorMessages } from './errors';
import { getLocale, registerMessages } from './i18n';

registerMessages(errorMessages);

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'pm_csrf';

export interface ProblemDetail {
  field?: string;
  element?: string;
  reason: string;
  message?: string;
}

/**
 * A refused or failed request. `message` is the refusal in the reader's language (lib/errors.ts),
 * so every view that shows `err.message` shows words staff can read; the server's own sentence
 * stays in `serverMessage` for logs.
 */
export class ApiError extends Error {
  readonly serverMessage: string;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
    /** Everything else the problem carried (e.g. `assignee`, `claimedAt` of a claim conflict). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(describeRefusal(getLocale(), { status, code, message, details }));
    this.name = 'ApiError';
    this.serverMessage = message;
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Remembers the token the login or /auth/me answered with (the cookie is the primary source). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session ended (expired, logged out elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function currentCsrf(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : csrfToken;
}

export function apiUrl(path: string, query?: Query): string {
  const url = API_BASE + path;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Query,
  init: { keepalive?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET') {
    const token = currentCsrf();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), {
      method,
      headers,
      body: payload ?? null,
      credentials: 'same-origin',
      ...(init.keepalive ? { keepalive: true } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : 'network error');
  }
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const parsed: unknown = text && isJson ? JSON.parse(text) : text || undefined;
  if (!res.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const { code, detail, title, errors, details, status: _s, type: _t, instance: _i, ...extra } = problem;
    const error = new ApiError(
      res.status,
      typeof code === 'string' ? code : `HTTP_${res.status}`,
      typeof detail === 'string' ? detail : typeof title === 'string' ? title : res.statusText,
      (Array.isArray(details) ? details : Array.isArray(errors) ? errors : []) as ProblemDetail[],
      extra,
    );
    if (res.status === 401) for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown, init?: { keepalive?: boolean }) =>
    request<T>('PUT', path, body ?? {}, undefined, init),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
  /** multipart upload (attachments) */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, form),
};

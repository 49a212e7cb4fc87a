/**
 * The hall's one HTTP client: JSON against /api/hall/v1 only — never the staff API — with the
 * hall's session cookie, echoing the hall's CSRF cookie on writes. Failures become HallApiError
 * carrying the problem's stable code and, for a 429, how long to wait.
 */
export const HALL_API = '/api/hall/v1';
const CSRF_COOKIE = 'pm_hall_csrf';

export class HallApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds until the refused request may be repeated (429 answers). */
    readonly retryAfter: number | null = null,
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = 'HallApiError';
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called when a request that needs a session answers 401 (it expired or ended elsewhere). */
export function onHallUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : null;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(HALL_API + path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new HallApiError(0, 'NETWORK', err instanceof Error ? err.message : 'network error');
  }
  const text = await res.text();
  const parsed: unknown = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null;
  if (!res.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const header = Number(res.headers.get('retry-after'));
    const retryAfter =
      typeof problem.retryAfter === 'number'
        ? problem.retryAfter
        : Number.isFinite(header) && header > 0
          ? header
          : null;
    // Field details arrive as `errors` (server/http/middleware/errors.ts).
    const details = Array.isArray(problem.errors) ? (problem.errors as { field?: unknown }[]) : [];
    const error = new HallApiError(
      res.status,
      typeof problem.code === 'string' ? problem.code : `HTTP_${res.status}`,
      typeof problem.detail === 'string' ? problem.detail : res.statusText,
      retryAfter,
      details.map((d) => (typeof d.field === 'string' ? d.field : '')).filter(Boolean),
    );
    if (res.status === 401 && path !== '/session') for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  return parsed as T;
}

export const hallApi = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

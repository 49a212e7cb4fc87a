import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (`#/worklist`, `#/tasks/:id`): the server only ever serves index.html, so deep
 * links survive a reload without server-side route knowledge.
 */
export interface AppRoute {
  /** '/designer/:key' */
  path: string;
  view: ComponentType<{ params: Record<string, string> }>;
  /** Shown in the navigation when the user holds the permission. */
  nav?: { labelKey: string; permission: [object: string, action: string] };
}

export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  const path = hash.split('?')[0] ?? '';
  return path.startsWith('/') ? path : '/';
}

/** The query part of the hash (`#/worklist?view=claimable`). */
export function currentQuery(): URLSearchParams {
  const hash = window.location.hash;
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = `#${path}`;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.location.hash = path;
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * A value read from the hash, kept current. Effects run after the browser paints, so the hash
 * may already have changed between the first render and the listener being added (a test or a
 * link going to `#/admin?section=external` just as the landing page mounts): read it again then.
 */
export function useHashValue<T>(read: () => T): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const update = () => setValue(read());
    window.addEventListener('hashchange', update);
    update();
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return value;
}

export function usePath(): string {
  return useHashValue(currentPath);
}

export function matchRoute(
  routes: AppRoute[],
  path: string,
): { route: AppRoute; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i] as string;
      const v = parts[i] as string;
      if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
      else if (p !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return null;
}

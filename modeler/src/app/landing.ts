import type { SessionUser } from '../lib/session';

/**
 * Where a user lands after login: where their work is. Administrators administer (they hold
 * every permission, tasks included, but their daily work is the administration screens); whoever
 * works tasks starts at the worklist; a designer without tasks at the designer; someone who only
 * watches at the monitor. Anyone else gets the first screen they may open.
 */
export function landingPath(
  user: SessionUser,
  can: (object: string, action: string) => boolean,
  firstAllowed: string | undefined,
): string {
  if (user.roles.some((r) => r.role === 'admin')) return '/admin';
  if (can('task', 'complete') || can('task', 'claim')) return '/worklist';
  if (can('deployment', 'create')) return '/designer';
  if (can('dashboard', 'read')) return '/monitor';
  return firstAllowed ?? '/worklist';
}

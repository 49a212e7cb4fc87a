/** A role the actor holds in a department (and so in its subtree). */
export interface ActorRole {
  role: string;
  departmentId: string;
  departmentPath: string;
}

/**
 * Who is acting. Every service method takes one, so that authorization and the audit log have a
 * subject for every change.
 */
export interface Actor {
  id: string;
  kind: 'user' | 'token' | 'system';
  username: string;
  displayName: string;
  departmentId: string | null;
  roles: ActorRole[];
  /** Source address and client, for the audit log. */
  ip?: string;
  userAgent?: string;
}

export const SYSTEM_ACTOR: Actor = {
  id: 'system',
  kind: 'system',
  username: 'system',
  displayName: 'System',
  departmentId: null,
  roles: [],
};

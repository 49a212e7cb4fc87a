/**
 * Who is acting. Every service method takes one, so that authorization and the audit log have
 * a subject for every change (issue 3 fills in roles and departments from the session).
 */
export interface Actor {
  id: string;
  kind: 'user' | 'token' | 'system';
  displayName: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', kind: 'system', displayName: 'System' };

/** The hall's realtime contract, shared with the browser (server/hall/live.ts serves it). */

/** The hall's Socket.IO namespace (same path as staff, `/socket.io`; the hall cookie, never a staff one). */
export const HALL_NAMESPACE = '/hall';

/** Events the hall's browser receives: only ever about the login's own applications. */
export interface HallServerToClientEvents {
  /** An application moved (a step started or ended, it completed or was cancelled): read it again. */
  'application:moved': (payload: { applicationId: string }) => void;
}

/**
 * The Socket.IO contract shared by the server and the browser app (socket.io's typed event maps,
 * as in its basic-crud example). Plain TypeScript with no Node imports: `modeler/` imports it.
 * The protocol is described in server/realtime/README.md.
 */

export const REALTIME_PATH = '/socket.io';

/** A committed change, as pushed to clients: one outbox row plus the public rooms it belongs to. */
export interface RealtimeEvent {
  /** The outbox id: increasing, unique; clients remember the largest they saw for catch-up. */
  id: number;
  /** `noun:verb`, e.g. `task:created`, `task:claimed`, `instance:completed`, `incident:created`. */
  topic: string;
  departmentId: string | null;
  definitionKey: string | null;
  instanceId: string | null;
  payload: Record<string, unknown>;
  /** Commit time (ISO 8601). */
  at: string;
  /** The rooms this event was sent to (a client dispatches it to its subscriptions among them). */
  rooms: string[];
}

/** The kinds of room a client may subscribe to (the server decides by Casbin whether it may). */
export type Room =
  | { kind: 'department'; departmentId: string }
  | { kind: 'process'; definitionKey: string; departmentId: string }
  | { kind: 'instance'; instanceId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'definitions' };

const ID = '[A-Za-z0-9_-]{1,64}';
const KEY = '[A-Za-z_][A-Za-z0-9_.-]{0,127}';
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const PATTERNS: [RegExp, (m: RegExpExecArray) => Room][] = [
  [new RegExp(`^department:(${ID})$`), (m) => ({ kind: 'department', departmentId: m[1] as string })],
  [
    new RegExp(`^process:(${KEY})@(${ID})$`),
    (m) => ({ kind: 'process', definitionKey: m[1] as string, departmentId: m[2] as string }),
  ],
  [new RegExp(`^instance:(${UUID})$`), (m) => ({ kind: 'instance', instanceId: (m[1] as string).toLowerCase() })],
  [new RegExp(`^user:(${ID})$`), (m) => ({ kind: 'user', userId: m[1] as string })],
  [/^definitions$/, () => ({ kind: 'definitions' })],
];

/** Room names, built the one way the server and clients agree on. */
export const rooms = {
  department: (departmentId: string) => `department:${departmentId}`,
  process: (definitionKey: string, departmentId: string) => `process:${definitionKey}@${departmentId}`,
  instance: (instanceId: string) => `instance:${instanceId}`,
  user: (userId: string) => `user:${userId}`,
  definitions: () => 'definitions',
};

export function parseRoom(name: string): Room | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(name);
    if (m) return build(m);
  }
  return null;
}

export function roomName(room: Room): string {
  switch (room.kind) {
    case 'department':
      return rooms.department(room.departmentId);
    case 'process':
      return rooms.process(room.definitionKey, room.departmentId);
    case 'instance':
      return rooms.instance(room.instanceId);
    case 'user':
      return rooms.user(room.userId);
    case 'definitions':
      return rooms.definitions();
  }
}

export type RealtimeErrorCode =
  'VALIDATION_FAILED' | 'INVALID_ROOM' | 'FORBIDDEN' | 'NOT_FOUND' | 'TOO_MANY_ROOMS' | 'RATE_LIMITED' | 'INTERNAL';

export interface RealtimeError {
  code: RealtimeErrorCode;
  message: string;
}

export interface SubscribeRequest {
  room: string;
  /** The largest event id the client saw (in any room): missed events of this room are replayed first. */
  since?: number;
}

export type SubscribeAck =
  | {
      ok: true;
      /** Events replayed to this socket before the ack (some may repeat ids already seen: dedupe by id). */
      replayed: number;
      /** Too many missed events to replay: reload the list over HTTP, then continue live. */
      resync: boolean;
      /** The newest event id now: the `since` to use on a later re-subscribe if nothing arrives. */
      latest: number;
    }
  | { ok: false; error: RealtimeError };

export type UnsubscribeAck = { ok: true } | { ok: false; error: RealtimeError };

export interface ServerToClientEvents {
  event: (event: RealtimeEvent) => void;
  /** The server removed the socket from a room it may no longer read (permissions changed). */
  'room:revoked': (notice: { room: string; reason: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: { room: string }, ack: (result: UnsubscribeAck) => void) => void;
}

/** Why a handshake was refused (`connect_error` → `err.message`). */
export const HANDSHAKE_ERRORS = {
  unauthenticated: 'UNAUTHENTICATED',
} as const;

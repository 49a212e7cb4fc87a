import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  RealtimeEvent,
  RealtimePayloads,
  RealtimeTopic,
  ServerToClientEvents,
  SubscribeAck,
} from '../../../server/realtime/contract';

/**
 * One Socket.IO connection for the whole app (path /socket.io, session cookie sent), opened on
 * the first subscription. After a reconnect every room is re-joined with `since` = the largest
 * event id seen, and the server replays what was missed; when too much was missed it answers
 * `resync` and the view reloads over HTTP (protocol: server/realtime/contract.ts and README).
 */

export type { RealtimeEvent, RealtimePayloads, RealtimeTopic };
export { inFamily } from '../../../server/realtime/contract';

type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SubscribeOptions {
  /** Replay events after this id on the first join. */
  since?: number;
  /** The server could not replay everything missed: reload the view's data over HTTP. */
  onResync?: () => void;
}

interface Subscription {
  handlers: Set<(event: RealtimeEvent) => void>;
  resyncs: Set<() => void>;
}

let socket: RealtimeSocket | null = null;
let lastSeen = 0;
const seen = new Set<number>();
const subscriptions = new Map<string, Subscription>();
const statusListeners = new Set<(connected: boolean) => void>();
const sessionLostListeners = new Set<() => void>();
let reportError: (room: string, error: string) => void = () => {};

/** Where subscription refusals go (the shell can show them); by default they are ignored. */
export function onSubscribeError(listener: (room: string, error: string) => void): void {
  reportError = listener;
}

function join(room: string, sub: Subscription, since?: number) {
  const from = since ?? (lastSeen || undefined);
  socket?.emit('subscribe', { room, ...(from ? { since: from } : {}) }, (ack: SubscribeAck) => {
    if (!ack.ok) reportError(room, ack.error.message);
    else {
      if (typeof ack.latest === 'number') lastSeen = Math.max(lastSeen, ack.latest);
      // Without `since` nothing is replayed: an event between the view's HTTP load and this join
      // would be lost for good (a batch shown running after it completed), so the view reloads.
      if (ack.resync || !from) for (const resync of sub.resyncs) resync();
    }
  });
}

function deliver(event: RealtimeEvent) {
  if (seen.has(event.id)) return; // a replay may repeat an event already delivered live
  seen.add(event.id);
  if (seen.size > 2000) seen.clear();
  lastSeen = Math.max(lastSeen, event.id);
  for (const [room, sub] of subscriptions) {
    if (event.rooms && !event.rooms.includes(room)) continue;
    for (const handler of sub.handlers) handler(event);
  }
}

function connect(): RealtimeSocket {
  if (socket) return socket;
  const s: RealtimeSocket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  s.on('connect', () => {
    for (const [room, sub] of subscriptions) join(room, sub);
    for (const listener of statusListeners) listener(true);
  });
  s.on('disconnect', (reason) => {
    for (const listener of statusListeners) listener(false);
    // The server ends the sockets of ended sessions and socket.io does not reconnect after that.
    if (reason === 'io server disconnect') for (const listener of sessionLostListeners) listener();
  });
  s.on('connect_error', (err) => {
    if (err.message === 'UNAUTHENTICATED') for (const listener of sessionLostListeners) listener();
  });
  s.on('event', deliver);
  socket = s;
  return s;
}

/** Receives the room's events until the returned function is called. */
export function subscribe(
  room: string,
  onEvent: (event: RealtimeEvent) => void,
  options: SubscribeOptions = {},
): () => void {
  const s = connect();
  let sub = subscriptions.get(room);
  const fresh = !sub;
  if (!sub) {
    sub = { handlers: new Set(), resyncs: new Set() };
    subscriptions.set(room, sub);
  }
  sub.handlers.add(onEvent);
  if (options.onResync) sub.resyncs.add(options.onResync);
  if (fresh && s.connected) join(room, sub, options.since);
  const current = sub;
  return () => {
    current.handlers.delete(onEvent);
    if (options.onResync) current.resyncs.delete(options.onResync);
    if (current.handlers.size === 0 && subscriptions.get(room) === current) {
      subscriptions.delete(room);
      socket?.emit('unsubscribe', { room }, () => {});
    }
  };
}

export function isConnected(): boolean {
  return socket?.connected ?? false;
}

export function onConnectionChange(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** The server refused or ended the socket's session: ask the server who is signed in now. */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

/** After logout: the next session connects with its own cookie. */
export function disconnectRealtime(): void {
  socket?.disconnect();
  socket = null;
  subscriptions.clear();
  seen.clear();
  lastSeen = 0;
}

/** Room names as the server spells them (server/realtime/contract.ts `rooms`). */
export const rooms = {
  department: (departmentId: string) => `department:${departmentId}`,
  instance: (instanceId: string) => `instance:${instanceId}`,
  user: (userId: string) => `user:${userId}`,
};

import { io, type Socket } from 'socket.io-client';

/**
 * One Socket.IO connection for the whole app (path /socket.io, session cookie sent), opened on
 * the first subscription. Rooms are re-joined after a reconnect with `since` = the last event
 * id seen, so the server can replay what was missed (protocol: server/realtime/README.md).
 */
export interface RealtimeEvent {
  id: string;
  topic: string;
  departmentId: string | null;
  definitionKey: string | null;
  instanceId: string | null;
  payload: Record<string, unknown>;
  at: string;
  room?: string;
}

type Ack = { ok: true } | { ok: false; error: string };
type Handler = (event: RealtimeEvent) => void;

interface Subscription {
  handlers: Set<Handler>;
  since?: string;
}

let socket: Socket | null = null;
const rooms = new Map<string, Subscription>();
const statusListeners = new Set<(connected: boolean) => void>();

function join(room: string, sub: Subscription) {
  socket?.emit('subscribe', { room, ...(sub.since ? { since: sub.since } : {}) }, (ack: Ack | undefined) => {
    if (ack && !ack.ok) reportError(room, ack.error);
  });
}

let reportError: (room: string, error: string) => void = () => {};

/** Where subscription refusals go (the shell shows them); default: ignored. */
export function onSubscribeError(listener: (room: string, error: string) => void): void {
  reportError = listener;
}

function connect(): Socket {
  if (socket) return socket;
  socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket.on('connect', () => {
    for (const [room, sub] of rooms) join(room, sub);
    for (const listener of statusListeners) listener(true);
  });
  socket.on('disconnect', () => {
    for (const listener of statusListeners) listener(false);
  });
  socket.on('event', (event: RealtimeEvent) => {
    for (const [room, sub] of rooms) {
      if (event.room && event.room !== room) continue;
      sub.since = event.id;
      for (const handler of sub.handlers) handler(event);
    }
  });
  return socket;
}

/** Receives the room's events until the returned function is called. */
export function subscribe(room: string, onEvent: Handler, options: { since?: string } = {}): () => void {
  const s = connect();
  let sub = rooms.get(room);
  if (!sub) {
    sub = { handlers: new Set(), ...(options.since ? { since: options.since } : {}) };
    rooms.set(room, sub);
    if (s.connected) join(room, sub);
  }
  sub.handlers.add(onEvent);
  const current = sub;
  return () => {
    current.handlers.delete(onEvent);
    if (current.handlers.size === 0 && rooms.get(room) === current) {
      rooms.delete(room);
      socket?.emit('unsubscribe', { room });
    }
  };
}

export function onConnectionChange(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** After logout: the next session connects with its own cookie. */
export function disconnectRealtime(): void {
  socket?.disconnect();
  socket = null;
  rooms.clear();
}

import type { Server, Socket } from 'socket.io';
import type { Actor } from '../lib/actor.js';
import type { ClientToServerEvents, Room, ServerToClientEvents } from './contract.js';
import type { Credential } from './handshake.js';

/** What the server keeps per socket. */
export interface SocketState {
  actor: Actor;
  credential: Credential;
  /** Subscribed rooms by name. */
  rooms: Map<string, Room>;
  requests: { windowStart: number; count: number };
  /** Requests of one socket are handled one after the other (room limit, subscribe/unsubscribe order). */
  queue: Promise<void>;
}

/** The typed Socket.IO server and socket: the event maps of contract.ts, and the per-socket state. */
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketState>;
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketState>;

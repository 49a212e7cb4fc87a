import { io, type Socket } from 'socket.io-client';
import {
  REALTIME_PATH,
  type ClientToServerEvents,
  type RealtimeEvent,
  type ServerToClientEvents,
  type SubscribeAck,
  type UnsubscribeAck,
} from '../../../server/realtime/contract.js';
import { eventually } from '../../support/platform.js';

/** Logs in over HTTP and returns the session cookie, as a browser would hold it. */
export async function sessionCookie(baseUrl: string, username: string, password = 'demo1234'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pm_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0] as string;
}

export interface ConnectOptions {
  cookie?: string;
  token?: string;
  origin?: string;
}

/** A real socket.io-client that records every event and revocation it receives. */
export class TestSocket {
  readonly events: RealtimeEvent[] = [];
  readonly revoked: { room: string; reason: string }[] = [];

  private constructor(readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    socket.on('event', (e) => this.events.push(e));
    socket.on('room:revoked', (r) => this.revoked.push(r));
  }

  /** Connects, or rejects with the server's reason (`connect_error`). */
  static connect(baseUrl: string, options: ConnectOptions = {}): Promise<TestSocket> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
      path: REALTIME_PATH,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: headers,
      auth: options.token ? { token: options.token } : {},
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new TestSocket(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  static async as(baseUrl: string, username: string): Promise<TestSocket> {
    return TestSocket.connect(baseUrl, { cookie: await sessionCookie(baseUrl, username) });
  }

  subscribe(room: unknown, since?: number): Promise<SubscribeAck> {
    const request = since === undefined ? { room } : { room, since };
    return this.socket.timeout(10_000).emitWithAck('subscribe', request as never);
  }

  unsubscribe(room: string): Promise<UnsubscribeAck> {
    return this.socket.timeout(10_000).emitWithAck('unsubscribe', { room });
  }

  /** Waits for an event matching `match` (received before or after the call). */
  waitFor(match: (e: RealtimeEvent) => boolean, what = 'event', ms = 10_000): Promise<RealtimeEvent> {
    return eventually(async () => this.events.find(match), ms, what);
  }

  close(): void {
    this.socket.close();
  }
}

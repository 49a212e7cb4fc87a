import type http from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server } from 'socket.io';
import { z } from 'zod';
import { isEmbedded, type Db } from '../db/index.js';
import type { AuthService } from '../identity/auth.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../workflow/outbox.js';
import {
  HANDSHAKE_ERRORS,
  parseRoom,
  REALTIME_PATH,
  roomName,
  type RealtimeError,
  type SubscribeAck,
  type UnsubscribeAck,
} from './contract.js';
import { authenticateHandshake, sameOrigin } from './handshake.js';
import { Publisher, UserIds } from './publisher.js';
import { missedEvents } from './replay.js';
import { NotifyPool } from './notify-pool.js';
import { OutboxRetention } from './retention.js';
import { RoomAccess } from './rooms.js';
import type { RealtimeServer, RealtimeSocket } from './socket.js';
import { AccessWatch } from './watch.js';

export interface RealtimeOptions {
  /** PostgreSQL for the multi-node adapter; none (or PGlite): the in-memory adapter, one node. */
  databaseUrl: string | undefined;
  trustProxy: boolean;
  maxRoomsPerSocket: number;
  /** Subscribe/unsubscribe requests a socket may make per 10 seconds. */
  maxRequestsPer10s: number;
  maxMessageBytes: number;
  /** Missed events replayed on re-subscribe; more: the client is told to reload. */
  replayLimit: number;
  /** How often the permission version is re-checked for connected sockets. */
  recheckMs: number;
  /** How often connected sockets' sessions and tokens are re-checked (logout, expiry, deactivation). */
  sessionCheckMs: number;
  /** Outbox rows older than this are deleted (catch-up cannot go further back). */
  retentionHours: number;
  pruneEveryMs: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  databaseUrl: undefined,
  trustProxy: false,
  maxRoomsPerSocket: 100,
  maxRequestsPer10s: 100,
  maxMessageBytes: 16 * 1024,
  replayLimit: 1000,
  recheckMs: 5000,
  sessionCheckMs: 60_000,
  retentionHours: 24,
  pruneEveryMs: 3_600_000,
};

export interface RealtimeDeps {
  db: Db;
  auth: AuthService;
  authorization: Authorization;
  bus: EventBus;
  logger: Logger;
}

const subscribeSchema = z.object({ room: z.string().max(200), since: z.number().int().min(0).optional() }).strict();
const unsubscribeSchema = z.object({ room: z.string().max(200) }).strict();

/** The knex connection string of a pg database (tests hand the platform a ready database). */
function connectionString(db: Db): string | undefined {
  const client = db.client as { config?: { connection?: unknown } };
  const connection = client.config?.connection;
  if (typeof connection === 'string') return connection;
  const url = (connection as { connectionString?: unknown } | undefined)?.connectionString;
  return typeof url === 'string' ? url : undefined;
}

/**
 * Socket.IO on the platform's HTTP server (ARCHITECTURE.md Realtime): authenticated from the
 * session cookie or an API token, rooms joined only when Casbin allows, events pushed after
 * commit, missed events replayed from the outbox, and several nodes joined through PostgreSQL.
 */
export class Realtime {
  readonly io: RealtimeServer;
  private readonly access: RoomAccess;
  private readonly publisher: Publisher;
  private readonly watch: AccessWatch;
  private readonly retention: OutboxRetention;
  private readonly pool: pg.Pool | null;
  /** Clients the adapter checked out of the pool and has not given back. */
  private readonly held = new Set<pg.PoolClient>();
  private readonly options: RealtimeOptions;

  constructor(
    private readonly deps: RealtimeDeps,
    options: Partial<RealtimeOptions> = {},
  ) {
    this.options = { ...DEFAULT_REALTIME_OPTIONS, ...options };
    const url = isEmbedded(deps.db) ? undefined : (this.options.databaseUrl ?? connectionString(deps.db));
    // The adapter relays each message as a NOTIFY; NotifyPool sends one turn's together.
    this.pool = url ? new NotifyPool({ connectionString: url, max: 4 }) : null;
    this.pool?.on('error', (err) => deps.logger.warn({ err }, 'realtime adapter connection failed'));
    // The adapter's LISTEN client is held out of the pool, beyond the pool's own error listener,
    // and the adapter drops it on a lost connection without giving it back: unhandled, the error
    // would crash the process, and the pool would wait for the dead client for ever on close.
    const held = this.held;
    this.pool?.on('acquire', (client) => held.add(client));
    this.pool?.on('release', (_err, client) => held.delete(client));
    this.pool?.on('connect', (client) =>
      client.on('error', (err) => {
        deps.logger.warn({ err: err.message }, 'realtime adapter connection lost');
        // Next turn: a pool.query() in flight releases its own client on this same error.
        setImmediate(() => {
          if (held.delete(client)) client.release(err);
        });
      }),
    );
    // Built before the HTTP server exists (its routes read this node's status); `serve` binds it.
    this.io = new Server({
      path: REALTIME_PATH,
      serveClient: false,
      maxHttpBufferSize: this.options.maxMessageBytes,
      allowRequest: (req, callback) => callback(null, sameOrigin(req, this.options.trustProxy)),
      ...(this.pool
        ? {
            adapter: createAdapter(this.pool, {
              errorHandler: (err) => deps.logger.warn({ err }, 'realtime adapter error'),
            }),
          }
        : {}),
    });
    this.access = new RoomAccess(deps.db, deps.authorization);
    this.publisher = new Publisher(this.io, deps.bus, deps.db, deps.authorization, new UserIds(deps.db), deps.logger);
    this.watch = new AccessWatch(this.io, deps, this.access, this.options);
    this.retention = new OutboxRetention(deps.db, deps.logger, this.options);
    this.io.use((socket, next) => {
      authenticateHandshake(deps.auth, socket.handshake.headers.cookie, socket.handshake.auth ?? {})
        .then((result) => {
          if (!result) return next(new Error(HANDSHAKE_ERRORS.unauthenticated));
          socket.data = {
            actor: result.authenticated.actor,
            credential: result.credential,
            rooms: new Map(),
            requests: { windowStart: Date.now(), count: 0 },
            queue: Promise.resolve(),
          };
          next();
        })
        .catch((err: unknown) => {
          deps.logger.error({ err }, 'realtime handshake failed');
          next(new Error('INTERNAL'));
        });
    });
    this.io.on('connection', (socket) => this.connected(socket));
  }

  private connected(socket: RealtimeSocket): void {
    let waiting = 0;
    const enqueue = (work: () => Promise<void>) => {
      // A client that sends far faster than it is answered is not a browser tab: drop it.
      if (++waiting > this.options.maxRequestsPer10s) {
        socket.disconnect(true);
        return;
      }
      socket.data.queue = socket.data.queue
        .then(work)
        .catch((err: unknown) => this.deps.logger.error({ err }, 'realtime request failed'))
        .finally(() => waiting--);
    };
    socket.on('subscribe', (request, ack) => {
      if (typeof ack !== 'function') return;
      enqueue(() =>
        this.subscribe(socket, request).then(ack, (err: unknown) => {
          this.deps.logger.error({ err }, 'realtime subscribe failed');
          ack({ ok: false, error: { code: 'INTERNAL', message: 'subscribe failed' } });
        }),
      );
    });
    socket.on('unsubscribe', (request, ack) => {
      enqueue(async () => {
        const result = await this.unsubscribe(socket, request);
        if (typeof ack === 'function') ack(result);
      });
    });
  }

  private async unsubscribe(socket: RealtimeSocket, request: unknown): Promise<UnsubscribeAck> {
    const parsed = unsubscribeSchema.safeParse(request);
    if (!parsed.success) return { ok: false, error: invalid(parsed.error) };
    const throttled = this.throttle(socket);
    if (throttled) return { ok: false, error: throttled };
    const room = parseRoom(parsed.data.room);
    const name = room ? roomName(room) : parsed.data.room;
    if (socket.data.rooms.delete(name)) await socket.leave(name);
    return { ok: true };
  }

  private async subscribe(socket: RealtimeSocket, request: unknown): Promise<SubscribeAck> {
    const parsed = subscribeSchema.safeParse(request);
    if (!parsed.success) return { ok: false, error: invalid(parsed.error) };
    const throttled = this.throttle(socket);
    if (throttled) return { ok: false, error: throttled };
    const { room: name, since } = parsed.data;
    const room = parseRoom(name);
    if (!room) return { ok: false, error: { code: 'INVALID_ROOM', message: `not a room: ${name}` } };
    const state = socket.data;
    if (!state.rooms.has(roomName(room)) && state.rooms.size >= this.options.maxRoomsPerSocket)
      return {
        ok: false,
        error: { code: 'TOO_MANY_ROOMS', message: `at most ${this.options.maxRoomsPerSocket} rooms` },
      };
    // The newest policy (a grant or revocation on another node counts at once, as for HTTP).
    await this.deps.authorization.ensure();
    const refused = await this.access.check(state.actor, room);
    if (refused) return { ok: false, error: refused };
    // Join before reading what was missed: an event committed in between arrives twice, never not at all.
    state.rooms.set(roomName(room), room);
    await socket.join(roomName(room));
    const tree = await this.deps.authorization.tree();
    const replay = await missedEvents(this.deps.db, room, state.actor, tree, since, this.options.replayLimit);
    for (const event of replay.events) socket.emit('event', { ...event, rooms: [roomName(room)] });
    return { ok: true, replayed: replay.events.length, resync: replay.resync, latest: replay.latest };
  }

  private throttle(socket: RealtimeSocket): RealtimeError | null {
    const r = socket.data.requests;
    const now = Date.now();
    if (now - r.windowStart > 10_000) {
      r.windowStart = now;
      r.count = 0;
    }
    r.count++;
    return r.count > this.options.maxRequestsPer10s
      ? { code: 'RATE_LIMITED', message: 'too many subscribe requests; slow down' }
      : null;
  }

  /** Answers Socket.IO on the platform's HTTP server (its other requests stay with the app). */
  serve(server: http.Server): void {
    this.io.attach(server);
  }

  start(): void {
    this.watch.start();
    this.retention.start();
  }

  /** Deletes outbox rows past the retention now (otherwise hourly). */
  pruneOutbox(): Promise<number> {
    return this.retention.prune();
  }

  /** Connected sockets on this node, rooms in use here, and the nodes the adapter has heard from. */
  async status(): Promise<{ sockets: number; rooms: number; nodes: number; delivered: number }> {
    const adapter = this.io.of('/').adapter;
    let rooms = 0;
    for (const name of adapter.rooms.keys()) if (parseRoom(name)) rooms++;
    return {
      sockets: this.io.of('/').sockets.size,
      rooms,
      nodes: await adapter.serverCount(),
      delivered: this.publisher.delivered,
    };
  }

  /**
   * Waits (bounded) until no adapter connection is still being opened. The adapter opens its
   * LISTEN client when it is built; closed before that client is ready, it never gives the client
   * back (it only releases one it already holds), and the pool's end would wait for it.
   */
  private async adapterSettled(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const deadline = Date.now() + 2000;
    const busy = () =>
      pool.totalCount > pool.idleCount + this.held.size ||
      [...this.held].some((client) => (client as unknown as { _activeQuery?: unknown })._activeQuery);
    while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async close(): Promise<void> {
    await Promise.all([this.watch.stop(), this.retention.stop()]);
    await this.publisher.close();
    // Not io.close(): that also closes the HTTP server and waits for its keep-alive connections;
    // the platform closes the server itself. Connections are cut, not ended with a DISCONNECT
    // packet: clients see "transport close", reconnect (to another node) and catch up, whereas
    // "io server disconnect" means their session ended.
    this.io.engine.close();
    await this.adapterSettled();
    // Every namespace's adapter (the staff's and the customer hall's): one left open keeps its
    // heartbeat publishing into the ended pool, and the process never exits.
    const namespaces = (this.io as unknown as { _nsps: Map<string, { adapter: { close(): unknown } }> })._nsps;
    for (const namespace of namespaces.values()) await namespace.adapter.close();
    // A LISTEN client the adapter did not give back (seen when a node closes soon after it
    // started) would keep pool.end() waiting for ever: close it.
    for (const client of this.held) {
      // A client with a query in flight is given back by that query; one sitting idle is not.
      if (!(client as unknown as { _activeQuery?: unknown })._activeQuery) client.release(true);
    }
    this.held.clear();
    if (!this.pool) return;
    // Closing must not hang on a connection the adapter is still opening: past a bound, go on
    // (the process or the test tearing down ends the socket).
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 2000);
    });
    const ended = await Promise.race([this.pool.end().then(() => 'ended' as const), bound]);
    clearTimeout(timer);
    if (ended === 'timeout') this.deps.logger.warn('realtime adapter pool did not close within 2 s');
  }
}

function invalid(error: z.ZodError): RealtimeError {
  return {
    code: 'VALIDATION_FAILED',
    message: error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
  };
}

import type { Server } from 'socket.io';
import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus, PublishedEvent } from '../workflow/outbox.js';
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents } from './contract.js';
import { personalUsernames, targetRooms } from './rooms.js';
import { Prepared } from '../db/prepared.js';

/** The candidate users of tasks just created: who hears of them personally. */
const CANDIDATE_USERS = new Prepared<{ id: string; candidate_users: string[] | null }>(
  'realtime_candidate_users',
  'SELECT id, candidate_users FROM tasks WHERE id = ANY(?::uuid[])',
);

/** Usernames never change: user ids are looked up once per node. */
export class UserIds {
  private readonly byName = new Map<string, string>();

  constructor(private readonly db: Db) {}

  async resolve(usernames: string[]): Promise<Map<string, string>> {
    const missing = usernames.filter((n) => !this.byName.has(n));
    if (missing.length) {
      const rows: { id: string; username: string }[] = await this.db('users')
        .whereIn('username', missing)
        .select('id', 'username');
      for (const r of rows) this.byName.set(r.username, r.id);
    }
    return this.byName;
  }
}

/**
 * Pushes this node's committed events to their rooms. Events a transaction publishes together
 * are handled together (one look-up of candidate users, one of user ids); with the PostgreSQL
 * adapter `io.to(rooms).emit` also reaches the sockets of every other node, so each node sends
 * only what it committed itself.
 */
export class Publisher {
  private pending: PublishedEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly onEvent = (event: PublishedEvent) => {
    this.pending.push(event);
    if (this.pending.length === 1) setImmediate(() => this.schedule());
  };
  delivered = 0;

  constructor(
    private readonly io: Server<ClientToServerEvents, ServerToClientEvents>,
    private readonly bus: EventBus,
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly userIds: UserIds,
    private readonly logger: Logger,
  ) {
    bus.on('event', this.onEvent);
  }

  private schedule(): void {
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing
      .then(() => this.send(batch))
      .catch((err: unknown) => this.logger.error({ err }, 'realtime publish failed'));
  }

  private async send(batch: PublishedEvent[]): Promise<void> {
    // A task the step on this node created carries its candidate users; any other is read.
    const created = batch.flatMap((e) => (e.topic === 'task:created' && !e.candidateUsers ? [e.payload.taskId] : []));
    const candidates = new Map<string, string[]>();
    if (created.length) {
      // An array literal of uuids (no quoting needed): one statement text whatever the count.
      const rows = await CANDIDATE_USERS.rows(this.db, [`{${created.join(',')}}`]);
      for (const r of rows) candidates.set(r.id, r.candidate_users ?? []);
    }
    const names = batch.map((e) =>
      personalUsernames(
        e,
        e.topic === 'task:created' ? (e.candidateUsers ?? candidates.get(e.payload.taskId)) : undefined,
      ),
    );
    const ids = await this.userIds.resolve([...new Set(names.flat())]);
    const tree = await this.authorization.tree();
    batch.forEach((event, i) => {
      const personal = (names[i] ?? []).flatMap((n) => ids.get(n) ?? []);
      const targets = targetRooms(event, tree, personal);
      if (targets.length === 0) return;
      // The public fields only: what the event carries within the node stays here.
      const { topic, departmentId, definitionKey, instanceId, payload, id, at } = event;
      const message = {
        topic,
        departmentId,
        definitionKey,
        instanceId,
        payload,
        id,
        at,
        rooms: targets,
      } as RealtimeEvent;
      this.io.to(targets).emit('event', message);
      this.delivered++;
    });
  }

  async close(): Promise<void> {
    this.bus.off('event', this.onEvent);
    if (this.pending.length) this.schedule();
    await this.flushing;
  }
}

import type { Db } from '../db/index.js';
import type { AuthService } from '../identity/auth.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import type { Logger } from '../lib/logger.js';
import { Periodic } from '../lib/periodic.js';
import type { RealtimeServer, RealtimeSocket } from './socket.js';
import type { RoomAccess } from './rooms.js';

interface WatchDeps {
  db: Db;
  auth: AuthService;
  authorization: Authorization;
  logger: Logger;
}

/**
 * A socket outlives the request that opened it, so what was checked at the handshake and at
 * each join is checked again: when the permission version moves (a grant, a revocation, a role
 * taken away — on any node), every local socket's rooms are re-checked and the lost ones left
 * (`room:revoked`); sessions that ended (logout, expiry, deactivated user) are disconnected.
 */
export class AccessWatch {
  private readonly chore: Periodic;
  private version = -1;
  private lastSessionCheck = Date.now();

  constructor(
    private readonly io: RealtimeServer,
    private readonly deps: WatchDeps,
    private readonly access: RoomAccess,
    private readonly timing: { recheckMs: number; sessionCheckMs: number },
  ) {
    this.chore = new Periodic('realtime-access-recheck', timing.recheckMs, () => this.tick(), deps.logger);
  }

  start(): void {
    this.chore.start(this.timing.recheckMs);
  }

  stop(): Promise<void> {
    return this.chore.stop();
  }

  private async tick(): Promise<void> {
    const version = await this.deps.authorization.currentVersion();
    const policyChanged = this.version !== -1 && version !== this.version;
    this.version = version;
    const sockets = [...(this.io.of('/').sockets.values() as Iterable<RealtimeSocket>)].filter((s) => s.data?.actor);
    if (sockets.length === 0) return;
    if (policyChanged || Date.now() - this.lastSessionCheck > this.timing.sessionCheckMs) {
      this.lastSessionCheck = Date.now();
      await this.dropEnded(sockets);
    }
    if (policyChanged) {
      await this.deps.authorization.ensure(version);
      await this.recheckRooms(sockets.filter((s) => s.connected));
    }
  }

  private async dropEnded(sockets: RealtimeSocket[]): Promise<void> {
    const live = new Set<string>();
    const sessions = [
      ...new Set(sockets.filter((s) => s.data.credential.kind === 'session').map((s) => s.data.credential.hash)),
    ];
    const tokens = [
      ...new Set(sockets.filter((s) => s.data.credential.kind === 'token').map((s) => s.data.credential.hash)),
    ];
    const now = new Date();
    for (let i = 0; i < sessions.length; i += 1000) {
      const rows: { id: string }[] = await this.deps
        .db('sessions as s')
        .join('users as u', 'u.id', 's.user_id')
        .whereIn('s.id', sessions.slice(i, i + 1000))
        .where('s.expires_at', '>', now)
        .where('u.active', true)
        .select('s.id');
      for (const r of rows) live.add(r.id);
    }
    for (let i = 0; i < tokens.length; i += 1000) {
      const rows: { id: string }[] = await this.deps
        .db('api_tokens as t')
        .join('users as u', 'u.id', 't.user_id')
        .whereIn('t.token_hash', tokens.slice(i, i + 1000))
        .whereNull('t.revoked_at')
        .where((q) => {
          void q.whereNull('t.expires_at').orWhere('t.expires_at', '>', now);
        })
        .where('u.active', true)
        .select('t.token_hash as id');
      for (const r of rows) live.add(r.id);
    }
    for (const socket of sockets) if (!live.has(socket.data.credential.hash)) socket.disconnect(true);
  }

  private async recheckRooms(sockets: RealtimeSocket[]): Promise<void> {
    const actors = new Map<string, Actor>();
    for (const socket of sockets) {
      const old = socket.data.actor;
      let actor = actors.get(old.id);
      if (!actor) {
        actor = { ...(await this.deps.auth.loadActor(old.id, old.kind === 'token' ? 'token' : 'user')) };
        actors.set(old.id, actor);
      }
      socket.data.actor = actor;
      for (const [name, room] of [...socket.data.rooms]) {
        const refused = await this.access.check(actor, room);
        if (!refused) continue;
        socket.data.rooms.delete(name);
        await socket.leave(name);
        socket.emit('room:revoked', { room: name, reason: refused.message });
      }
    }
  }
}

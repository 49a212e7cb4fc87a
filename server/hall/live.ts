import type { Server } from 'socket.io';
import type { EventBus, PublishedEvent } from '../workflow/outbox.js';
import type { Logger } from '../lib/logger.js';
import { readCookie, sameOrigin } from '../realtime/handshake.js';
import { APPLICATION_KINDS } from './application-steps.js';
import { HALL_SESSION_COOKIE } from './routes.js';
import type { CustomerAuthService } from './customer-auth.service.js';
import type { HallApplicationsService } from './applications.service.js';
import { HALL_NAMESPACE, type HallServerToClientEvents } from './live.contract.js';

const APPLICATION_DEFINITIONS = new Set<string>(Object.values(APPLICATION_KINDS));
const loginRoom = (loginId: string) => `login:${loginId}`;

/**
 * Pushes "your application moved" to the applicant's own room when an instance the hall started
 * commits a change. A socket joins only its login's room, decided at the handshake from the hall
 * session cookie; there is nothing to subscribe to, so no other room can be asked for. The event
 * carries only the application's id — the page reads the application again through the API,
 * which answers for the session's own applications only. With several nodes, each node handles
 * its own commits and the Socket.IO adapter relays the emit to the node holding the socket.
 */
export function attachHallLive(
  io: Server,
  bus: EventBus,
  deps: {
    auth: Pick<CustomerAuthService, 'fromSession'>;
    applications: Pick<HallApplicationsService, 'applicantOf'>;
    trustProxy: boolean;
    logger: Logger;
  },
): () => void {
  const namespace = io.of(HALL_NAMESPACE) as ReturnType<Server<Record<string, never>, HallServerToClientEvents>['of']>;
  namespace.use((socket, next) => {
    const token = readCookie(socket.handshake.headers.cookie, HALL_SESSION_COOKIE);
    if (!sameOrigin(socket.request, deps.trustProxy)) return next(new Error('FORBIDDEN_ORIGIN'));
    if (!token || token.length > 512) return next(new Error('UNAUTHENTICATED'));
    deps.auth
      .fromSession(token)
      .then(async (session) => {
        if (!session) return next(new Error('UNAUTHENTICATED'));
        await socket.join(loginRoom(session.loginId));
        next();
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'hall realtime handshake failed');
        next(new Error('INTERNAL'));
      });
  });

  // One push per instance per burst: a step commits several events (task completed, task created…).
  const pending = new Map<string, string | null | undefined>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const burst = [...pending];
    pending.clear();
    for (const [instanceId, known] of burst) {
      // Known when an event of the burst was made from the instance's variables (null: no
      // applicant); otherwise read now that the change has committed.
      const applicant = known === undefined ? deps.applications.applicantOf(instanceId) : Promise.resolve(known);
      applicant
        .then((loginId) => {
          if (loginId) namespace.to(loginRoom(loginId)).emit('application:moved', { applicationId: instanceId });
        })
        .catch((err: unknown) => deps.logger.warn({ err, instanceId }, 'hall realtime push failed'));
    }
  };
  const onEvent = (event: PublishedEvent) => {
    if (!event.instanceId || !event.definitionKey || !APPLICATION_DEFINITIONS.has(event.definitionKey)) return;
    if (event.applicantLoginId !== undefined) pending.set(event.instanceId, event.applicantLoginId);
    else if (!pending.has(event.instanceId)) pending.set(event.instanceId, undefined);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  bus.on('event', onEvent);
  return () => bus.off('event', onEvent);
}

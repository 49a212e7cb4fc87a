import { route, type Route } from '../http/route.js';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import type { Realtime } from './realtime.js';

/** Operators' view of this node's Socket.IO (the server is attached after the routes are built). */
export function realtimeRoutes(realtime: () => Realtime | null): Route[] {
  return [
    route({
      method: 'get',
      path: '/realtime/status',
      tag: 'Realtime',
      summary: "This node's connected sockets and rooms, and how many nodes share events through PostgreSQL",
      permission: { object: 'system', action: 'metrics' },
      response: z.object({
        sockets: z.number().int(),
        rooms: z.number().int(),
        nodes: z.number().int(),
        delivered: z.number().int(),
      }),
      async handle() {
        const r = realtime();
        if (!r) throw new AppError(503, 'REALTIME_UNAVAILABLE', 'realtime is not running');
        return r.status();
      },
    }),
  ];
}

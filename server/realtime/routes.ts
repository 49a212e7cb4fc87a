import { route, type Route } from '../http/route.js';
import { z } from 'zod';
import type { Realtime } from './realtime.js';

/** Operators' view of this node's Socket.IO. */
export function realtimeRoutes(realtime: Pick<Realtime, 'status'>): Route[] {
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
      handle: () => realtime.status(),
    }),
  ];
}

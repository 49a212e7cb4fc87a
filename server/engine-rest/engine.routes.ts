import { z } from 'zod';
import { route } from '../http/route.js';
import { ENGINE_REST_TAG, type EngineRestGroup } from './context.js';

/** The Camunda version this adapter follows (its REST reference), answered by GET /version. */
export const CAMUNDA_VERSION = '7.24.0';

/** GET /engine and GET /version: what Camunda Modeler and clients ask first. */
export const engineRoutes: EngineRestGroup = () => [
  route({
    method: 'get',
    path: '/engine',
    tag: ENGINE_REST_TAG,
    summary: 'The process engines: one, named "default"',
    response: z.array(z.object({ name: z.string() })),
    handle: () => Promise.resolve([{ name: 'default' }]),
  }),
  route({
    method: 'get',
    path: '/version',
    tag: ENGINE_REST_TAG,
    summary: 'The Camunda REST API version this adapter follows',
    response: z.object({ version: z.string() }),
    handle: () => Promise.resolve({ version: CAMUNDA_VERSION }),
  }),
];

import { z } from 'zod';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam, variablesSchema } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import {
  instanceDetailSchema,
  instanceSchema,
  instanceStatusSchema,
  operationSchema,
  startedInstanceSchema,
} from '../../workflow/instance.contract.js';
import { wholeList } from '../../workflow/paging.js';

export function instanceRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/process-instances',
      tag: 'Process instances',
      summary: 'Start an instance of the latest (definitionKey) or a given (definitionId) version',
      permission: { object: 'instance', action: 'start' },
      body: z
        .object({
          definitionKey: z.string().min(1).max(200).optional(),
          definitionId: z.guid().optional(),
          businessKey: z.string().min(1).max(200).optional(),
          departmentId: z.string().min(1).max(64).optional(),
          variables: variablesSchema.optional(),
        })
        .refine((b) => b.definitionKey || b.definitionId, {
          message: 'definitionKey or definitionId is required',
          path: ['definitionKey'],
        }),
      status: 201,
      response: startedInstanceSchema,
      handle: async ({ body, actor }) => s.instances.start(body, actor),
    }),
    route({
      method: 'get',
      path: '/process-instances',
      tag: 'Process instances',
      summary: 'List instances (newest first) with filters and paging',
      permission: { object: 'instance', action: 'read' },
      query: z.object({
        definitionKey: z.string().optional(),
        status: instanceStatusSchema.optional(),
        businessKey: z.string().optional(),
        departmentId: z.string().optional(),
        parentInstanceId: z.guid().optional(),
        ...pagingQuery,
      }),
      response: listSchema(instanceSchema),
      handle: async ({ query, actor }) => s.instances.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/process-instances/:id',
      tag: 'Process instances',
      summary: 'Read an instance: status, variables, waiting activities, tasks, history, incidents',
      permission: { object: 'instance', action: 'read' },
      params: uuidParam,
      response: instanceDetailSchema,
      handle: async ({ params, actor }) => s.instances.get(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/process-instances/:id/operations',
      tag: 'Process instances',
      summary: 'Who did what to an instance and its tasks, when',
      permission: { object: 'instance', action: 'read' },
      params: uuidParam,
      response: listSchema(operationSchema),
      handle: async ({ params, actor }) => wholeList(await s.instances.operations(params.id, actor)),
    }),
    route({
      method: 'post',
      path: '/process-instances/:id/cancel',
      tag: 'Process instances',
      summary: 'Cancel a running instance and the processes it called',
      permission: { object: 'instance', action: 'cancel' },
      params: uuidParam,
      body: z.object({ reason: z.string().max(500).optional() }),
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instances.cancel(params.id, body.reason, actor);
        return s.instances.get(params.id, actor);
      },
    }),
  ];
}

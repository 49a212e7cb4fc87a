import { z } from 'zod';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { booleanQuery, pagingQuery, uuidParam, variablesSchema } from './schemas.js';
import { taskCompletionSchema, taskListSchema, taskSchema } from '../../workflow/tasks.contract.js';

export function taskRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/tasks',
      tag: 'Tasks',
      summary: 'List the tasks the caller may see, with filters, sorting and paging',
      permission: { object: 'task', action: 'read' },
      query: z.object({
        status: z.enum(['open', 'completed', 'cancelled']).optional(),
        assignee: z.string().optional(),
        completedBy: z.string().optional(),
        candidateGroup: z.string().optional(),
        unassigned: booleanQuery.optional(),
        definitionKey: z.string().optional(),
        elementId: z.string().optional(),
        instanceId: z.uuid().optional(),
        businessKey: z.string().optional(),
        dueBefore: z.coerce.date().optional(),
        dueAfter: z.coerce.date().optional(),
        minPriority: z.coerce.number().int().optional(),
        sort: z.enum(['created', 'due', 'priority', 'completed']).optional(),
        order: z.enum(['asc', 'desc']).optional(),
        ...pagingQuery,
      }),
      response: taskListSchema,
      handle: async ({ query, actor }) => s.tasks.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/tasks/:id',
      tag: 'Tasks',
      summary: 'Read a task (404 when the caller may not see it)',
      permission: { object: 'task', action: 'read' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.read(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/claim',
      tag: 'Tasks',
      summary: 'Claim a task; 409 names who holds it when someone else does',
      permission: { object: 'task', action: 'claim' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.claim(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/unclaim',
      tag: 'Tasks',
      summary: 'Give a claimed task back to its candidates',
      permission: { object: 'task', action: 'claim' },
      params: uuidParam,
      response: taskSchema,
      handle: async ({ params, actor }) => s.tasks.unclaim(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/complete',
      tag: 'Tasks',
      summary: 'Complete a task the caller holds, with its variables',
      permission: { object: 'task', action: 'complete' },
      params: uuidParam,
      body: z.object({ variables: variablesSchema.optional() }),
      response: taskCompletionSchema,
      handle: async ({ params, body, actor }) => s.tasks.complete(params.id, body.variables ?? {}, actor),
    }),
    route({
      method: 'post',
      path: '/tasks/:id/assign',
      tag: 'Tasks',
      summary: 'Reassign a task to another user (team leaders, within their part of the organisation)',
      permission: { object: 'task', action: 'reassign' },
      params: uuidParam,
      body: z.object({ assignee: z.string().min(1).nullable() }),
      response: taskSchema,
      handle: async ({ params, body, actor }) => s.tasks.assign(params.id, body.assignee, actor),
    }),
  ];
}

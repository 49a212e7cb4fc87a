import { z } from 'zod';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam, variablesSchema } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import {
  instanceDetailSchema,
  instanceSchema,
  instanceSearchSchema,
  operationSchema,
  startedInstanceSchema,
} from '../../workflow/instance.contract.js';
import { wholeList } from '../../workflow/paging.js';
import {
  operationReasonSchema,
  variableChangeSchema,
  variablesPatchSchema,
  variablesPutSchema,
} from '../../workflow/instance-variables.contract.js';
import { commentSchema, instanceCommentBody } from '../../tasks/comments.contract.js';
import { departmentSchema } from '../../identity/department.contract.js';
import { departmentScope } from '../../access/department-subtree.js';

/** An operator's action on an instance says why (kept in the audit log and the instance's history). */
const reasonBody = z.object({ reason: operationReasonSchema });

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
      summary:
        'Search instances: by process and version, state (status, hasIncident, suspended, overdue), business key, customer, current step, department (and its subtree), start and end dates; sorted and paged',
      permission: { object: 'instance', action: 'read' },
      query: instanceSearchSchema.extend(pagingQuery),
      response: listSchema(instanceSchema),
      handle: async ({ query, actor }) => s.instances.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/departments',
      tag: 'Process instances',
      summary:
        'The departments whose instances the caller may read (instance:read), in tree order, with their Chinese and English names: the operations screens name departments and filter by them',
      permission: { object: 'instance', action: 'read' },
      response: listSchema(departmentSchema),
      handle: async ({ actor }) =>
        wholeList(
          await s.organisation.departmentsIn(await departmentScope(s.authorization, actor, 'instance', 'read')),
        ),
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
      summary: 'Cancel a running (or suspended) instance and the processes it called, saying why',
      permission: { object: 'instance', action: 'cancel' },
      params: uuidParam,
      body: reasonBody,
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instances.cancel(params.id, body.reason, actor);
        return s.instances.get(params.id, actor);
      },
    }),
    route({
      method: 'post',
      path: '/process-instances/:id/suspend',
      tag: 'Process instances',
      summary:
        'Suspend a running instance: no task completion, job, timer or message runs until it is resumed (Camunda 7 semantics)',
      permission: { object: 'instance', action: 'suspend' },
      params: uuidParam,
      body: reasonBody,
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instanceSuspension.suspend(params.id, body.reason, actor);
        return s.instances.get(params.id, actor);
      },
    }),
    route({
      method: 'post',
      path: '/process-instances/:id/resume',
      tag: 'Process instances',
      summary: 'Resume a suspended instance: timers and jobs that fell due meanwhile run now',
      permission: { object: 'instance', action: 'suspend' },
      params: uuidParam,
      body: reasonBody,
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instanceSuspension.resume(params.id, body.reason, actor);
        return s.instances.get(params.id, actor);
      },
    }),
    route({
      method: 'post',
      path: '/process-instances/:id/comments',
      tag: 'Process instances',
      summary:
        'Comment on an instance itself (at most 4 000 characters); listed with the comments on its tasks, audited, announced as instance:commented',
      permission: { object: 'instance', action: 'comment' },
      params: uuidParam,
      body: instanceCommentBody,
      response: commentSchema,
      status: 201,
      handle: ({ params, body, actor }) => s.instanceComments.add(params.id, body.body, actor),
    }),
    route({
      method: 'patch',
      path: '/process-instances/:id/variables',
      tag: 'Process instances',
      summary:
        'Set (typed, as the generic task form sends them) and remove variables of an instance, saying why; each change is kept in its variable history',
      permission: { object: 'instance', action: 'update' },
      params: uuidParam,
      body: variablesPatchSchema,
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instanceVariables.edit(params.id, body, false, actor);
        return s.instances.get(params.id, actor);
      },
    }),
    route({
      method: 'put',
      path: '/process-instances/:id/variables',
      tag: 'Process instances',
      summary: 'Replace the variables of an instance (those not named are removed), saying why',
      permission: { object: 'instance', action: 'update' },
      params: uuidParam,
      body: variablesPutSchema,
      response: instanceDetailSchema,
      async handle({ params, body, actor }) {
        await s.instanceVariables.edit(params.id, body, true, actor);
        return s.instances.get(params.id, actor);
      },
    }),
    route({
      method: 'get',
      path: '/process-instances/:id/variable-history',
      tag: 'Process instances',
      summary: 'Who changed which variable of the instance by hand, when, from what to what and why (newest first)',
      permission: { object: 'instance', action: 'read' },
      params: uuidParam,
      response: listSchema(variableChangeSchema),
      handle: async ({ params, actor }) => wholeList(await s.instanceVariables.history(params.id, actor)),
    }),
  ];
}

import { z } from 'zod';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { booleanQuery, uuidParam } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import {
  deployedFormSchema,
  formSchema,
  formSummarySchema,
  genericFormSchema,
  taskFormSchema,
} from '../../forms/form.contract.js';
import { wholeList } from '../../workflow/paging.js';

/** Task forms (form-js JSON) deployed with the processes, and the form of one task (issue 5 §7). */
export function formRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/forms',
      tag: 'Forms',
      summary: 'List deployed forms: the latest version of each id, or every version',
      permission: { object: 'definition', action: 'read' },
      query: z.object({ formId: z.string().max(100).optional(), allVersions: booleanQuery.optional() }),
      response: listSchema(formSummarySchema),
      handle: async ({ query }) =>
        wholeList(await s.deployments.forms.list({ formId: query.formId, allVersions: query.allVersions ?? false })),
    }),
    route({
      method: 'get',
      path: '/forms/:formId',
      tag: 'Forms',
      summary: 'Read a form: its latest version, or ?version=n',
      permission: { object: 'definition', action: 'read' },
      params: z.object({ formId: z.string().min(1).max(100) }),
      query: z.object({ version: z.coerce.number().int().min(1).optional() }),
      response: formSchema,
      handle: async ({ params, query }) => s.deployments.forms.get(params.formId, query.version),
    }),
    route({
      method: 'post',
      path: '/forms',
      tag: 'Forms',
      summary: 'Deploy form-js forms on their own (each a new version of its id unless unchanged)',
      permission: { object: 'deployment', action: 'create' },
      body: z.object({
        forms: z
          .array(z.union([z.record(z.string(), z.unknown()), z.string()]))
          .min(1)
          .max(200),
      }),
      status: 201,
      response: listSchema(deployedFormSchema),
      handle: async ({ body, actor }) => wholeList(await s.deployments.deployForms(body.forms, actor)),
    }),
    route({
      method: 'get',
      path: '/tasks/:id/form',
      tag: 'Tasks',
      summary: "A task's form: the form-js schema and the values it shows ({ schema, data })",
      permission: { object: 'task', action: 'read' },
      params: uuidParam,
      response: taskFormSchema,
      handle: async ({ params, actor }) => s.tasks.form(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/tasks/:id/variables',
      tag: 'Tasks',
      summary:
        "A task's variables with their types, for the generic form of a task without one of our forms; required: the ones the process reads",
      permission: { object: 'task', action: 'read' },
      params: uuidParam,
      response: genericFormSchema,
      handle: async ({ params, actor }) => s.tasks.genericForm(params.id, actor),
    }),
  ];
}

import { z } from 'zod';
import { noContent, route } from '../http/route.js';
import { AppError, NotFound } from '../lib/errors.js';
import { ENGINE_REST_TAG, type EngineRestGroup } from './context.js';
import { notFound } from './errors.js';
import { fromCamundaValue, fromCamundaVariables, variableValueSchema, variablesIn } from './variables.js';

const idParam = z.object({ id: z.string().min(1).max(100) });
const varParam = z.object({
  id: z.string().min(1).max(100),
  varName: z.string().regex(/^[A-Za-z_][\w]*$/, 'variable names are letters, digits and _'),
});

/** PUT/DELETE one variable, POST modifications + deletions: through InstanceVariablesService. */
export const instanceVariableWrites: EngineRestGroup = ({ services }) => {
  const modify = (
    id: string,
    set: Record<string, unknown>,
    removed: string[],
    actor: Parameters<typeof services.instanceVariables.modify>[3],
  ) =>
    services.instanceVariables.modify(id, set, removed, actor).catch((err: unknown) => {
      if (err instanceof NotFound) throw notFound(`Process instance with id ${id} does not exist`);
      if (err instanceof AppError && err.code === 'INSTANCE_NOT_RUNNING')
        throw notFound(`Process instance with id ${id} does not exist`);
      throw err;
    });
  const permission = { object: 'instance', action: 'read' };
  return [
    route({
      method: 'put',
      path: '/process-instance/:id/variables/:varName',
      tag: ENGINE_REST_TAG,
      summary: 'Set one variable of a process instance',
      permission,
      params: varParam,
      body: variableValueSchema,
      response: noContent,
      async handle({ params, body, actor }) {
        await modify(params.id, { [params.varName]: fromCamundaValue(params.varName, body) }, [], actor);
        return undefined;
      },
    }),
    route({
      method: 'delete',
      path: '/process-instance/:id/variables/:varName',
      tag: ENGINE_REST_TAG,
      summary: 'Remove one variable of a process instance',
      permission,
      params: varParam,
      response: noContent,
      async handle({ params, actor }) {
        await modify(params.id, {}, [params.varName], actor);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/process-instance/:id/variables',
      tag: ENGINE_REST_TAG,
      summary: 'Modify the variables of a process instance: set `modifications`, then remove `deletions`',
      permission,
      params: idParam,
      body: z.object({
        modifications: variablesIn.optional(),
        deletions: z.array(z.string().max(200)).max(1000).optional(),
      }),
      response: noContent,
      async handle({ params, body, actor }) {
        await modify(params.id, fromCamundaVariables(body.modifications), body.deletions ?? [], actor);
        return undefined;
      },
    }),
  ];
};

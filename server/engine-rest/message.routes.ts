import type { Context } from 'koa';
import { z } from 'zod';
import { Answer, route } from '../http/route.js';
import { AppError } from '../lib/errors.js';
import type { Correlation, CorrelateInput } from '../workflow/messages.service.js';
import { ENGINE_REST_TAG, type EngineRestGroup } from './context.js';
import { processInstanceDto, toProcessInstanceDto } from './dto.js';
import { CamundaError, invalidRequest } from './errors.js';
import { fromCamundaVariables, toCamundaVariables, variablesIn, variablesOut } from './variables.js';

/**
 * `POST /message` (Camunda 7.24 MessageRestService): deliver a message to the one waiting
 * execution or start the process whose message start event it names, or with `all` to every one
 * of them. Correlation looks only among the instances the caller may correlate into
 * (access/message-correlatable.ts): any other instance behaves as if it did not exist.
 */

/** CorrelationMessageDto. */
const correlationMessage = z.object({
  messageName: z.string().min(1).max(200).nullable().optional(),
  businessKey: z.string().max(200).nullable().optional(),
  tenantId: z.string().nullable().optional(),
  withoutTenantId: z.boolean().optional(),
  processInstanceId: z.string().max(100).nullable().optional(),
  correlationKeys: variablesIn.nullable().optional(),
  localCorrelationKeys: variablesIn.nullable().optional(),
  processVariables: variablesIn.nullable().optional(),
  processVariablesLocal: variablesIn.nullable().optional(),
  processVariablesToTriggeredScope: variablesIn.nullable().optional(),
  all: z.boolean().optional(),
  resultEnabled: z.boolean().optional(),
  variablesInResultEnabled: z.boolean().optional(),
});
type CorrelationMessage = z.infer<typeof correlationMessage>;

/** ExecutionDto. */
const executionDto = z.object({
  id: z.string(),
  processInstanceId: z.string(),
  ended: z.boolean(),
  tenantId: z.string().nullable(),
});

/** MessageCorrelationResultWithVariableDto (`variables` only when variablesInResultEnabled). */
const correlationResultDto = z.object({
  resultType: z.enum(['Execution', 'ProcessDefinition']),
  execution: executionDto.nullable(),
  processInstance: processInstanceDto.nullable(),
  variables: variablesOut.optional(),
});
type CorrelationResultDto = z.infer<typeof correlationResultDto>;

/** Camunda's answer to a correlation that did not reach exactly one execution or definition. */
function mismatching(message: string): CamundaError {
  // MessageRestServiceImpl wraps the engine's exception in a RestException (400): clients see its class name first.
  return new CamundaError(
    400,
    'RestException',
    `org.camunda.bpm.engine.MismatchingMessageCorrelationException: ${message}`,
  );
}

function correlationSet(dto: CorrelationMessage): string {
  const keys = (v: Record<string, unknown> | null | undefined) =>
    v
      ? `{${Object.entries(v)
          .map(([k, x]) => `${k}=${String((x as { value?: unknown }).value)}`)
          .join(', ')}}`
      : 'null';
  return (
    `CorrelationSet [businessKey=${dto.businessKey ?? null}, processInstanceId=${dto.processInstanceId ?? null}, ` +
    `processDefinitionId=null, correlationKeys=${keys(dto.correlationKeys)}, ` +
    `localCorrelationKeys=${keys(dto.localCorrelationKeys)}, tenantId=${dto.tenantId ?? null}, ` +
    `isTenantIdSet=${dto.tenantId != null || dto.withoutTenantId === true}, isExecutionsOnly=false]`
  );
}

/** The platform's errors of a correlation in Camunda's words (CorrelateMessageCmd, CommandLogger 030/031). */
function correlationErrors(dto: CorrelationMessage, name: string) {
  return (err: unknown): never => {
    if (err instanceof AppError && err.status === 404) {
      throw mismatching(
        `Cannot correlate message '${name}': No process definition or execution matches the parameters`,
      );
    }
    if (err instanceof AppError && err.code === 'MESSAGE_AMBIGUOUS') {
      const matches = Number(err.extra.matches ?? 2);
      const single =
        err.extra.of === 'definitions'
          ? `ENGINE-13030 Cannot correlate a message with name '${name}' to a single process definition. ${matches} process definitions match the correlations keys`
          : `ENGINE-13031 Cannot correlate a message with name '${name}' to a single execution. ${matches} executions match the correlation keys`;
      throw mismatching(`${single}: ${correlationSet(dto)}`);
    }
    throw err;
  };
}

function toResultDto(ctx: Context, done: Correlation, withVariables: boolean): CorrelationResultDto {
  const ended = done.instance.status !== 'running' && done.instance.status !== 'failed';
  const result: CorrelationResultDto =
    done.kind === 'delivered'
      ? {
          resultType: 'Execution',
          execution: { id: done.executionId, processInstanceId: done.instance.id, ended, tenantId: null },
          processInstance: null,
        }
      : { resultType: 'ProcessDefinition', execution: null, processInstance: toProcessInstanceDto(ctx, done.instance) };
  if (withVariables) result.variables = toCamundaVariables(done.instance.variables);
  return result;
}

/** The request in the platform's terms; local variables and keys are the instance's (README: differences). */
function toInput(dto: CorrelationMessage, name: string, departmentId: string | null): CorrelateInput {
  const keys = {
    ...fromCamundaVariables(dto.correlationKeys ?? {}),
    ...fromCamundaVariables(dto.localCorrelationKeys ?? {}),
  };
  const variables = {
    ...fromCamundaVariables(dto.processVariables ?? {}),
    ...fromCamundaVariables(dto.processVariablesToTriggeredScope ?? {}),
    ...fromCamundaVariables(dto.processVariablesLocal ?? {}),
  };
  return {
    name,
    businessKey: dto.businessKey ?? undefined,
    processInstanceId: dto.processInstanceId ?? undefined,
    correlationKeys: Object.keys(keys).length ? keys : undefined,
    variables: Object.keys(variables).length ? variables : undefined,
    // A process started by the message starts in the sender's department, as a started instance does here.
    departmentId: departmentId ?? undefined,
  };
}

export const messageRoutes: EngineRestGroup = ({ services }) => [
  route({
    method: 'post',
    path: '/message',
    tag: ENGINE_REST_TAG,
    summary:
      'Correlate a message to the one waiting execution or message start event (or with `all` to every one); 200 with the results when `resultEnabled`, else 204',
    permission: { object: 'message', action: 'correlate' },
    body: correlationMessage,
    response: z.array(correlationResultDto).optional(),
    otherStatuses: [204],
    async handle({ body, actor, ctx }) {
      const name = body.messageName;
      if (!name) throw invalidRequest('No message name supplied');
      if (body.tenantId != null && body.withoutTenantId) {
        throw invalidRequest("Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'.");
      }
      if (!body.resultEnabled && body.variablesInResultEnabled) {
        throw invalidRequest(
          "Parameter 'variablesInResultEnabled' cannot be used without 'resultEnabled' set to true.",
        );
      }
      const input = toInput(body, name, actor.departmentId);
      let done: Correlation[];
      if (body.tenantId != null) {
        // One tenant, and no tenant ids: nothing belongs to a named tenant.
        done = body.all ? [] : correlationErrors(body, name)(new AppError(404, 'NOT_FOUND', 'no tenant'));
      } else if (body.all) {
        done = await services.messages.correlateAll(input, actor);
      } else {
        done = [await services.messages.correlateOne(input, actor).catch(correlationErrors(body, name))];
      }
      if (!body.resultEnabled) return new Answer(204, undefined);
      return done.map((d) => toResultDto(ctx, d, body.variablesInResultEnabled === true));
    },
  }),
];

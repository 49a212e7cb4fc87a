import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { historicVariableInstanceDto, toHistoricVariableInstanceDto, type HistoricVariableRow } from './history.dto.js';
import {
  applySort,
  booleanParam,
  countSchema,
  idList,
  isUuid,
  pageOf,
  pagingParams,
  sortOrder,
  whereId,
} from './paging.js';

const bool = booleanParam.optional();
const query = z.object({
  variableName: z.string().optional(),
  variableNameLike: z.string().optional(),
  variableNameIn: idList.optional(),
  variableValue: z.string().optional(),
  variableNamesIgnoreCase: bool,
  variableValuesIgnoreCase: bool,
  variableTypeIn: idList.optional(),
  includeDeleted: bool,
  processInstanceId: z.string().optional(),
  processInstanceIdIn: idList.optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  executionIdIn: idList.optional(),
  caseInstanceId: z.string().optional(),
  caseExecutionIdIn: idList.optional(),
  caseActivityIdIn: idList.optional(),
  taskIdIn: idList.optional(),
  activityInstanceIdIn: idList.optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool,
  deserializeValues: bool,
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = { instanceId: 'i.id', variableName: 'v.name', tenantId: 'i.id' };

/** Camunda's value types → the JSON type the platform stores them as (variables.ts). */
const JSON_TYPES: Record<string, string[]> = {
  string: ['string'],
  date: ['string'],
  boolean: ['boolean'],
  integer: ['number'],
  long: ['number'],
  short: ['number'],
  double: ['number'],
  json: ['object', 'array'],
  object: ['object', 'array'],
  null: ['null'],
};

/** `expression IN (values)`; an empty list matches nothing. */
function whereAmong(q: Knex.QueryBuilder, expression: string, values: string[]): void {
  if (values.length === 0) q.whereRaw('false');
  else q.whereRaw(`${expression} IN (${values.map(() => '?').join(', ')})`, values);
}

function filter(q: Knex.QueryBuilder, f: Query): Knex.QueryBuilder {
  const names = f.variableNamesIgnoreCase ? 'lower(v.name)' : 'v.name';
  const name = (n: string) => (f.variableNamesIgnoreCase ? n.toLowerCase() : n);
  if (f.variableName) q.whereRaw(`${names} = ?`, [name(f.variableName)]);
  if (f.variableNameLike) q.whereRaw(`${names} LIKE ?`, [name(f.variableNameLike)]);
  if (f.variableNameIn) whereAmong(q, names, f.variableNameIn.map(name));
  if (f.variableValue !== undefined) {
    // A query parameter is text: it matches the text, or the number/boolean/JSON it spells.
    let parsed: unknown = f.variableValue;
    try {
      parsed = JSON.parse(f.variableValue);
    } catch {
      // plain text
    }
    if (f.variableValuesIgnoreCase) q.whereRaw(`lower(v.value #>> '{}') = lower(?)`, [f.variableValue]);
    else q.whereRaw(`(v.value = to_jsonb(?::text) OR v.value = ?::jsonb)`, [f.variableValue, JSON.stringify(parsed)]);
  }
  if (f.variableTypeIn) {
    const types = f.variableTypeIn.flatMap((t) => JSON_TYPES[t.toLowerCase()] ?? []);
    whereAmong(q, 'jsonb_typeof(v.value)', types);
  }
  whereId(q, 'i.id', f.processInstanceId);
  // Process variables live in the instance's own scope: its execution and activity instance carry its id.
  for (const ids of [f.processInstanceIdIn, f.executionIdIn, f.activityInstanceIdIn]) {
    if (ids) q.whereIn('i.id', ids.filter(isUuid));
  }
  whereId(q, 'i.definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('i.definition_key', f.processDefinitionKey);
  // No task-local variables, cases or tenants here: asking for them matches nothing.
  if (f.taskIdIn || f.caseInstanceId || f.caseExecutionIdIn || f.caseActivityIdIn || f.tenantIdIn?.length) {
    q.whereRaw('false');
  }
  return q;
}

/** The variables of the instances the actor may read (access/instance-readable.ts), one row each. */
async function readable(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const rule = await c.visibility.instanceReadable(actor);
  return {
    q: c.services
      .db('process_instances as i')
      .joinRaw('CROSS JOIN LATERAL jsonb_each(i.variables) AS v(name, value)')
      .where(rule.where('i')),
  };
}

/**
 * `GET /history/variable-instance` (+ `/count`): the process variables of the instances the caller
 * may read, running or ended. The platform keeps each instance's current variables, not their
 * history: one row per variable with its latest value (state CREATED).
 */
export const historyVariableInstanceRoutes: EngineRestGroup = (c) => {
  const permission = { object: 'instance', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/history/variable-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query historic variable instances (the current variables of instances the caller may read)',
      permission,
      query,
      response: z.array(historicVariableInstanceDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await readable(c, actor)).q, f);
        applySort(q, f, SORT, 'i.id').orderBy('v.name');
        const rows = (await q
          .select(
            'i.id as instance_id',
            'i.definition_id',
            'i.definition_key',
            'i.root_instance_id',
            'i.started_at',
            'v.name',
            'v.value',
          )
          .offset(offset)
          .limit(limit)) as HistoricVariableRow[];
        return rows.map(toHistoricVariableInstanceDto);
      },
    }),
    route({
      method: 'get',
      path: '/history/variable-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count historic variable instances',
      permission,
      query,
      response: countSchema,
      async handle({ query: f, actor }) {
        const [row] = await filter((await readable(c, actor)).q, f).count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
  ];
};

import { z } from 'zod';
import { camundaDate, toCamundaValue, variableValueOut } from './variables.js';
import { taskState } from './task.dto.js';

/**
 * Camunda's history DTOs over the platform's rows: process_instances (every status),
 * activity_history, tasks (open and ended) and the instances' current variables. Tenants, cases
 * and removal times do not exist here (null).
 */

const date = z.string().nullable();
const nullableString = z.string().nullable();

/** HistoricProcessInstanceDto. */
export const historicProcessInstanceDto = z.object({
  id: z.string(),
  rootProcessInstanceId: z.string(),
  superProcessInstanceId: nullableString,
  superCaseInstanceId: nullableString,
  caseInstanceId: nullableString,
  processDefinitionName: nullableString,
  processDefinitionKey: z.string(),
  processDefinitionVersion: z.number().int(),
  processDefinitionId: z.string(),
  businessKey: nullableString,
  startTime: date,
  endTime: date,
  removalTime: date,
  durationInMillis: z.number().int().nullable(),
  startUserId: nullableString,
  startActivityId: nullableString,
  deleteReason: nullableString,
  tenantId: nullableString,
  state: z.enum(['ACTIVE', 'SUSPENDED', 'COMPLETED', 'EXTERNALLY_TERMINATED', 'INTERNALLY_TERMINATED']),
  restartedProcessInstanceId: nullableString,
});

export interface HistoricInstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  definition_version: number;
  definition_name: string | null;
  business_key: string | null;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  started_at: Date | string;
  ended_at: Date | string | null;
  started_by: string;
  end_reason: string | null;
  parent_instance_id: string | null;
  root_instance_id: string | null;
  start_activity_id: string | null;
}

/** An instance halted by an incident still runs for Camunda (its runtime lists it too); a cancelled one was ended from outside. */
const STATE = {
  running: 'ACTIVE',
  failed: 'ACTIVE',
  completed: 'COMPLETED',
  cancelled: 'EXTERNALLY_TERMINATED',
} as const;

function millisBetween(from: Date | string, to: Date | string | null): number | null {
  if (to === null) return null;
  return new Date(to).getTime() - new Date(from).getTime();
}

export function toHistoricProcessInstanceDto(row: HistoricInstanceRow): z.infer<typeof historicProcessInstanceDto> {
  const state = STATE[row.status];
  const ended = state === 'ACTIVE' ? null : row.ended_at;
  return {
    id: row.id,
    rootProcessInstanceId: row.root_instance_id ?? row.id,
    superProcessInstanceId: row.parent_instance_id,
    superCaseInstanceId: null,
    caseInstanceId: null,
    processDefinitionName: row.definition_name,
    processDefinitionKey: row.definition_key,
    processDefinitionVersion: Number(row.definition_version),
    processDefinitionId: row.definition_id,
    businessKey: row.business_key,
    startTime: camundaDate(row.started_at),
    endTime: camundaDate(ended),
    removalTime: null,
    durationInMillis: millisBetween(row.started_at, ended),
    startUserId: row.started_by,
    startActivityId: row.start_activity_id,
    deleteReason: row.status === 'cancelled' ? row.end_reason : null,
    tenantId: null,
    state,
    restartedProcessInstanceId: null,
  };
}

/** HistoricActivityInstanceDto. */
export const historicActivityInstanceDto = z.object({
  id: z.string(),
  parentActivityInstanceId: nullableString,
  activityId: z.string(),
  activityName: nullableString,
  activityType: z.string(),
  processDefinitionKey: z.string(),
  processDefinitionId: z.string(),
  processInstanceId: z.string(),
  executionId: z.string(),
  taskId: nullableString,
  assignee: nullableString,
  calledProcessInstanceId: nullableString,
  calledCaseInstanceId: nullableString,
  startTime: date,
  endTime: date,
  durationInMillis: z.number().int().nullable(),
  canceled: z.boolean(),
  completeScope: z.boolean(),
  tenantId: nullableString,
  removalTime: date,
  rootProcessInstanceId: z.string(),
});

export interface HistoricActivityRow {
  execution_id: string;
  element_id: string;
  element_type: string;
  activity_name: string | null;
  message_start: boolean;
  definition_key: string;
  definition_id: string;
  instance_id: string;
  root_instance_id: string | null;
  started_at: Date | string;
  ended_at: Date | string | null;
  duration_ms: number | string | null;
  outcome: string | null;
  task_id: string | null;
  assignee: string | null;
  called_instance_id: string | null;
}

/** bpmn:X element types whose Camunda activity type is not simply `x` (ActivityTypes). */
const ACTIVITY_TYPES: Record<string, string> = {
  'bpmn:EndEvent': 'noneEndEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateNoneThrowEvent',
};

/** Camunda's activity type of a BPMN element type (`bpmn:UserTask` → `userTask`). */
export function activityType(elementType: string, messageStart = false): string {
  if (elementType === 'bpmn:StartEvent' && messageStart) return 'messageStartEvent';
  const known = ACTIVITY_TYPES[elementType];
  if (known) return known;
  const local = elementType.replace(/^bpmn:/, '');
  return local.charAt(0).toLowerCase() + local.slice(1);
}

/** The element types (and whether a message start) a Camunda activity type names; the inverse of activityType. */
export function elementTypeOf(type: string): { elementType: string; messageStart?: boolean } {
  if (type === 'messageStartEvent') return { elementType: 'bpmn:StartEvent', messageStart: true };
  if (type === 'startEvent') return { elementType: 'bpmn:StartEvent', messageStart: false };
  const known = Object.entries(ACTIVITY_TYPES).find(([, camunda]) => camunda === type);
  if (known) return { elementType: known[0] };
  return { elementType: `bpmn:${type.charAt(0).toUpperCase()}${type.slice(1)}` };
}

export function toHistoricActivityInstanceDto(row: HistoricActivityRow): z.infer<typeof historicActivityInstanceDto> {
  const canceled = row.outcome === 'cancelled' || row.outcome === 'discarded' || row.outcome === 'interrupted';
  return {
    id: row.execution_id,
    // The platform keeps no activity-instance tree: every activity hangs off its process instance.
    parentActivityInstanceId: row.instance_id,
    activityId: row.element_id,
    activityName: row.activity_name,
    activityType: activityType(row.element_type, row.message_start),
    processDefinitionKey: row.definition_key,
    processDefinitionId: row.definition_id,
    processInstanceId: row.instance_id,
    executionId: row.execution_id,
    taskId: row.task_id,
    assignee: row.assignee,
    calledProcessInstanceId: row.called_instance_id,
    calledCaseInstanceId: null,
    startTime: camundaDate(row.started_at),
    endTime: camundaDate(row.ended_at),
    durationInMillis: row.duration_ms === null ? null : Number(row.duration_ms),
    canceled,
    completeScope: row.element_type === 'bpmn:EndEvent' && row.outcome === 'completed',
    tenantId: null,
    removalTime: null,
    rootProcessInstanceId: row.root_instance_id ?? row.instance_id,
  };
}

/** HistoricTaskInstanceDto. */
export const historicTaskInstanceDto = z.object({
  id: z.string(),
  processDefinitionKey: z.string(),
  processDefinitionId: z.string(),
  processInstanceId: z.string(),
  executionId: z.string(),
  caseDefinitionKey: nullableString,
  caseDefinitionId: nullableString,
  caseInstanceId: nullableString,
  caseExecutionId: nullableString,
  activityInstanceId: z.string(),
  name: nullableString,
  description: nullableString,
  deleteReason: nullableString,
  owner: nullableString,
  assignee: nullableString,
  startTime: date,
  endTime: date,
  duration: z.number().int().nullable(),
  taskDefinitionKey: z.string(),
  priority: z.number().int(),
  due: date,
  parentTaskId: nullableString,
  followUp: date,
  tenantId: nullableString,
  removalTime: date,
  rootProcessInstanceId: z.string(),
  taskState: nullableString,
});

export interface HistoricTaskRow {
  id: string;
  definition_key: string;
  definition_id: string;
  instance_id: string;
  root_instance_id: string | null;
  execution_id: string;
  element_id: string;
  name: string | null;
  owner: string | null;
  assignee: string | null;
  status: 'open' | 'completed' | 'cancelled';
  created_at: Date | string;
  completed_at: Date | string | null;
  due_at: Date | string | null;
  follow_up_at: Date | string | null;
  priority: number;
}

export function toHistoricTaskInstanceDto(row: HistoricTaskRow): z.infer<typeof historicTaskInstanceDto> {
  const ended = row.status === 'open' ? null : row.completed_at;
  return {
    id: row.id,
    processDefinitionKey: row.definition_key,
    processDefinitionId: row.definition_id,
    processInstanceId: row.instance_id,
    executionId: row.execution_id,
    caseDefinitionKey: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    activityInstanceId: row.execution_id,
    name: row.name,
    description: null,
    // Camunda's delete reasons of a task: "completed", or "deleted" when its scope ended without it.
    deleteReason: row.status === 'completed' ? 'completed' : row.status === 'cancelled' ? 'deleted' : null,
    owner: row.owner,
    assignee: row.assignee,
    startTime: camundaDate(row.created_at),
    endTime: camundaDate(ended),
    duration: millisBetween(row.created_at, ended),
    taskDefinitionKey: row.element_id,
    priority: Number(row.priority),
    due: camundaDate(row.due_at),
    parentTaskId: null,
    followUp: camundaDate(row.follow_up_at),
    tenantId: null,
    removalTime: null,
    rootProcessInstanceId: row.root_instance_id ?? row.instance_id,
    taskState: taskState(row),
  };
}

/** HistoricVariableInstanceDto (VariableValueDto plus where the variable lives). */
export const historicVariableInstanceDto = variableValueOut.extend({
  id: z.string(),
  name: z.string(),
  processDefinitionKey: z.string(),
  processDefinitionId: z.string(),
  processInstanceId: z.string(),
  executionId: z.string(),
  activityInstanceId: z.string(),
  caseDefinitionKey: nullableString,
  caseDefinitionId: nullableString,
  caseInstanceId: nullableString,
  caseExecutionId: nullableString,
  taskId: nullableString,
  tenantId: nullableString,
  errorMessage: nullableString,
  state: z.enum(['CREATED', 'DELETED']),
  createTime: date,
  removalTime: date,
  rootProcessInstanceId: z.string(),
});

export interface HistoricVariableRow {
  instance_id: string;
  definition_id: string;
  definition_key: string;
  root_instance_id: string | null;
  started_at: Date | string;
  name: string;
  value: unknown;
}

/** A process variable's id: the platform keeps variables by name on the instance, not as rows. */
export const variableId = (instanceId: string, name: string) => `${instanceId}:${name}`;

export function toHistoricVariableInstanceDto(row: HistoricVariableRow): z.infer<typeof historicVariableInstanceDto> {
  return {
    ...toCamundaValue(row.value),
    id: variableId(row.instance_id, row.name),
    name: row.name,
    processDefinitionKey: row.definition_key,
    processDefinitionId: row.definition_id,
    processInstanceId: row.instance_id,
    // Process variables live in the process instance's own scope: its execution and activity instance share its id.
    executionId: row.instance_id,
    activityInstanceId: row.instance_id,
    caseDefinitionKey: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: null,
    tenantId: null,
    errorMessage: null,
    state: 'CREATED',
    // Not kept per variable: the instance's start.
    createTime: camundaDate(row.started_at),
    removalTime: null,
    rootProcessInstanceId: row.root_instance_id ?? row.instance_id,
  };
}

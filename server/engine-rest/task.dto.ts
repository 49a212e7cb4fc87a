import { z } from 'zod';
import { camundaDate } from './variables.js';

/** Camunda's TaskDto (runtime) over a row of the platform's `tasks`. */
export const taskDto = z.object({
  id: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  owner: z.string().nullable(),
  created: z.string().nullable(),
  lastUpdated: z.string().nullable(),
  due: z.string().nullable(),
  followUp: z.string().nullable(),
  delegationState: z.enum(['PENDING', 'RESOLVED']).nullable(),
  description: z.string().nullable(),
  executionId: z.string().nullable(),
  parentTaskId: z.string().nullable(),
  priority: z.number().int(),
  processDefinitionId: z.string(),
  processInstanceId: z.string(),
  caseExecutionId: z.string().nullable(),
  caseDefinitionId: z.string().nullable(),
  caseInstanceId: z.string().nullable(),
  taskDefinitionKey: z.string(),
  suspended: z.boolean(),
  formKey: z.string().nullable(),
  camundaFormRef: z.object({ key: z.string(), binding: z.string(), version: z.number().int().nullable() }).nullable(),
  tenantId: z.string().nullable(),
  taskState: z.string().nullable(),
});
export type TaskDto = z.infer<typeof taskDto>;

export const TASK_DTO_COLUMNS = [
  'id',
  'name',
  'assignee',
  'owner',
  'delegation_state',
  'created_at',
  'claimed_at',
  'completed_at',
  'due_at',
  'follow_up_at',
  'execution_id',
  'priority',
  'definition_id',
  'instance_id',
  'element_id',
  'form_key',
  'status',
  'candidate_groups',
  'candidate_users',
  'department_id',
];

export interface TaskDtoRow {
  id: string;
  name: string | null;
  assignee: string | null;
  owner: string | null;
  delegation_state: 'pending' | 'resolved' | null;
  created_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
  due_at: Date | string | null;
  follow_up_at: Date | string | null;
  execution_id: string;
  priority: number;
  definition_id: string;
  instance_id: string;
  element_id: string;
  form_key: string | null;
  status: 'open' | 'completed' | 'cancelled';
  candidate_groups: string[];
  candidate_users: string[];
  department_id: string | null;
}

/** Camunda's task states (7.21+): Created, Assigned, Completed, Deleted. */
export function taskState(row: Pick<TaskDtoRow, 'status' | 'assignee'>): string {
  if (row.status === 'completed') return 'Completed';
  if (row.status === 'cancelled') return 'Deleted';
  return row.assignee ? 'Assigned' : 'Created';
}

export function toTaskDto(row: TaskDtoRow): TaskDto {
  return {
    id: row.id,
    name: row.name,
    assignee: row.assignee,
    owner: row.owner,
    created: camundaDate(row.created_at),
    lastUpdated: camundaDate(row.completed_at ?? row.claimed_at ?? row.created_at),
    due: camundaDate(row.due_at),
    followUp: camundaDate(row.follow_up_at),
    delegationState: row.delegation_state ? (row.delegation_state.toUpperCase() as 'PENDING' | 'RESOLVED') : null,
    description: null,
    executionId: row.execution_id,
    parentTaskId: null,
    priority: Number(row.priority),
    processDefinitionId: row.definition_id,
    processInstanceId: row.instance_id,
    caseExecutionId: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    taskDefinitionKey: row.element_id,
    suspended: false,
    formKey: row.form_key,
    camundaFormRef: null,
    tenantId: null,
    taskState: taskState(row),
  };
}

/**
 * Response shapes of the monitoring API that the server and the browser app share (`modeler/`
 * imports them with `import type`). Types only: no runtime imports, no Node or knex types.
 *
 * `Time` is how a timestamp is held: the service fills it with what the database driver returns
 * (a `Date` on PostgreSQL), and JSON carries it as an ISO 8601 string, the default the browser reads.
 */

/** Durations in one period, from a histogram (server/monitoring/histogram.ts). */
export interface DurationStats {
  count: number;
  avgMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** One timed element of the diagram: tokens now, durations and SLA in the period (GET /monitoring/activities). */
export interface ElementFigures<Time = string> {
  elementId: string;
  name: string;
  type: string | null;
  userTask: boolean;
  tokens: number;
  unclaimed: number;
  claimed: number;
  overdue: number;
  oldestStartedAt: Time | null;
  ageMs: number;
  duration: DurationStats;
  waiting: DurationStats;
  working: DurationStats;
  sla: { onTime: number; breached: number; breachShare: number | null };
}

/** A first reading of where time goes at a step. */
export interface BottleneckCause {
  kind: 'capacity' | 'slow-person' | 'process-step' | 'none';
  username?: string;
}

/** A step with time lost, the people's pace there and the likely cause (GET /monitoring/bottlenecks). */
export interface Bottleneck<Time = string> extends ElementFigures<Time> {
  timeLostMs: number;
  people: { username: string; completed: number; avgWorkMs: number }[];
  cause: BottleneckCause;
}

/** Open tasks per person and per candidate group in scope (GET /monitoring/workload). */
export interface Workload<Time = string> {
  /** The departments in scope; null = every department. */
  departmentIds: string[] | null;
  people: { username: string; displayName: string | null; open: number; overdue: number; oldestCreatedAt: Time }[];
  /** `group` is the candidate group (a role code); `name`/`nameEn` the role's names, null for a non-role group. */
  groups: {
    group: string;
    name: string | null;
    nameEn: string | null;
    unclaimed: number;
    overdue: number;
    oldestCreatedAt: Time;
  }[];
}

export type AlertKind = 'due-soon' | 'breached';

/** An open task due within the horizon or overdue, with its acknowledgement (GET /monitoring/alerts). */
export interface AlertTask<Time = string> {
  subject_type: 'task';
  task_id: string;
  instance_id: string;
  name: string | null;
  element_id: string;
  definition_key: string;
  department_id: string | null;
  assignee: string | null;
  assignee_name: string | null;
  candidate_groups: string[];
  due_at: Time;
  created_at: Time;
  business_key: string | null;
  kind: AlertKind;
  acknowledged_by: string | null;
  acknowledged_at: Time | null;
}

/** A running instance due within the horizon or overdue. */
export interface AlertInstance<Time = string> {
  subject_type: 'instance';
  instance_id: string;
  definition_key: string;
  department_id: string | null;
  business_key: string | null;
  due_at: Time;
  started_at: Time;
  kind: AlertKind;
  acknowledged_by: string | null;
  acknowledged_at: Time | null;
}

/** The lists stop at the query's limit; `breached` and `dueSoon` count everything in scope. */
export interface Alerts<Time = string> {
  now: Time;
  horizonMs: number;
  breached: number;
  dueSoon: number;
  tasks: AlertTask<Time>[];
  instances: AlertInstance<Time>[];
}

/** The seeded roles. Administrators may add more through the admin API. */
export const BUILTIN_ROLES = [
  { code: 'admin', name: '系统管理员', nameEn: 'Administrator' },
  { code: 'process_designer', name: '流程设计员', nameEn: 'Process designer' },
  { code: 'acceptance_clerk', name: '业务受理员', nameEn: 'Business acceptance clerk' },
  { code: 'site_surveyor', name: '现场勘查员', nameEn: 'Site surveyor' },
  { code: 'meter_technician', name: '计量技术员', nameEn: 'Meter technician' },
  { code: 'billing_auditor', name: '电费审核员', nameEn: 'Billing auditor' },
  { code: 'collection_clerk', name: '催费员', nameEn: 'Collection clerk' },
  { code: 'account_manager', name: '客户经理', nameEn: 'Account manager' },
  { code: 'team_leader', name: '班组长', nameEn: 'Team leader' },
  { code: 'department_manager', name: '部门经理', nameEn: 'Department manager' },
  { code: 'hq_supervisor', name: '总部监管员', nameEn: 'Headquarters supervisor' },
  { code: 'external_task_worker', name: '外部任务执行器', nameEn: 'External task worker' },
] as const;

export type BuiltinRole = (typeof BUILTIN_ROLES)[number]['code'];

/** Objects and actions the platform asks about. A policy row naming anything else is refused. */
export const PERMISSIONS = {
  deployment: ['create', 'read'],
  definition: ['read'],
  decision: ['read', 'evaluate'],
  /**
   * `suspend` suspends and resumes; `update` edits variables by hand; `modify` cancels and starts
   * activities of a running instance, `migrate` moves it to another version (administrators only);
   * `comment` adds an operator's remark to it.
   */
  instance: ['start', 'read', 'cancel', 'suspend', 'update', 'modify', 'migrate', 'comment'],
  task: ['read', 'claim', 'complete', 'reassign'],
  message: ['correlate'],
  incident: ['read', 'retry'],
  job: ['read', 'execute'],
  /** Camunda external tasks: `work` fetches, locks and completes them; `retry` sets their retries. */
  'external-task': ['read', 'work', 'retry'],
  dashboard: ['read'],
  /** The report centre's reports (server/reports), over the departments where it is granted. */
  report: ['read'],
  customer: ['read', 'write'],
  metering: ['read', 'write'],
  billing: ['read', 'write', 'run'],
  payment: ['write'],
  /** Batches of operations over many instances (cancel, retry, set variables, migrate). */
  batch: ['read', 'create'],
  audit: ['read'],
  notification: ['read'],
  /** The high-risk register: `read` it in one's subtree; HQ `manage`s the industry list, groups, orders. */
  risk: ['screen', 'read', 'manage'],
  /** The grid view (server/grid): `read` the network and line loss, `write` moves meters and sends outage notices. */
  grid: ['read', 'write'],
  admin: ['manage'],
  system: ['metrics'],
} as const;

export type PermissionObject = keyof typeof PERMISSIONS;
export type PermissionAction<O extends PermissionObject = PermissionObject> = (typeof PERMISSIONS)[O][number];

export function isKnownPermission(object: string, action: string): boolean {
  if (object === '*') return action === '*';
  const actions = (PERMISSIONS as Record<string, readonly string[]>)[object];
  return !!actions && (action === '*' || actions.includes(action));
}

import { translate, type Locale } from './i18n';

/**
 * The server's refusals in the reader's language. The server answers problem+json with a stable
 * `code` and an English sentence for logs and API clients ("no active user nobody.xx", "you may
 * not read dashboard"); staff read the code, its details and the parsed refusal in their words.
 * Codes this table does not know fall back to a sentence by status, never the raw English in
 * Chinese mode (English mode keeps the server's sentence, which is English already).
 */
export const errorMessages: { zh: Record<string, string>; en: Record<string, string> } = {
  zh: {
    'error.action.read': '查看',
    'error.action.write': '修改',
    'error.action.create': '创建',
    'error.action.run': '执行',
    'error.action.start': '发起',
    'error.action.cancel': '取消',
    'error.action.suspend': '挂起',
    'error.action.modify': '调整',
    'error.action.migrate': '迁移',
    'error.action.comment': '备注',
    'error.action.update': '修改',
    'error.action.claim': '签收',
    'error.action.complete': '办理',
    'error.action.reassign': '改派',
    'error.action.evaluate': '执行',
    'error.action.retry': '重试',
    'error.action.work': '处理',
    'error.action.correlate': '关联',
    'error.action.screen': '筛查',
    'error.action.manage': '管理',
    'error.action.delete': '删除',
    'error.action.deploy': '部署',
    'error.object.dashboard': '运行看板',
    'error.object.task': '任务',
    'error.object.instance': '流程实例',
    'error.object.instances': '流程实例',
    'error.object.definition': '流程定义',
    'error.object.deployment': '流程部署',
    'error.object.customer': '客户档案',
    'error.object.billing': '电费',
    'error.object.audit': '审计日志',
    'error.object.batch': '批量操作',
    'error.object.decision': '决策表',
    'error.object.incident': '异常',
    'error.object.job': '作业',
    'error.object.message': '消息',
    'error.object.metering': '计量',
    'error.object.notification': '通知',
    'error.object.payment': '缴费',
    'error.object.risk': '风险预警',
    'error.object.external-task': '外部任务',
    'error.object.admin': '系统管理',
    'error.object.user': '用户',
    'error.object.role': '角色',
    'error.object.policy': '授权',
    'error.object.department': '部门',
    'error.object.filters': '筛选条件',
    'error.object.report': '报表',
    'error.forbidden': '您没有执行此操作的权限。',
    'error.forbidden.of': '您没有{action}{object}的权限。',
    'error.unknownUser': '找不到这位同事，或其账号已停用。',
    'error.network': '无法连接服务器，请检查网络后重试。',
    'error.invalid': '提交的内容有误，请检查后重试。',
    'error.notFound': '找不到该记录，它可能已被删除。',
    'error.conflict': '该记录已被他人更改，请刷新后重试。',
    'error.tooLarge': '内容过大，无法提交。',
    'error.tooMany': '操作过于频繁，请稍后再试。',
    'error.server': '服务器出错（{status}），请稍后再试。',
    'error.code.TASK_NOT_OPEN': '该任务已办结或已取消。',
    'error.code.TASK_NOT_CLAIMED': '请先签收该任务。',
    'error.code.NOT_A_CANDIDATE': '您不是该任务的办理人或候选人。',
    'error.code.INSTANCE_NOT_RUNNING': '该流程实例已结束。',
    'error.code.INSTANCE_SUSPENDED': '该流程实例已挂起。',
    'error.code.CSRF_FAILED': '页面已过期，请刷新后重试。',
    'error.code.ACCOUNT_INACTIVE': '该账号已停用。',
    'error.code.ACCOUNT_LOCKED': '该账号已锁定。',
    'error.code.UNAUTHENTICATED': '会话已结束，请重新登录。',
    'error.code.USERNAME_TAKEN': '该用户名已被使用。',
    'error.code.WEAK_PASSWORD': '密码强度不足：至少 8 位，须同时含字母和数字。',
    'error.code.LAST_ADMINISTRATOR': '不能停用或降级最后一位系统管理员。',
    'error.code.ROLE_EXISTS': '该角色编码已存在。',
    'error.code.DEPARTMENT_EXISTS': '该部门编码已存在。',
    'error.code.POLICY_EXISTS': '该授权已存在。',
    'error.code.INVALID_GROUP_TREE': '部门不能挂在自己或下级部门之下。',
    'error.code.MAY_NOT_SHARE_FILTER': '您不能把筛选条件共享给该部门。',
    'error.code.NOT_FILTER_OWNER': '只有创建人可以删除该筛选条件。',
    'error.code.TOO_MANY_FILTERS': '保存的筛选条件已达上限。',
    'error.code.DRAFT_STALE': '草稿已被更新，请刷新后再保存。',
    'error.code.EXTERNAL_NAME_EXISTS': '该外部名称已有映射。',
    'error.code.BODY_NOT_JSON': '提交的内容格式有误。',
    'error.code.LINT_FAILED': '流程检查未通过，请先修正列出的问题。',
  },
  en: {
    'error.action.read': 'read',
    'error.action.write': 'change',
    'error.action.create': 'create',
    'error.action.run': 'run',
    'error.action.start': 'start',
    'error.action.cancel': 'cancel',
    'error.action.suspend': 'suspend',
    'error.action.modify': 'modify',
    'error.action.migrate': 'migrate',
    'error.action.comment': 'comment on',
    'error.action.update': 'change',
    'error.action.claim': 'claim',
    'error.action.complete': 'complete',
    'error.action.reassign': 'reassign',
    'error.action.evaluate': 'evaluate',
    'error.action.retry': 'retry',
    'error.action.work': 'work on',
    'error.action.correlate': 'correlate',
    'error.action.screen': 'screen',
    'error.action.manage': 'manage',
    'error.action.delete': 'delete',
    'error.action.deploy': 'deploy',
    'error.object.dashboard': 'the dashboard',
    'error.object.task': 'tasks',
    'error.object.instance': 'process instances',
    'error.object.instances': 'process instances',
    'error.object.definition': 'process definitions',
    'error.object.deployment': 'deployments',
    'error.object.customer': 'customers',
    'error.object.billing': 'billing',
    'error.object.audit': 'the audit log',
    'error.object.batch': 'batch operations',
    'error.object.decision': 'decision tables',
    'error.object.incident': 'incidents',
    'error.object.job': 'jobs',
    'error.object.message': 'messages',
    'error.object.metering': 'metering',
    'error.object.notification': 'notifications',
    'error.object.payment': 'payments',
    'error.object.risk': 'risk warnings',
    'error.object.external-task': 'external tasks',
    'error.object.admin': 'administration',
    'error.object.user': 'users',
    'error.object.role': 'roles',
    'error.object.policy': 'policies',
    'error.object.department': 'departments',
    'error.object.filters': 'filters',
    'error.object.report': 'reports',
    'error.forbidden': 'You may not do this.',
    'error.forbidden.of': 'You may not {action} {object}.',
    'error.unknownUser': 'No active colleague by that name.',
    'error.network': 'The server cannot be reached; check the network and try again.',
    'error.invalid': 'Something in the input is wrong; check it and try again.',
    'error.notFound': 'Not found: it may have been removed.',
    'error.conflict': 'Someone else changed this; reload and try again.',
    'error.tooLarge': 'Too large to send.',
    'error.tooMany': 'Too many attempts; try again later.',
    'error.server': 'The server failed ({status}); try again later.',
    'error.code.TASK_NOT_OPEN': 'This task is already completed or cancelled.',
    'error.code.TASK_NOT_CLAIMED': 'Claim the task first.',
    'error.code.NOT_A_CANDIDATE': 'You are neither the assignee nor a candidate of this task.',
    'error.code.INSTANCE_NOT_RUNNING': 'This process instance has ended.',
    'error.code.INSTANCE_SUSPENDED': 'This process instance is suspended.',
    'error.code.CSRF_FAILED': 'The page is out of date; reload it and try again.',
    'error.code.ACCOUNT_INACTIVE': 'This account is deactivated.',
    'error.code.ACCOUNT_LOCKED': 'This account is locked.',
    'error.code.UNAUTHENTICATED': 'Your session ended; please log in again.',
    'error.code.USERNAME_TAKEN': 'This user name is taken.',
    'error.code.WEAK_PASSWORD': 'The password is too weak: at least 8 characters with letters and digits.',
    'error.code.LAST_ADMINISTRATOR': 'The last administrator cannot be deactivated or lose the role.',
    'error.code.ROLE_EXISTS': 'A role with this code exists.',
    'error.code.DEPARTMENT_EXISTS': 'A department with this code exists.',
    'error.code.POLICY_EXISTS': 'This grant exists already.',
    'error.code.INVALID_GROUP_TREE': 'A department cannot sit under itself or one of its own.',
    'error.code.MAY_NOT_SHARE_FILTER': 'You may not share filters with that department.',
    'error.code.NOT_FILTER_OWNER': 'Only its owner may delete this filter.',
    'error.code.TOO_MANY_FILTERS': 'You have saved the most filters allowed.',
    'error.code.DRAFT_STALE': 'The draft changed meanwhile; reload before saving.',
    'error.code.EXTERNAL_NAME_EXISTS': 'This external name is mapped already.',
    'error.code.BODY_NOT_JSON': 'The request could not be read.',
    'error.code.LINT_FAILED': 'The process does not pass the checks; fix the problems listed.',
  },
};

export interface ServerRefusal {
  status: number;
  code: string;
  message: string;
  details: { field?: string; reason: string }[];
}

const FORBIDDEN = /^you may not ([a-z-]+) ([a-z-]+)(?: (?:in|of) \S+)?$/;
const USER_FIELDS = new Set(['assignee', 'userId', 'body.userId', 'body.assignee', 'delegate', 'username']);

/** Codes whose own sentence says it all (error.code.<CODE> in the bundle below). */
const KNOWN = new Set(Object.keys(errorMessages.zh).flatMap((k) => (k.startsWith('error.code.') ? [k.slice(11)] : [])));

export function describeRefusal(locale: Locale, refusal: ServerRefusal): string {
  const t = (key: string, params?: Record<string, string>) => translate(locale, key, params);
  const { status, code, message, details } = refusal;
  if (code === 'FORBIDDEN') {
    const match = FORBIDDEN.exec(message);
    if (match) {
      const [, action = '', object = ''] = match;
      const actionKey = `error.action.${action}`;
      const objectKey = `error.object.${object}`;
      const known = translate(locale, actionKey) !== actionKey && translate(locale, objectKey) !== objectKey;
      if (known) return t('error.forbidden.of', { action: t(actionKey), object: t(objectKey) });
    }
    return t('error.forbidden');
  }
  if (code === 'VALIDATION_FAILED' && details.some((d) => d.reason === 'unknown' && USER_FIELDS.has(d.field ?? '')))
    return t('error.unknownUser');
  if (KNOWN.has(code)) return t(`error.code.${code}`);
  if (locale === 'en' && message) return message;
  if (status === 0) return t('error.network');
  if (status === 400) return t('error.invalid');
  if (status === 403) return t('error.forbidden');
  if (status === 404) return t('error.notFound');
  if (status === 409) return t('error.conflict');
  if (status === 413) return t('error.tooLarge');
  if (status === 429) return t('error.tooMany');
  return t('error.server', { status: String(status) });
}

/**
 * The platform's lint messages, once for the server and the browser. A rule reports the English
 * text (what the deploy refusal carries) together with its code and parameters, so the designer
 * can show the same finding in the user's language.
 */
export const LINT_MESSAGES = {
  'user-task.no-candidates': {
    en: 'User task "{name}" needs candidate groups, candidate users or an assignee',
    zh: '用户任务“{name}”需要设置候选组、候选用户或办理人',
  },
  'user-task.unknown-group': {
    en: 'User task "{name}": candidate group "{value}" is not a role of the platform',
    zh: '用户任务“{name}”：候选组“{value}”不是平台中的角色',
  },
  'user-task.unknown-user': {
    en: 'User task "{name}": "{value}" is not a user of the platform',
    zh: '用户任务“{name}”：“{value}”不是平台中的用户',
  },
  'user-task.no-form': {
    en: 'User task "{name}" needs a form (formKey)',
    zh: '用户任务“{name}”需要关联表单（formKey）',
  },
  'user-task.unknown-form': {
    en: 'User task "{name}": form "{value}" is neither deployed nor part of this deployment',
    zh: '用户任务“{name}”：表单“{value}”既未部署，也不在本次部署中',
  },
  'service.missing': {
    en: 'Service task "{name}" must name a registered service as its delegate expression',
    zh: '服务任务“{name}”必须以委托表达式指定一个已注册的服务',
  },
  'service.unknown': {
    en: 'Service task "{name}": service "{value}" is not in the platform\'s service registry',
    zh: '服务任务“{name}”：服务“{value}”不在平台的服务注册表中',
  },
  'script-task.forbidden': {
    en: 'Script task "{name}" is not allowed: scripts cannot run on this platform; use a service task',
    zh: '不允许使用脚本任务“{name}”：平台不运行脚本，请改用服务任务',
  },
  'gateway.incomplete-conditions': {
    en: 'Exclusive gateway "{name}" needs a default flow or a condition on every outgoing flow',
    zh: '排他网关“{name}”需要一条默认流，或为每条出口流设置条件',
  },
  'deadline.invalid': {
    en: '"{name}": {field} "{value}" is not a deadline (an ISO date or duration, wd:<N>, sla:<step> or an expression)',
    zh: '“{name}”：{field}“{value}”不是有效的期限（ISO 日期或时长、wd:<N>、sla:<环节> 或表达式）',
  },
  'deadline.paused-without-due': {
    en: 'Process "{name}": dueDatePausedBy needs a dueDate property',
    zh: '流程“{name}”：设置了不计时环节（dueDatePausedBy），但没有整单期限（dueDate）',
  },
  'deadline.paused-unknown': {
    en: 'Process "{name}": dueDatePausedBy names "{value}", which is not an element of the process',
    zh: '流程“{name}”：不计时环节“{value}”不是本流程中的元素',
  },
} as const satisfies Record<string, { en: string; zh: string }>;

export type LintMessageCode = keyof typeof LINT_MESSAGES;
export type LintLocale = 'en' | 'zh';

/** Fills `{param}` placeholders of a message in one locale. */
export function formatLintMessage(
  code: LintMessageCode,
  params: Record<string, string>,
  locale: LintLocale = 'en',
): string {
  return LINT_MESSAGES[code][locale].replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}

import { formatLintMessage, LINT_MESSAGES, type LintMessageCode } from '../../../../../server/lint/messages';
import type { LintIssue } from '../../../../../server/lint/config';

/** bpmnlint's recommended rules speak English; the designer shows them in Chinese too. */
export const RECOMMENDED_ZH: Record<string, string> = {
  'Element is missing label/name': '元素缺少名称',
  'Element is not connected': '元素没有连线',
  'Element is an implicit end': '元素是隐式结束（没有出口连线），请连到结束事件',
  'Element is an implicit start': '元素是隐式开始（没有入口连线），请从开始事件连入',
  'Element has multiple outgoing sequence flows, but no gateway to split them': '元素有多条出口连线但没有网关拆分',
  'Sequence flow is missing condition': '连线缺少条件',
  'Process is missing start event': '流程缺少开始事件',
  'Process is missing end event': '流程缺少结束事件',
  'Element is missing bpmndi': '元素缺少图形信息（BPMNDI）',
  'Incoming flows do not join': '多条入口连线没有汇合网关',
  'Gateway is superfluous. It only has one source and target.': '网关多余：只有一个入口和一个出口',
  'Element has disallowed type <bpmn:ComplexGateway>': '不支持复杂网关',
  'Element type <bpmn:InclusiveGateway> is discouraged': '不建议使用包容网关',
};

/**
 * An issue in the user's language. In English it is the very text the server answers with when
 * it refuses a deployment; in Chinese the platform rules' translation from the same table.
 */
export function describeIssue(issue: LintIssue, locale: 'zh' | 'en'): string {
  if (locale === 'en') return issue.message;
  if (issue.code && issue.code in LINT_MESSAGES) {
    return formatLintMessage(issue.code as LintMessageCode, issue.params ?? {}, 'zh');
  }
  return RECOMMENDED_ZH[issue.message] ?? issue.message;
}

import { formatLintMessage, LINT_MESSAGES, type LintMessageCode } from '../../../../server/lint/messages';
import { getLocale } from '../../lib/i18n';
import { RECOMMENDED_ZH } from './lint/describe';

/**
 * bpmn-js, diagram-js, the properties panel and the lint overlays in the reader's language: they
 * ask one `translate(template, replacements)` service for every label, and this module gives them
 * ours (diagram-js's documented way: a module providing `translate`). English passes through.
 * Element names of the replace menu are built from their parts ("计时器边界事件（非中断）").
 */
const ZH: Record<string, string> = {
  // palette and tools
  'Activate hand tool': '抓手工具',
  'Activate lasso tool': '套索工具',
  'Activate create/remove space tool': '插入/删除空间工具',
  'Activate global connect tool': '全局连线工具',
  'Create start event': '创建开始事件',
  'Create intermediate/boundary event': '创建中间/边界事件',
  'Create end event': '创建结束事件',
  'Create gateway': '创建网关',
  'Create task': '创建任务',
  'Create data object reference': '创建数据对象',
  'Create data store reference': '创建数据存储',
  'Create expanded sub-process': '创建子流程（展开）',
  'Create pool/participant': '创建池/参与者',
  'Create group': '创建分组',
  'Search in diagram': '在图中搜索',
  // context pad
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append task': '追加任务',
  'Append intermediate/boundary event': '追加中间/边界事件',
  'Append receive task': '追加接收任务',
  'Append message intermediate catch event': '追加消息中间捕获事件',
  'Append timer intermediate catch event': '追加计时器中间捕获事件',
  'Append conditional intermediate catch event': '追加条件中间捕获事件',
  'Append signal intermediate catch event': '追加信号中间捕获事件',
  'Append compensation activity': '追加补偿活动',
  'Append text annotation': '追加文本注释',
  'Add text annotation': '添加文本注释',
  'Change element': '更改元素类型',
  'Change type': '更改类型',
  Delete: '删除',
  'Connect to other element': '连接到其他元素',
  'Connect using association': '用关联连接',
  'Connect using data input association': '用数据输入关联连接',
  'Add lane above': '在上方添加泳道',
  'Add lane below': '在下方添加泳道',
  'Divide into two lanes': '分为两条泳道',
  'Divide into three lanes': '分为三条泳道',
  'Align elements': '对齐元素',
  'Distribute elements horizontally': '水平均匀分布',
  'Distribute elements vertically': '垂直均匀分布',
  'Toggle non-interrupting': '切换非中断',
  'Open {element}': '打开 {element}',
  // replace menu: tasks, gateways, flows, containers
  Task: '任务',
  'User task': '用户任务',
  'Service task': '服务任务',
  'Send task': '发送任务',
  'Receive task': '接收任务',
  'Manual task': '手工任务',
  'Business rule task': '业务规则任务',
  'Script task': '脚本任务',
  'Call activity': '调用活动',
  'Sub-process': '子流程',
  'Sub-process (collapsed)': '子流程（折叠）',
  'Sub-process (expanded)': '子流程（展开）',
  'Ad-hoc sub-process': '自由子流程',
  'Ad-hoc sub-process (collapsed)': '自由子流程（折叠）',
  'Ad-hoc sub-process (expanded)': '自由子流程（展开）',
  'Event sub-process': '事件子流程',
  Transaction: '事务',
  'Exclusive gateway': '排他网关',
  'Parallel gateway': '并行网关',
  'Inclusive gateway': '包容网关',
  'Complex gateway': '复杂网关',
  'Event-based gateway': '事件网关',
  'Sequence flow': '顺序流',
  'Default flow': '默认流',
  'Conditional flow': '条件流',
  'Data object reference': '数据对象',
  'Data store reference': '数据存储',
  'Empty pool/participant': '空池/参与者',
  'Expanded pool/participant': '展开的池/参与者',
  'Start event': '开始事件',
  'End event': '结束事件',
  'Intermediate throw event': '中间抛出事件',
  'Boundary event': '边界事件',
  // properties panel: groups and common entries
  General: '常规',
  Documentation: '文档',
  'Element documentation': '元素文档',
  'Process documentation': '流程文档',
  Name: '名称',
  ID: '编号',
  'Process name': '流程名称',
  'Process ID': '流程编号',
  'Version tag': '版本标签',
  Executable: '可执行',
  Startable: '可在任务列表启动',
  'Asynchronous continuations': '异步延续',
  'Asynchronous before': '之前异步',
  'Asynchronous after': '之后异步',
  Exclusive: '独占',
  'Job execution': '作业执行',
  Priority: '优先级',
  'Retry time cycle': '重试周期',
  Inputs: '输入',
  Outputs: '输出',
  'Execution listeners': '执行监听器',
  'Task listeners': '任务监听器',
  'Extension properties': '扩展属性',
  'Field injections': '字段注入',
  Form: '表单',
  Forms: '表单',
  'Form key': '表单键',
  'User assignment': '人员分配',
  Assignee: '办理人',
  'Candidate groups': '候选组',
  'Candidate users': '候选用户',
  'Due date': '到期日期',
  'Follow up date': '跟进日期',
  Condition: '条件',
  'Condition Expression': '条件表达式',
  'Condition expression': '条件表达式',
  Expression: '表达式',
  Script: '脚本',
  Type: '类型',
  '<none>': '<无>',
  '<empty>': '<空>',
  Timer: '计时器',
  Duration: '持续时间',
  Date: '日期',
  Cycle: '周期',
  Message: '消息',
  Signal: '信号',
  Error: '错误',
  Errors: '错误',
  Escalation: '升级',
  'Multi-instance': '多实例',
  'Loop cardinality': '循环次数',
  Collection: '集合',
  'Element variable': '元素变量',
  'Completion condition': '完成条件',
  Implementation: '实现',
  'Implementation type': '实现方式',
  'Delegate expression': '委托表达式',
  'Delegate Expression': '委托表达式',
  'External task': '外部任务',
  Topic: '主题',
  'Result variable': '结果变量',
  'Called element': '被调用元素',
  Binding: '绑定',
  'Business key': '业务键',
  'In mappings': '输入映射',
  'Out mappings': '输出映射',
  Initiator: '发起人',
  'Start initiator': '发起人',
  'Candidate starter': '可发起人',
  'Candidate starter groups': '可发起组',
  'Candidate starter users': '可发起用户',
  'History cleanup': '历史清理',
  'Time to live': '保留时间',
  'Tenant ID': '租户编号',
  Properties: '属性',
  Value: '值',
  Key: '键',
  Label: '标签',
  'Select an element to edit its properties.': '选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single element to edit its properties.':
    '已选择多个元素。请只选择一个元素以编辑其属性。',
  'ID must be unique.': '编号必须唯一。',
  'ID must not be empty.': '编号不能为空。',
  'ID must not contain spaces.': '编号不能包含空格。',
  'ID must be a valid QName.': '编号必须是合法的 QName。',
  'Specify more than one group as a comma separated list.': '多个组用逗号分隔。',
  'Specify more than one user as a comma separated list.': '多个用户用逗号分隔。',
  // properties panel: the rest seen on the shipped processes' elements
  Process: '流程',
  'Intermediate catch event': '中间捕获事件',
  'Text annotation': '文本注释',
  'Message flow': '消息流',
  Association: '关联',
  Group: '分组',
  Participant: '参与者',
  Lane: '泳道',
  'Expanded sub process': '子流程（展开）',
  'Collapsed sub process': '子流程（折叠）',
  'Event sub process': '事件子流程',
  'Ad hoc sub process': '自由子流程',
  'Event based gateway': '事件网关',
  Tasklist: '任务列表',
  'Camunda Forms': 'Camunda 表单',
  'Embedded or External Task Forms': '嵌入式或外部任务表单',
  'Generated Task Forms': '生成的任务表单',
  Connector: '连接器',
  DMN: 'DMN 决策',
  'Decision reference': '决策引用',
  'Map decision result': '决策结果映射',
  External: '外部',
  'Java class': 'Java 类',
  'Process variables': '流程变量',
  Before: '之前',
  After: '之后',
  'This maps to the process definition key.': '对应流程定义的键。',
  'The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).':
    '到期日期：EL 表达式（如 ${someDate}）或 ISO 日期（如 2015-06-26T09:54:00）。',
  'The follow up date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).':
    '跟进日期：EL 表达式（如 ${someDate}）或 ISO 日期（如 2015-06-26T09:54:00）。',
  // lint overlays
  'Toggle linting overlays': '显示/隐藏检查标记',
  'Issues for child elements': '子元素的问题',
};

const EVENT_KINDS: Record<string, string> = {
  Message: '消息',
  Timer: '计时器',
  Conditional: '条件',
  Signal: '信号',
  Error: '错误',
  Escalation: '升级',
  Compensation: '补偿',
  Cancel: '取消',
  Link: '链接',
  Terminate: '终止',
};
const EVENT_PLACES: Record<string, string> = {
  'start event': '开始事件',
  'end event': '结束事件',
  'boundary event': '边界事件',
  'intermediate catch event': '中间捕获事件',
  'intermediate throw event': '中间抛出事件',
};
const EVENT =
  /^(\w+) (start event|end event|boundary event|intermediate catch event|intermediate throw event)( \(non-interrupting\))?$/;

/** The platform rules' English sentences as patterns, so the lint overlays can show the Chinese one. */
const LINT_PATTERNS = Object.entries(LINT_MESSAGES).map(([code, { en }]) => {
  const names: string[] = [];
  const source = en
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return '(.*?)';
    })
    .join('');
  return { code: code as LintMessageCode, pattern: new RegExp(`^${source}$`, 's'), names };
});

function lintMessageZh(message: string): string | undefined {
  for (const { code, pattern, names } of LINT_PATTERNS) {
    const match = pattern.exec(message);
    if (match) return formatLintMessage(code, Object.fromEntries(names.map((n, i) => [n, match[i + 1] ?? ''])), 'zh');
  }
  return undefined;
}

function toChinese(template: string): string {
  const known = ZH[template] ?? RECOMMENDED_ZH[template] ?? lintMessageZh(template);
  if (known) return known;
  // The panel's header names the element's type in title case ("User Task", "Timer Boundary Event
  // (Non Interrupting)"), the replace menu in sentence case ("User task"): one table serves both.
  const sentence =
    template.charAt(0) + template.slice(1).toLowerCase().replace('(non interrupting)', '(non-interrupting)');
  const typed = sentence !== template && !/[{}]/.test(template) ? ZH[sentence] : undefined;
  if (typed) return typed;
  const event = EVENT.exec(template) ?? EVENT.exec(sentence);
  if (event && EVENT_KINDS[event[1] ?? ''] && EVENT_PLACES[event[2] ?? '']) {
    return `${EVENT_KINDS[event[1] ?? '']}${EVENT_PLACES[event[2] ?? '']}${event[3] ? '（非中断）' : ''}`;
  }
  return template;
}

export function translate(template: string, replacements: Record<string, string> = {}): string {
  const text = getLocale() === 'zh' ? toChinese(template) : template;
  return text.replace(/{([^}]+)}/g, (whole, key: string) => replacements[key] ?? whole);
}

export const translateModule = { translate: ['value', translate] };

/**
 * Every message with which the platform refuses a BPMN document, once for the server and the
 * browser: the lint rules (designer and deploy) and the engine's compile (server/engine) format
 * the same entries. A rule reports the English text (what the deploy refusal carries) together
 * with its code and parameters, so the designer can show the same finding in the user's language.
 * `{name}` is always the element's name, or its id when it has none.
 */
export const LINT_MESSAGES = {
  'user-task.no-candidates': {
    en: 'User task "{name}" names no candidate groups, candidate users or assignee: its tasks go to team leaders as unassigned',
    zh: '用户任务“{name}”未设置候选组、候选用户或办理人：其任务将作为“未分派”交由班组长处理',
  },
  'user-task.unknown-group': {
    en: 'User task "{name}": candidate group "{value}" is neither a role of the platform nor mapped to one; its tasks go to team leaders as unassigned',
    zh: '用户任务“{name}”：候选组“{value}”既不是平台角色，也未映射到平台角色；其任务将作为“未分派”交由班组长处理',
  },
  'user-task.unknown-user': {
    en: 'User task "{name}": "{value}" is neither a user of the platform nor mapped to one; its tasks go to team leaders as unassigned',
    zh: '用户任务“{name}”：“{value}”既不是平台用户，也未映射到平台用户；其任务将作为“未分派”交由班组长处理',
  },
  'user-task.no-form': {
    en: 'User task "{name}" has no form (formKey): it opens with the generic variables form',
    zh: '用户任务“{name}”未关联表单（formKey）：办理时使用通用变量表单',
  },
  'user-task.unknown-form': {
    en: 'User task "{name}": form "{value}" is neither deployed nor part of this deployment; the task opens with the generic variables form',
    zh: '用户任务“{name}”：表单“{value}”既未部署，也不在本次部署中；办理时使用通用变量表单',
  },
  'user-task.external-form': {
    en: 'User task "{name}": form "{value}" is not a form of the platform (an embedded or external form); the task opens with the generic variables form',
    zh: '用户任务“{name}”：表单“{value}”不是平台表单（嵌入式或外部表单）；办理时使用通用变量表单',
  },
  'service.missing': {
    en: 'Service task "{name}" must name a registered service: a delegate expression ${…}, an external topic or implementation ${environment.services.…}',
    zh: '服务任务“{name}”必须指定一个已注册的服务：委托表达式 ${…}、外部任务主题或 implementation ${environment.services.…}',
  },
  'service.malformed-delegate': {
    en: 'Service task "{name}": the delegate expression must name one service, like ${smsGateway}, not "{value}"',
    zh: '服务任务“{name}”：委托表达式只能指定一个服务（如 ${smsGateway}），而不是“{value}”',
  },
  'service.malformed-implementation': {
    en: 'Service task "{name}": implementation must be ${environment.services.<name>}, not "{value}"',
    zh: '服务任务“{name}”：implementation 应写作 ${environment.services.<服务名>}，而不是“{value}”',
  },
  'service.java-class': {
    en: 'Service task "{name}": camunda:class "{value}" names Java code, which cannot run here; name a registered service',
    zh: '服务任务“{name}”：camunda:class“{value}”指向 Java 代码，平台无法运行；请指定一个已注册的服务',
  },
  'service.expression': {
    en: 'Service task "{name}": camunda:expression "{value}" cannot run here; name a registered service as a delegate expression',
    zh: '服务任务“{name}”：平台不运行 camunda:expression“{value}”；请以委托表达式指定一个已注册的服务',
  },
  'service.external-no-topic': {
    en: 'Service task "{name}" is an external task (camunda:type="external") without a topic: name the topic its workers fetch',
    zh: '服务任务“{name}”是外部任务（camunda:type="external"），但未设置主题：请填写外部任务执行器拉取的主题（topic）',
  },
  'service.unknown': {
    en: 'Service task "{name}": service "{value}" is not in the platform\'s service registry',
    zh: '服务任务“{name}”：服务“{value}”不在平台的服务注册表中',
  },
  'business-rule.no-decision': {
    en: 'Business rule task "{name}" must name a DMN decision (camunda:decisionRef)',
    zh: '业务规则任务“{name}”必须指定一个 DMN 决策（camunda:decisionRef）',
  },
  'business-rule.implementation': {
    en: 'Business rule task "{name}": camunda:{field} "{value}" cannot run here; a business rule task evaluates a deployed DMN decision named by camunda:decisionRef',
    zh: '业务规则任务“{name}”：平台不运行 camunda:{field}“{value}”；业务规则任务按 camunda:decisionRef 评估已部署的 DMN 决策',
  },
  'business-rule.binding': {
    en: 'Business rule task "{name}": decisionRefBinding "{value}" is not one of latest, deployment, version, versionTag',
    zh: '业务规则任务“{name}”：decisionRefBinding“{value}”不是 latest、deployment、version、versionTag 之一',
  },
  'business-rule.no-version': {
    en: 'Business rule task "{name}": binding "{value}" needs camunda:{field}',
    zh: '业务规则任务“{name}”：绑定方式“{value}”需要设置 camunda:{field}',
  },
  'business-rule.version': {
    en: 'Business rule task "{name}": decisionRefVersion "{value}" is not a version number',
    zh: '业务规则任务“{name}”：decisionRefVersion“{value}”不是版本号',
  },
  'business-rule.mapping': {
    en: 'Business rule task "{name}": mapDecisionResult "{value}" is not one of singleEntry, singleResult, collectEntries, resultList',
    zh: '业务规则任务“{name}”：mapDecisionResult“{value}”不是 singleEntry、singleResult、collectEntries、resultList 之一',
  },
  'business-rule.unknown-decision': {
    en: 'Business rule task "{name}": no decision "{value}" is deployed yet; instances that reach the task will stop with an incident until it is',
    zh: '业务规则任务“{name}”：决策“{value}”尚未部署；在部署之前，到达该任务的实例将因事件（incident）而停止',
  },
  'script-task.forbidden': {
    en: 'Script task "{name}" is not allowed: scripts cannot run on this platform; use a service task',
    zh: '不允许使用脚本任务“{name}”：平台不运行脚本，请改用服务任务',
  },
  'element.unsupported': {
    en: '"{name}": {type} is not supported by the platform',
    zh: '“{name}”：平台不支持 {type}',
  },
  'event.unsupported': {
    en: '"{name}": {type} is not supported by the platform',
    zh: '“{name}”：平台不支持事件定义 {type}',
  },
  'event.no-message': {
    en: '"{name}": a message event needs a message (messageRef) so that it can be correlated',
    zh: '“{name}”：消息事件需要关联一个消息（messageRef），才能被关联送达',
  },
  'signal.no-signal': {
    en: '"{name}": a signal event needs a signal (signalRef): signals are broadcast by their name',
    zh: '“{name}”：信号事件需要关联一个信号（signalRef）：信号按名称广播',
  },
  'signal.start-expression': {
    en: '"{name}": a signal start event cannot wait for an expression ("{value}"): no variables exist before the instance starts; name the signal plainly',
    zh: '“{name}”：信号开始事件的信号名不能是表达式（“{value}”）：实例启动前没有变量；请直接写明信号名',
  },
  'signal.event-subprocess': {
    en: '"{name}": a signal start event of an event sub-process is not supported; put a signal boundary event (non-interrupting if needed) on a sub-process instead',
    zh: '“{name}”：不支持事件子流程的信号开始事件；请改在子流程上使用信号边界事件（需要时设为非中断）',
  },
  'signal.in-unsupported': {
    en: '"{name}": camunda:in on a signal passes variables="all" or a source/sourceExpression with a target; {value} is not supported',
    zh: '“{name}”：信号上的 camunda:in 只能传 variables="all" 或带 target 的 source/sourceExpression；不支持 {value}',
  },
  'escalation.no-escalation': {
    en: '"{name}": an escalation throw or end event needs an escalation (escalationRef) for a boundary or event sub-process to catch',
    zh: '“{name}”：升级抛出或结束事件需要关联一个升级（escalationRef），边界事件或事件子流程才能捕获',
  },
  'escalation.call-activity': {
    en: '"{name}": an escalation boundary event on a call activity is not supported (the called process runs as its own instance); throw the escalation in a sub-process and catch it there',
    zh: '“{name}”：不支持调用活动上的升级边界事件（被调用流程作为独立实例运行）；请在子流程中抛出并在子流程上捕获升级',
  },
  'escalation.interrupting-start': {
    en: '"{name}": an interrupting escalation start event of an event sub-process is not supported; make it non-interrupting, or catch the escalation with an interrupting boundary event on the sub-process',
    zh: '“{name}”：不支持事件子流程的中断型升级开始事件；请设为非中断，或在子流程上用中断型边界事件捕获升级',
  },
  'receive-task.no-message': {
    en: 'Receive task "{name}" needs a message',
    zh: '接收任务“{name}”需要关联一个消息',
  },
  'listener.forbidden': {
    en: '"{name}": a {type} with a Java class, a delegate expression or a script is not run; use a service task, or a listener with an expression',
    zh: '“{name}”：使用 Java 类、委托表达式或脚本的 {type} 不会被执行；请改用服务任务，或使用表达式监听器',
  },
  'script.parameter': {
    en: '"{name}": parameter {field} is a script; scripts are not allowed',
    zh: '“{name}”：参数 {field} 是脚本；平台不允许脚本',
  },
  'io.not-here': {
    en: '"{name}": camunda:inputOutput is not taken on a {type}, as in Camunda 7; map the variables on the activity before or after it',
    zh: '“{name}”：{type} 上不支持 camunda:inputOutput（与 Camunda 7 相同）；请在其前后的活动上映射变量',
  },
  'io.multi-instance': {
    en: '"{name}": camunda:inputOutput on a multi-instance activity is not supported; wrap the activity in a sub-process and map the variables on it',
    zh: '“{name}”：多实例活动上的 camunda:inputOutput 不受支持；请将该活动放入子流程，并在子流程上映射变量',
  },
  'io.no-name': {
    en: '"{name}": every camunda:inputParameter and camunda:outputParameter needs a name (the variable it sets)',
    zh: '“{name}”：每个 camunda:inputParameter 和 camunda:outputParameter 都需要 name（所设置的变量名）',
  },
  'call-activity.mapping-code': {
    en: 'Call activity "{name}": camunda:{field} "{value}" runs Java code and is not run; map the variables with camunda:in and camunda:out',
    zh: '调用活动“{name}”：camunda:{field}“{value}”会运行 Java 代码，平台不执行；请用 camunda:in 和 camunda:out 映射变量',
  },
  'call-activity.mapping': {
    en: 'Call activity "{name}": {problem}',
    zh: '调用活动“{name}”：变量映射有误（{problem}）',
  },
  'async.boundary-event': {
    en: '"{name}": camunda:{field} on a boundary event is not supported (it listens while its activity runs and cannot wait before or after firing); put camunda:asyncBefore on the first element after it',
    zh: '“{name}”：不支持边界事件上的 camunda:{field}（边界事件在其活动运行期间监听，不能在触发前后等待）；请在其后的第一个元素上设置 camunda:asyncBefore',
  },
  'async.event-subprocess': {
    en: '"{name}": camunda:{field} on an event sub-process or its start event is not supported (it must listen for its trigger); put camunda:asyncBefore on the first element after its start event',
    zh: '“{name}”：不支持事件子流程或其开始事件上的 camunda:{field}（它必须监听触发）；请在其开始事件之后的第一个元素上设置 camunda:asyncBefore',
  },
  'async.message-start': {
    en: '"{name}": camunda:asyncBefore on a message or signal start event is not supported (its message is delivered as the instance starts); use camunda:asyncAfter on it instead',
    zh: '“{name}”：不支持消息或信号开始事件上的 camunda:asyncBefore（实例启动时即送达其消息）；请改为在其上设置 camunda:asyncAfter',
  },
  'async.event-gateway': {
    en: '"{name}": camunda:{field} on an event-based gateway or on an event after one is not supported (the gateway must see its events waiting); put camunda:asyncAfter on the element before the gateway, or camunda:asyncBefore after the event',
    zh: '“{name}”：不支持基于事件的网关或其后事件上的 camunda:{field}（网关必须看到其后事件处于等待）；请在网关之前的元素上设置 camunda:asyncAfter，或在事件之后设置 camunda:asyncBefore',
  },
  'async.multi-instance': {
    en: '"{name}": camunda:{field} on multi-instance loop characteristics (a boundary for each iteration) is not supported; put camunda:asyncBefore / camunda:asyncAfter on the activity itself (before and after all iterations)',
    zh: '“{name}”：不支持多实例循环特性上的 camunda:{field}（每次迭代一个边界）；请在活动本身上设置 camunda:asyncBefore / camunda:asyncAfter（所有迭代之前与之后）',
  },
  'retry-cycle.not-job': {
    en: '"{name}": camunda:failedJobRetryTimeCycle on a {type} has no job to retry; put it on a service, send or business rule task, or on an element with camunda:asyncBefore / camunda:asyncAfter',
    zh: '“{name}”：{type} 上的 camunda:failedJobRetryTimeCycle 没有可重试的作业；请将其设在服务任务、发送任务、业务规则任务或设置了 camunda:asyncBefore / camunda:asyncAfter 的元素上',
  },
  'retry-cycle.invalid': {
    en: '"{name}": camunda:failedJobRetryTimeCycle "{value}" is neither R<n>/<duration> (e.g. R3/PT10M) nor a comma list of durations (e.g. PT10M,PT30M)',
    zh: '“{name}”：camunda:failedJobRetryTimeCycle“{value}”既不是 R<n>/<时长>（如 R3/PT10M），也不是以逗号分隔的时长列表（如 PT10M,PT30M）',
  },
  'limits.retry-interval': {
    en: '"{name}": camunda:failedJobRetryTimeCycle "{value}" retries after {interval} s; the shortest interval allowed is {min} s',
    zh: '“{name}”：camunda:failedJobRetryTimeCycle“{value}”在 {interval} 秒后重试；允许的最短间隔为 {min} 秒',
  },
  'script.condition': {
    en: '"{name}": script conditions (language "{value}") are not allowed; write the condition as ${…}',
    zh: '“{name}”：不允许脚本条件（语言“{value}”）；请把条件写成 ${…}',
  },
  'condition.empty': {
    en: '"{name}": the condition is empty',
    zh: '“{name}”：条件为空',
  },
  'condition.not-expression': {
    en: '"{name}": a condition must be one ${…} expression, not "{value}"',
    zh: '“{name}”：条件必须是一个 ${…} 表达式，而不是“{value}”',
  },
  'expression.invalid': {
    en: '"{name}": {field}: invalid expression "{value}": {problem}',
    zh: '“{name}”：{field}：表达式“{value}”无效：{problem}',
  },
  'expression.java-api': {
    en: "\"{name}\": {field}: '{value}' refers to Camunda's Java API, which this platform does not provide",
    zh: '“{name}”：{field}：“{value}”是 Camunda 的 Java 接口，平台不提供',
  },
  'loop.standard': {
    en: '"{name}": a standard loop needs a loop condition or a loop maximum, or it never ends',
    zh: '“{name}”：标准循环需要循环条件（loopCondition）或最大次数（loopMaximum），否则永不结束',
  },
  'loop.no-collection': {
    en: '"{name}": a multi-instance activity needs a collection or a cardinality',
    zh: '“{name}”：多实例活动需要集合（collection）或实例数（cardinality）',
  },
  'timer.missing': {
    en: '"{name}": a timer needs a duration, a date or a cycle',
    zh: '“{name}”：定时器需要时长、日期或周期',
  },
  'timer.empty': {
    en: '"{name}": the timer\'s {field} is empty',
    zh: '“{name}”：定时器的 {field} 为空',
  },
  'timer.invalid': {
    en: '"{name}": {field}: {problem}',
    zh: '“{name}”：{field}：{problem}',
  },
  'call-activity.no-called-element': {
    en: 'Call activity "{name}" needs calledElement (the key of the process to call)',
    zh: '调用活动“{name}”需要 calledElement（被调用流程的标识）',
  },
  'user-task.priority': {
    en: 'User task "{name}": priority must be a whole number or an expression, not "{value}"',
    zh: '用户任务“{name}”：优先级必须是整数或表达式，而不是“{value}”',
  },
  'message.invalid-name': {
    en: 'Message "{name}": invalid message name "{value}"',
    zh: '消息“{name}”：消息名“{value}”无效',
  },
  'process.not-executable': {
    en: 'No executable process: mark the process isExecutable="true" (processes: {value})',
    zh: '没有可执行的流程：请把流程标记为 isExecutable="true"（流程：{value}）',
  },
  'process.several-executable': {
    en: 'One executable process per file; found {value}',
    zh: '每个文件只能有一个可执行流程；发现了 {value}',
  },
  'document.doctype': {
    en: 'DOCTYPE declarations (and entities) are not allowed in BPMN files',
    zh: 'BPMN 文件中不允许 DOCTYPE 声明（及实体）',
  },
  'document.malformed': {
    en: 'malformed XML: {problem}',
    zh: 'XML 格式错误：{problem}',
  },
  'document.no-root': {
    en: 'the document has no root element',
    zh: '文档没有根元素',
  },
  'document.unreadable': {
    en: 'Not a BPMN 2.0 document: {problem}',
    zh: '不是 BPMN 2.0 文档：{problem}',
  },
  'document.problems': {
    en: 'The BPMN document has {count} problem(s): {problem}',
    zh: 'BPMN 文档有 {count} 处问题：{problem}',
  },
  'document.not-definitions': {
    en: 'Not a BPMN 2.0 document: the root element must be bpmn:definitions',
    zh: '不是 BPMN 2.0 文档：根元素必须是 bpmn:definitions',
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
  'limits.timer-interval': {
    en: '"{name}": the timer\'s {field} "{value}" repeats every {interval} s; the shortest interval allowed is {min} s',
    zh: '“{name}”：定时器的 {field}“{value}”每 {interval} 秒重复一次；允许的最短间隔为 {min} 秒',
  },
  'limits.elements': {
    en: 'Process "{name}" has {value} elements; a process may have at most {max}',
    zh: '流程“{name}”有 {value} 个元素；一个流程最多允许 {max} 个',
  },
  'limits.document-size': {
    en: 'The BPMN document is {value} bytes; a deployment may be at most {max} bytes',
    zh: 'BPMN 文档有 {value} 字节；一次部署最多允许 {max} 字节',
  },
  'limits.multi-instance': {
    en: '"{name}": {value} multi-instance iterations exceed the largest multi-instance allowed ({max})',
    zh: '“{name}”：{value} 个多实例超出了允许的最大实例数（{max}）',
  },
} as const satisfies Record<string, { en: string; zh: string }>;

export type LintMessageCode = keyof typeof LINT_MESSAGES;

/** A refusal before it is put into words: a catalogue code and its parameters. */
export interface Finding {
  code: LintMessageCode;
  params: Record<string, string>;
  /** The element's properties the finding is about (bpmnlint's report path). */
  path?: string[];
}
export type LintLocale = 'en' | 'zh';

/** Fills `{param}` placeholders of a message in one locale. */
export function formatLintMessage(
  code: LintMessageCode,
  params: Record<string, string>,
  locale: LintLocale = 'en',
): string {
  return LINT_MESSAGES[code][locale].replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}

/** The parameters of a finding about one element: its name (or id) beside the finding's own. */
export function findingParams(
  element: { id?: string; name?: unknown },
  params: Record<string, string> = {},
): Record<string, string> {
  const name = typeof element.name === 'string' && element.name.trim() !== '' ? element.name.trim() : null;
  return { name: name ?? element.id ?? '', ...params };
}

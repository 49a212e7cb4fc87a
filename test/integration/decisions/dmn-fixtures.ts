/**
 * Small DMN and BPMN documents for the decisions' tests, named after what they decide. A rule is
 * `[input entry, output entries…]`; every table reads the variable `amount`.
 */
export function routingTable(
  key: string,
  rules: [string, ...string[]][],
  options: { hitPolicy?: string; outputs?: string[]; versionTag?: string; name?: string } = {},
): string {
  const outputs = options.outputs ?? ['route'];
  const tag = options.versionTag ? ` camunda:versionTag="${options.versionTag}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="${key}_drd" name="${options.name ?? key}" namespace="http://test">
  <decision id="${key}" name="${options.name ?? key}"${tag}>
    <decisionTable id="${key}_table" hitPolicy="${options.hitPolicy ?? 'FIRST'}">
      <input id="${key}_in" label="Amount"><inputExpression id="${key}_in_e" typeRef="number"><text>amount</text></inputExpression></input>
${outputs.map((o) => `      <output id="${key}_${o}" label="${o}" name="${o}" typeRef="string" />`).join('\n')}
${rules
  .map(
    ([input, ...values], i) => `      <rule id="${key}_r${i + 1}">
        <inputEntry id="${key}_r${i + 1}_in"><text>${input.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text></inputEntry>
${values.map((v, j) => `        <outputEntry id="${key}_r${i + 1}_o${j + 1}"><text>${v}</text></outputEntry>`).join('\n')}
      </rule>`,
  )
  .join('\n')}
    </decisionTable>
  </decision>
</definitions>`;
}

/** start → business rule task → end, the task's camunda: attributes as given. */
export function decidingProcess(key: string, attributes: Record<string, string>, extra = ''): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` camunda:${name}="${value}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D_${key}" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="decide" />
    <businessRuleTask id="decide" name="Decide"${attrs}>${extra}</businessRuleTask>
    <sequenceFlow id="f2" sourceRef="decide" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;
}

/**
 * start → decide the route → gateway: `manual` goes to a clerk's task, anything else ends at once.
 * The route of new instances changes with the table deployed.
 */
export function routedProcess(key: string, decisionRef: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D_${key}" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="decide" />
    <businessRuleTask id="decide" camunda:decisionRef="${decisionRef}" camunda:mapDecisionResult="singleEntry" camunda:resultVariable="route" />
    <sequenceFlow id="f2" sourceRef="decide" targetRef="g" />
    <exclusiveGateway id="g" default="auto" />
    <sequenceFlow id="manual" sourceRef="g" targetRef="review"><conditionExpression>\${route == 'manual'}</conditionExpression></sequenceFlow>
    <sequenceFlow id="auto" sourceRef="g" targetRef="e" />
    <userTask id="review" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f3" sourceRef="review" targetRef="e2" />
    <endEvent id="e" />
    <endEvent id="e2" />
  </process>
</definitions>`;
}

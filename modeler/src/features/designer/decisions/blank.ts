const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A new decision: one decision table (decision id = the key) with one input, one output and one
 * rule to fill in, drawn on the DRD. Its empty input expression is what the checks ask for first.
 */
export function blankDecision(key: string, name: string, labels: { input: string; output: string }): string {
  const k = escape(key);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="Definitions_${k}" name="${escape(name)}" namespace="http://power-marketing.example/dmn">
  <decision id="${k}" name="${escape(name)}">
    <decisionTable id="DecisionTable_${k}">
      <input id="Input_1" label="${escape(labels.input)}">
        <inputExpression id="InputExpression_1" typeRef="string">
          <text></text>
        </inputExpression>
      </input>
      <output id="Output_1" label="${escape(labels.output)}" name="result" typeRef="string" />
      <rule id="Rule_1">
        <inputEntry id="InputEntry_1">
          <text>-</text>
        </inputEntry>
        <outputEntry id="OutputEntry_1">
          <text></text>
        </outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="DMNDiagram_1">
      <dmndi:DMNShape id="DMNShape_${k}" dmnElementRef="${k}">
        <dc:Bounds height="80" width="180" x="200" y="200" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>`;
}

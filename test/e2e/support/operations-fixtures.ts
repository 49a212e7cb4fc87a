/**
 * Small processes for the operations pages, drawn (with diagram interchange) so that the instance
 * page's diagram shows them: a straight line of user tasks, or a service call then a task.
 */
export interface Step {
  id: string;
  name: string;
  type?: 'userTask' | 'serviceTask';
  service?: string;
}

/** start → steps… → end, laid out left to right, each step 150 px apart. */
export function lineProcess(key: string, name: string, steps: Step[]): string {
  const nodes = [
    { id: 'start', kind: 'startEvent', name: '' },
    ...steps.map((s) => ({ ...s, kind: s.type ?? 'userTask' })),
    { id: 'end', kind: 'endEvent', name: '' },
  ];
  const elements = nodes
    .map((n) => {
      if (n.kind === 'startEvent' || n.kind === 'endEvent') return `<${n.kind} id="${n.id}" />`;
      if (n.kind === 'serviceTask')
        return `<serviceTask id="${n.id}" name="${n.name}" camunda:delegateExpression="\${${(n as Step).service}}" />`;
      return `<userTask id="${n.id}" name="${n.name}" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />`;
    })
    .join('\n    ');
  const flows = nodes
    .slice(1)
    .map((n, i) => `<sequenceFlow id="f${i}" sourceRef="${nodes[i]!.id}" targetRef="${n.id}" />`)
    .join('\n    ');
  const x = (i: number) => 80 + i * 150;
  const size = (kind: string) => (kind.endsWith('Event') ? { w: 36, h: 36 } : { w: 100, h: 80 });
  const shapes = nodes
    .map((n, i) => {
      const { w, h } = size(n.kind);
      return `<bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"><dc:Bounds x="${x(i) + (100 - w) / 2}" y="${140 - h / 2}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`;
    })
    .join('\n      ');
  const edges = nodes
    .slice(1)
    .map((n, i) => {
      const from = x(i) + (100 + size(nodes[i]!.kind).w) / 2;
      const to = x(i + 1) + (100 - size(n.kind).w) / 2;
      return `<bpmndi:BPMNEdge id="f${i}_di" bpmnElement="f${i}"><di:waypoint x="${from}" y="140" /><di:waypoint x="${to}" y="140" /></bpmndi:BPMNEdge>`;
    })
    .join('\n      ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_${key}" targetNamespace="http://example.com/ops">
  <process id="${key}" name="${name}" isExecutable="true">
    ${elements}
    ${flows}
  </process>
  <bpmndi:BPMNDiagram id="Diagram_${key}">
    <bpmndi:BPMNPlane id="Plane_${key}" bpmnElement="${key}">
      ${shapes}
      ${edges}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>`;
}

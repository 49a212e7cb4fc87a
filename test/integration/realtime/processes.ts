import { expect } from 'vitest';
import type { ApiClient } from '../../support/client.js';

/** A one-task process for the acceptance clerks, with its (empty) form deployed alongside. */
export function acceptanceProcess(key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D_${key}" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="accept"/>
    <userTask id="accept" name="Accept application" camunda:formKey="rt.accept" camunda:candidateGroups="acceptance_clerk"/>
    <sequenceFlow id="f2" sourceRef="accept" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>`;
}

export async function deployAcceptance(designer: ApiClient, key: string): Promise<void> {
  const res = await designer.post('/api/v1/deployments', {
    xml: acceptanceProcess(key),
    forms: [{ id: 'rt.accept', type: 'default', components: [] }],
  });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

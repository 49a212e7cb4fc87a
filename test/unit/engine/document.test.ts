import { describe, expect, it } from 'vitest';
import { readBpmnDocument } from '../../../server/engine/document.js';

const definitions = (attributes: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://example.com" ${attributes}>
  <bpmn:process id="p" isExecutable="true" camunda:historyTimeToLive="P180D">
    <bpmn:startEvent id="s" />
  </bpmn:process>
</bpmn:definitions>`;

describe('reading a BPMN document as Camunda 7 does', () => {
  it('reads camunda:historyTimeToLive on the definitions, where Camunda tools also write it', async () => {
    const parsed = await readBpmnDocument(definitions('camunda:historyTimeToLive="P180D"'));
    expect(parsed.rootElement.historyTimeToLive).toBe('P180D');
    expect(parsed.warnings).toEqual([]);
  });

  it('still refuses a camunda attribute nobody declares, naming it', async () => {
    await expect(readBpmnDocument(definitions('camunda:historyTimeToLiv="P180D"'))).rejects.toThrow(
      /unknown attribute <camunda:historyTimeToLiv>/,
    );
  });
});

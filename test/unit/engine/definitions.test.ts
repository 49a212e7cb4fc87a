import { describe, expect, it } from 'vitest';
import { compileDefinition } from '../../../server/engine/definitions.js';
import { Invalid } from '../../../server/lib/errors.js';
import { formatLintMessage } from '../../../server/lint/messages.js';

const services = { has: (name: string) => ['smsGateway', 'arrears-scan'].includes(name) };

const withTask = (task: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
    ${task}
    <sequenceFlow id="f2" sourceRef="x" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>`;

describe('compileDefinition', () => {
  it.each([
    ['camunda:delegateExpression="${smsGateway}"', 'smsGateway'],
    ['implementation="${environment.services.smsGateway}"', 'smsGateway'],
    ['implementation="${services.smsGateway}"', 'smsGateway'],
  ])('records the service %s names', async (attrs, service) => {
    // given a service task naming a registered service in one of the accepted forms
    const compiled = await compileDefinition(withTask(`<serviceTask id="x" ${attrs}/>`), services);
    // then the runtime will call that service
    expect(compiled.meta.serviceTasks.x).toEqual({ service, resultVariable: null });
  });

  it('records an external task by its topic and priority, whether or not a service has that name', async () => {
    // given Camunda 7 external tasks: one whose topic no service has, one named like a registered service
    for (const topic of ['ami-meter-reading', 'arrears-scan']) {
      const xml = withTask(
        `<serviceTask id="x" camunda:type="external" camunda:topic="${topic}" camunda:taskPriority="20"/>`,
      );
      // when compiled
      const compiled = await compileDefinition(xml, services);
      // then workers fetch it by its topic: the registry does not run it
      expect(compiled.meta.serviceTasks.x).toEqual({
        service: topic,
        resultVariable: null,
        external: { topic, priority: '20' },
      });
    }
  });

  it('refuses an external task without a topic, naming the element', async () => {
    const xml = withTask('<serviceTask id="x" name="Read meter" camunda:type="external"/>');
    const refusal = (await compileDefinition(xml, services).catch((err: unknown) => err)) as Invalid;
    expect(refusal.details).toEqual([
      { element: 'x', reason: formatLintMessage('service.external-no-topic', { name: 'Read meter' }) },
    ]);
    expect(refusal.message).toContain('Read meter');
  });

  it("refuses what it cannot run in the lint's words", async () => {
    // given a service call the runtime cannot make (the deploy's lint refuses it first)
    const xml = withTask('<serviceTask id="x" name="Send" camunda:expression="${environment.services.smsGateway()}"/>');
    // when compiled without the lint
    const refusal = await compileDefinition(xml, services).catch((err: unknown) => err);
    // then the reason is the catalogue's message
    expect(refusal).toBeInstanceOf(Invalid);
    expect((refusal as Invalid).code).toBe('BPMN_UNSUPPORTED');
    expect((refusal as Invalid).details).toEqual([
      {
        element: 'x',
        reason: formatLintMessage('service.expression', {
          name: 'Send',
          value: '${environment.services.smsGateway()}',
        }),
      },
    ]);
  });
});

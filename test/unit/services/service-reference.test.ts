import { describe, expect, it } from 'vitest';
import { isServiceName, parseServiceReference } from '../../../server/services/service-reference.js';
import { ServiceRegistry } from '../../../server/services/registry.js';

describe('parseServiceReference', () => {
  it.each([
    ['a delegate expression', { delegateExpression: '${smsGateway}' }, 'smsGateway', 'delegateExpression'],
    [
      'a delegate expression with spaces',
      { delegateExpression: '  ${ smsGateway }  ' },
      'smsGateway',
      'delegateExpression',
    ],
    [
      'a dotted or dashed name',
      { delegateExpression: '${billing.run-notify}' },
      'billing.run-notify',
      'delegateExpression',
    ],
    ["bpmn-engine's implementation", { implementation: '${environment.services.notify}' }, 'notify', 'implementation'],
    ['implementation without environment', { implementation: '${services.notify}' }, 'notify', 'implementation'],
    [
      'a delegate expression before anything else',
      { delegateExpression: '${first}', type: 'external', topic: 'second', class: 'com.acme.Third' },
      'first',
      'delegateExpression',
    ],
  ])('reads %s', (_, task, service, attribute) => {
    expect(parseServiceReference(task)).toEqual({ service, attribute });
  });

  it.each([
    ['an external topic', { type: 'external', topic: 'arrears-scan' }, 'arrears-scan'],
    [
      "BPMN's default implementation beside a topic",
      { implementation: '##WebService', type: 'external', topic: 'customer-sms' },
      'customer-sms',
    ],
  ])('reads %s as an external task for workers, never a registry name', (_, task, topic) => {
    expect(parseServiceReference(task)).toEqual({ topic, attribute: 'topic' });
  });

  it.each([
    ['nothing', {}, 'service.missing', undefined],
    ["BPMN's default implementation alone", { implementation: '##WebService' }, 'service.missing', undefined],
    ['a topic without the external type', { topic: 'customer-sms' }, 'service.missing', undefined],
    ['an external type without a topic', { type: 'external' }, 'service.external-no-topic', undefined],
    [
      'a delegate that is a call',
      { delegateExpression: '${sms.send(execution)}' },
      'service.malformed-delegate',
      '${sms.send(execution)}',
    ],
    [
      'a delegate that is not an expression',
      { delegateExpression: 'smsGateway' },
      'service.malformed-delegate',
      'smsGateway',
    ],
    ['two delegates', { delegateExpression: '${a}${b}' }, 'service.malformed-delegate', '${a}${b}'],
    [
      'an implementation that is a call',
      { implementation: '${environment.services.notify()}' },
      'service.malformed-implementation',
      '${environment.services.notify()}',
    ],
    [
      'an implementation of another root',
      { implementation: '${notify}' },
      'service.malformed-implementation',
      '${notify}',
    ],
    ['a Java class', { class: 'com.acme.Send' }, 'service.java-class', 'com.acme.Send'],
    [
      'a camunda:expression call',
      { expression: '${environment.services.notify()}' },
      'service.expression',
      '${environment.services.notify()}',
    ],
    [
      'a Camunda bean call',
      { expression: '${notices.remind(execution)}' },
      'service.expression',
      '${notices.remind(execution)}',
    ],
  ])('refuses %s', (_, task, code, value) => {
    const reference = parseServiceReference(task);
    expect(reference).toMatchObject({ refused: { code, params: value === undefined ? {} : { value } } });
  });
});

describe('service names', () => {
  it('accepts the names a delegate expression can spell', () => {
    for (const name of ['noop', 'smsGateway', 'arrears-scan', 'billing.run_notify'])
      expect(isServiceName(name), name).toBe(true);
    for (const name of ['', 'two words', '1st', 'a:b', '${x}']) expect(isServiceName(name), name).toBe(false);
  });

  it('are what the registry accepts', () => {
    // given a service no BPMN file could name
    const registry = new ServiceRegistry();
    // then it is refused when registered, and a nameable one is kept
    expect(() => registry.register({ name: 'send sms', description: '', handler: () => undefined })).toThrow(
      /cannot be named/,
    );
    registry.register({ name: 'sms-send', description: '', handler: () => undefined });
    expect(registry.has('sms-send')).toBe(true);
  });
});

import { is, report, text, type PlatformLintData, type RuleFactory } from './support.js';

/** The registry name a service task names: `camunda:delegateExpression="${name}"` or an external topic. */
export function namedService(node: { [property: string]: unknown }): string | null {
  const delegate = text(node.delegateExpression);
  if (delegate) return /^\$\{\s*([A-Za-z_][\w.-]*)\s*\}$/.exec(delegate)?.[1] ?? null;
  if (text(node.type) === 'external') return text(node.topic);
  return null;
}

/** Every service (and send) task calls a service that exists in the platform's registry. */
const serviceExists: RuleFactory<Partial<PlatformLintData>> = (config = {}) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:ServiceTask') && !is(node, 'bpmn:SendTask')) return;
    const service = namedService(node);
    if (!service) {
      report(reporter, node, 'service.missing', {}, ['delegateExpression']);
      return;
    }
    if (config.services && !config.services.includes(service)) {
      report(reporter, node, 'service.unknown', { value: service }, ['delegateExpression']);
    }
  },
});

export default serviceExists;

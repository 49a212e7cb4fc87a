import { is, report, type ModdleNode, type RuleFactory } from './support.js';

/**
 * An exclusive gateway that forks has a default flow or a condition on every outgoing flow;
 * otherwise an instance whose data match no condition stops there with an error.
 */
const exclusiveGatewayRouting: RuleFactory = () => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:ExclusiveGateway')) return;
    const outgoing = (node.outgoing as ModdleNode[] | undefined) ?? [];
    if (outgoing.length < 2 || node.default) return;
    if (outgoing.some((flow) => !flow.conditionExpression)) {
      report(reporter, node, 'gateway.incomplete-conditions', {}, ['default']);
    }
  },
});

export default exclusiveGatewayRouting;

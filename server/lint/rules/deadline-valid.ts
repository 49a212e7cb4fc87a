import { declaredInstanceDeadline, deadlineValueProblem } from '../../lib/deadlines.js';
import { is, report, text, type ModdleNode, type RuleFactory } from './support.js';

/**
 * Deadlines the runtime can read (processes/README.md "Deadlines"): a user task's
 * camunda:dueDate and followUpDate, and the process's own `dueDate` property with the steps
 * `dueDatePausedBy` names. The deploy's validation reads them with the same function.
 */
const deadlineValid: RuleFactory = () => ({
  check(node, reporter) {
    if (is(node, 'bpmn:UserTask')) {
      for (const field of ['dueDate', 'followUpDate']) {
        const value = text(node[field]);
        if (value && deadlineValueProblem(value)) report(reporter, node, 'deadline.invalid', { field, value }, [field]);
      }
      return;
    }
    if (!is(node, 'bpmn:Process')) return;
    const { dueDate: due, pausedBy } = declaredInstanceDeadline(node);
    if (due && deadlineValueProblem(due)) {
      report(reporter, node, 'deadline.invalid', { field: 'dueDate', value: due }, ['extensionElements']);
    }
    if (pausedBy.length && !due) report(reporter, node, 'deadline.paused-without-due', {}, ['extensionElements']);
    const ids = elementIds(node);
    for (const id of pausedBy) {
      if (!ids.has(id)) report(reporter, node, 'deadline.paused-unknown', { value: id }, ['extensionElements']);
    }
  },
});

/** The ids of every flow element, sub-processes included. */
function elementIds(container: ModdleNode, into = new Set<string>()): Set<string> {
  for (const element of (container.flowElements as ModdleNode[] | undefined) ?? []) {
    if (element.id) into.add(element.id);
    if (element.flowElements) elementIds(element, into);
  }
  return into;
}

export default deadlineValid;

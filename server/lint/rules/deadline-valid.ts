import { deadlineValueProblem } from '../../lib/deadlines.js';
import { is, list, report, text, type ModdleNode, type RuleFactory } from './support.js';

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
    const properties = processProperties(node);
    const due = properties.get('dueDate') ?? null;
    const pausedBy = list(properties.get('dueDatePausedBy'));
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

function processProperties(node: ModdleNode): Map<string, string> {
  const found = new Map<string, string>();
  const values = (node.extensionElements as { values?: ModdleNode[] } | undefined)?.values ?? [];
  for (const ext of values) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const p of (ext.values as ModdleNode[] | undefined) ?? []) {
      const name = text(p.name);
      const value = text(p.value);
      if (name && value) found.set(name, value);
    }
  }
  return found;
}

/** The ids of every flow element, sub-processes included. */
function elementIds(container: ModdleNode, into = new Set<string>()): Set<string> {
  for (const element of (container.flowElements as ModdleNode[] | undefined) ?? []) {
    if (element.id) into.add(element.id);
    if (element.flowElements) elementIds(element, into);
  }
  return into;
}

export default deadlineValid;

import { is, isExpression, report, text, type PlatformLintData, type RuleFactory } from './support.js';

/**
 * Every user task has a form (camunda:formKey naming a form-js form by its id), deployed before
 * or together with the process: a task without one cannot be worked on in the worklist.
 */
const userTaskForm: RuleFactory<Partial<PlatformLintData>> = (config = {}) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    const formKey = text(node.formKey);
    if (!formKey) {
      report(reporter, node, 'user-task.no-form', {}, ['formKey']);
      return;
    }
    if (config.forms && !isExpression(formKey) && !config.forms.includes(formKey)) {
      report(reporter, node, 'user-task.unknown-form', { value: formKey }, ['formKey']);
    }
  },
});

export default userTaskForm;

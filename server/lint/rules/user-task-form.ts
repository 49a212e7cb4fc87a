import { is, isExpression, report, text, type PlatformLintData, type RuleFactory } from './support.js';

/**
 * The form id a formKey names: a plain id, or Camunda 7's `camunda-forms:deployment:<id>.form`
 * (the same reading as server/forms/forms.service.ts formIdOfKey, which the browser cannot import).
 */
export function formIdOfKey(formKey: string): string {
  const prefix = 'camunda-forms:deployment:';
  const key = formKey.trim();
  return key.startsWith(prefix) ? key.slice(prefix.length).replace(/\.form$/, '') : key;
}

/**
 * Every user task has a form (camunda:formKey naming a form-js form by its id), deployed before
 * or together with the process: a task without one cannot be worked on in the worklist.
 */
const userTaskForm: RuleFactory<Partial<PlatformLintData>> = (config = {}) => ({
  check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) return;
    // camunda:formRef (Camunda 7.16+) names a deployed form like formKey does.
    const formKey = text(node.formKey) ?? text(node.formRef);
    if (!formKey) {
      report(reporter, node, 'user-task.no-form', {}, ['formKey']);
      return;
    }
    if (config.forms && !isExpression(formKey) && !config.forms.includes(formIdOfKey(formKey))) {
      report(reporter, node, 'user-task.unknown-form', { value: formKey }, ['formKey']);
    }
  },
});

export default userTaskForm;

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

/** Camunda 7's embedded (`embedded:app:…`), app (`app:…`) and external (URL) forms: not ours to show. */
export function isExternalFormKey(formKey: string): boolean {
  return /^(embedded:|app:|camunda-forms:app:|https?:\/\/)/.test(formKey.trim());
}

/**
 * A user task's form (camunda:formKey naming a form-js form by its id), deployed before or
 * together with the process. A warning, not a refusal: a task without one of our forms — none,
 * an unknown id, Camunda 7's embedded or external forms — opens with the generic variables form.
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
    if (isExternalFormKey(formKey)) {
      report(reporter, node, 'user-task.external-form', { value: formKey }, ['formKey']);
      return;
    }
    if (config.forms && !isExpression(formKey) && !config.forms.includes(formIdOfKey(formKey))) {
      report(reporter, node, 'user-task.unknown-form', { value: formKey }, ['formKey']);
    }
  },
});

export default userTaskForm;

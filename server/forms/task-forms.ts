import type { Db } from '../db/index.js';
import { isExpression, resolveTemplate } from '../engine/expressions.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { FormsService, isExternalFormKey } from './forms.service.js';

interface TaskRef {
  id: string;
  instance_id: string;
  definition_id: string;
  form_key: string | null;
  locals?: Record<string, unknown> | null;
}

export interface TaskForm {
  taskId: string;
  formKey: string;
  form: { id: string; formId: string; version: number; name: string | null };
  schema: Record<string, unknown>;
  /** The instance's (and task's) current values of the fields the form binds. */
  data: Record<string, unknown>;
}

/** A task's form and the server-side check of its completion (issue 5 §7). */
export class TaskForms {
  constructor(
    private readonly db: Db,
    readonly forms: FormsService,
  ) {}

  private async variables(task: TaskRef): Promise<Record<string, unknown>> {
    const instance = await this.db('process_instances')
      .where({ id: task.instance_id })
      .first<{ variables: Record<string, unknown> | null } | undefined>('variables');
    return { ...(instance?.variables ?? {}), ...(task.locals ?? {}) };
  }

  /** The form id a task's formKey names (a `${…}` formKey is resolved over the variables). */
  private formKeyOf(task: TaskRef, variables: Record<string, unknown>): string | null {
    if (!task.form_key || isExternalFormKey(task.form_key)) return null;
    if (!isExpression(task.form_key)) return task.form_key;
    const value = resolveTemplate(task.form_key, (name) =>
      Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined,
    );
    return typeof value === 'string' && value ? value : null;
  }

  /** The form of a task the caller may already see (visibility is the caller's check). */
  async forTask(task: TaskRef): Promise<TaskForm> {
    const variables = await this.variables(task);
    const formKey = this.formKeyOf(task, variables);
    if (!formKey) throw new NotFound('form of task', task.id);
    const form = await this.forms.resolve(formKey, task.definition_id);
    if (!form) throw new NotFound('form', formKey);
    return {
      taskId: task.id,
      formKey,
      form: { id: form.id, formId: form.form_id, version: form.version, name: form.name },
      schema: form.schema as unknown as Record<string, unknown>,
      data: this.forms.formData(form.schema, variables),
    };
  }

  /**
   * Refuses a completion whose variables the task's form does not accept: 400 FORM_INVALID with
   * one detail per field ({ field, reason, message }). Called before anything is written.
   */
  async checkCompletion(taskId: string, submitted: Record<string, unknown>): Promise<void> {
    const task = await this.db('tasks')
      .where({ id: taskId })
      .first<TaskRef | undefined>('id', 'instance_id', 'definition_id', 'form_key', 'locals');
    if (!task?.form_key) return;
    const variables = await this.variables(task);
    const formKey = this.formKeyOf(task, variables);
    if (!formKey) return;
    const form = await this.forms.resolve(formKey, task.definition_id);
    if (!form) return;
    const errors = this.forms.check(form.schema, variables, submitted);
    if (errors.length) {
      const details = errors.map((e) => ({ field: e.field, reason: e.reason, message: e.message }));
      // problem+json carries them as `errors` (like every 400) and as `details` (the forms contract).
      throw new Invalid(
        'FORM_INVALID',
        `the form "${form.form_id}" does not accept these values: ${errors[0]?.message}`,
        details,
        { details },
      );
    }
  }
}

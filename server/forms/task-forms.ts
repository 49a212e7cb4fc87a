import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import { expressionBodies, isExpression, resolveTemplate, rootIdentifiers } from '../engine/expressions.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { FormsService, isExternalFormKey } from './forms.service.js';
import { FormLookups } from './lookups.js';
import { describeVariables, type TypedVariable } from './typed-variables.js';

interface TaskRef {
  id: string;
  instance_id: string;
  definition_id: string;
  form_key: string | null;
  department_id?: string | null;
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

/** GET /tasks/:id/variables: what the generic form shows (generic-form.contract.ts). */
export interface GenericForm {
  taskId: string;
  variables: TypedVariable[];
  /** Variables the process reads in its expressions: removing one would break a later step. */
  required: string[];
}

// Every task page reads it (form and draft): one text, planned once per connection.
const INSTANCE_VARIABLES = new Prepared<{ variables: Record<string, unknown> | null }>(
  'instance_variables',
  'SELECT variables FROM process_instances WHERE id = ?',
);

/** A task's form and the server-side check of its completion (issue 5 §7). */
export class TaskForms {
  constructor(
    private readonly db: Db,
    readonly forms: FormsService,
    private readonly lookups: FormLookups = new FormLookups(),
  ) {}

  private async variables(task: TaskRef): Promise<Record<string, unknown>> {
    const instance = await INSTANCE_VARIABLES.first(this.db, [task.instance_id]);
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
      data: {
        ...this.forms.formData(form.schema, variables),
        ...(await this.lookups.fill(form.schema, { departmentId: task.department_id ?? null })),
      },
    };
  }

  /**
   * The generic form of a task without one of our forms (like Camunda Tasklist's): the task's
   * variables — the instance's, and its own locals over them — each with the type it is edited as.
   */
  async genericForm(task: TaskRef): Promise<GenericForm> {
    return {
      taskId: task.id,
      variables: describeVariables(await this.variables(task)),
      required: await this.requiredVariables(task.definition_id),
    };
  }

  /**
   * The variables a process reads in its expressions (conditions, assignees, inputs, due dates…),
   * read from the deployed XML: the ones a completion may not remove.
   */
  async requiredVariables(definitionId: string, trx: Db = this.db): Promise<string[]> {
    const definition = await trx('process_definitions')
      .where({ id: definitionId })
      .first<{ xml: string } | undefined>('xml');
    const xml = decodeEntities(definition?.xml ?? '');
    const names = new Set<string>();
    for (const body of expressionBodies(xml)) {
      try {
        for (const name of rootIdentifiers(body)) names.add(name);
      } catch {
        // The deploy validated every expression; text that only looks like one reads nothing.
      }
    }
    return [...names].sort();
  }

  /**
   * Refuses a completion whose variables the task's form does not accept: 400 FORM_INVALID with
   * one detail per field ({ field, reason, message }). Called before anything is written.
   */
  async checkCompletion(taskId: string, submitted: Record<string, unknown>): Promise<void> {
    const task = await this.db('tasks')
      .where({ id: taskId })
      .first<TaskRef | undefined>('id', 'instance_id', 'definition_id', 'form_key', 'department_id', 'locals');
    if (!task?.form_key) return;
    const instance = await INSTANCE_VARIABLES.first(this.db, [task.instance_id]);
    await this.checkLockedCompletion(task, instance?.variables ?? {}, submitted, this.db);
  }

  /**
   * `checkCompletion` for a task and instance the caller has already read (and locked) in `trx`:
   * the only reads left are the form itself and the options of its lookups, in the same
   * transaction.
   */
  async checkLockedCompletion(
    task: TaskRef,
    instanceVariables: Record<string, unknown> | null,
    submitted: Record<string, unknown>,
    trx: Db,
  ): Promise<void> {
    if (!task.form_key) return;
    const variables = { ...(instanceVariables ?? {}), ...(task.locals ?? {}) };
    const formKey = this.formKeyOf(task, variables);
    if (!formKey) return;
    const form = await this.forms.resolve(formKey, task.definition_id, trx);
    if (!form) return;
    // Options from a lookup are the server's, never the submission's.
    const options = await this.lookups.fill(form.schema, { departmentId: task.department_id ?? null, db: trx });
    const errors = this.forms.check(form.schema, variables, { ...submitted, ...options });
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

/** The XML entities an expression in an attribute or a text may hold (`${a &gt; 1}`). */
function decodeEntities(xml: string): string {
  return xml
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

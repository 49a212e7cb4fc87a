import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { Invalid, NotFound, type ErrorDetail } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import { toForm, toFormSummary, type Form, type FormSummary, type FormSummaryRow } from './form.contract.js';
import { formIdOfKey, isExternalFormKey } from '../lint/rules/user-task-form.js';
import { Prepared } from '../db/prepared.js';
import { formFields, validateFormData, type FieldError, type FormComponent, type FormSchema } from './validate.js';

export interface FormRow {
  id: string;
  form_id: string;
  version: number;
  name: string | null;
  schema: FormSchema;
  deployed_by: string;
  deployed_at: Date;
}

const FORM_ID = /^[A-Za-z][\w.-]{0,99}$/;
const MAX_COMPONENTS = 500;

// One reading of a formKey for the designer's lint and the server alike: Camunda 7 embedded,
// application and URL forms are not ours (their tasks open with the generic variables form).
export { formIdOfKey, isExternalFormKey } from '../lint/rules/user-task-form.js';

/** Checks that an uploaded document is a form-js schema with an id; throws 400 FORM_SCHEMA_INVALID. */
export function parseFormDocument(raw: unknown, where = 'form'): FormSchema {
  const problems: ErrorDetail[] = [];
  let doc = raw;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (err) {
      throw new Invalid('FORM_SCHEMA_INVALID', `${where} is not JSON: ${(err as Error).message}`, [
        { field: where, reason: 'not JSON' },
      ]);
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Invalid('FORM_SCHEMA_INVALID', `${where} must be a form-js schema object`, [
      { field: where, reason: 'not an object' },
    ]);
  }
  const form = doc as Partial<FormSchema>;
  if (typeof form.id !== 'string' || !FORM_ID.test(form.id)) {
    problems.push({
      field: `${where}.id`,
      reason: 'a form needs an id (letters, digits, . _ -), e.g. "nc.acceptance"',
    });
  }
  if (!Array.isArray(form.components)) problems.push({ field: `${where}.components`, reason: 'must be a list' });
  let count = 0;
  const keys = new Set<string>();
  const walk = (components: unknown, path: string) => {
    if (!Array.isArray(components)) return;
    components.forEach((c: unknown, i) => {
      count++;
      const at = `${path}[${i}]`;
      if (!c || typeof c !== 'object' || typeof (c as FormComponent).type !== 'string') {
        problems.push({ field: at, reason: 'a component needs a type' });
        return;
      }
      const component = c as FormComponent;
      if (component.key !== undefined && typeof component.key !== 'string')
        problems.push({ field: `${at}.key`, reason: 'must be text' });
      walk(component.components, `${at}.components`);
    });
  };
  walk(form.components, `${where}.components`);
  if (count > MAX_COMPONENTS) problems.push({ field: where, reason: `more than ${MAX_COMPONENTS} components` });
  if (Array.isArray(form.components)) {
    for (const field of formFields(form as FormSchema)) {
      const key = field.path.join('.');
      if (keys.has(key) && field.component.type !== 'radio')
        problems.push({ field: `${where}:${key}`, reason: `two fields bind the key "${key}"` });
      keys.add(key);
    }
  }
  if (problems.length) {
    throw new Invalid('FORM_SCHEMA_INVALID', `${where}: ${problems[0]?.reason}`, problems);
  }
  return form as FormSchema;
}

/** Stable JSON (sorted keys), so that re-deploying the same form is recognised whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const COLUMNS = ['id', 'form_id', 'version', 'name', 'schema', 'deployed_by', 'deployed_at'];

/** The form deployed with a process version (`linked`), else the latest version of the form id. */
const RESOLVE = new Prepared<FormRow & { linked: boolean }>(
  'forms_resolve',
  `SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')}, linked FROM (
     SELECT ${COLUMNS.map((c) => `f."${c}"`).join(', ')}, true AS linked
     FROM definition_forms l JOIN forms f ON f.id = l.form_version_id
     WHERE l.definition_id = ? AND l.form_id = ?
     UNION ALL
     (SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')}, false FROM forms WHERE form_id = ? ORDER BY version DESC LIMIT 1)
   ) found ORDER BY linked DESC LIMIT 1`,
);
/** Enough for every form of every version a node runs; past it the oldest entry goes. */
const MAX_LINKED = 5000;

/**
 * Task forms: form-js schemas deployed with processes (versioned per form id), resolved for a
 * task by its formKey, and the server-side check of a submission (issue 5 §7).
 */
export class FormsService {
  /** Forms linked to process versions, by version and form id (see `resolve`). */
  private readonly linked = new Map<string, FormRow>();

  constructor(private readonly db: Db) {}

  /**
   * Stores forms as the next version of their ids inside a deployment's transaction; a form
   * identical to its latest version is that version. Returns form id → stored row id.
   */
  async deployForms(trx: Db, forms: FormSchema[], actor: Actor): Promise<Map<string, string>> {
    const stored = new Map<string, string>();
    for (const form of forms) {
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`form:${form.id}`]);
      const hash = createHash('sha256').update(canonical(form)).digest('hex');
      const latest = await trx('forms')
        .where({ form_id: form.id })
        .orderBy('version', 'desc')
        .first<{ id: string; version: number; schema_hash: string } | undefined>('id', 'version', 'schema_hash');
      if (latest && latest.schema_hash === hash) {
        stored.set(form.id, latest.id);
        continue;
      }
      const id = randomUUID();
      await trx('forms').insert({
        id,
        form_id: form.id,
        version: Number(latest?.version ?? 0) + 1,
        name: typeof form.name === 'string' ? form.name : null,
        schema: JSON.stringify(form),
        schema_hash: hash,
        deployed_by: actor.username,
      });
      stored.set(form.id, id);
    }
    return stored;
  }

  /**
   * Links a deployed process version to the forms its user tasks name: the version deployed
   * with it, else the latest. Throws 400 FORM_NOT_FOUND naming every task whose form is missing.
   */
  async linkDefinition(
    trx: Db,
    definitionId: string,
    formKeys: { elementId: string; formKey: string }[],
    deployedWith: Map<string, string>,
  ): Promise<void> {
    formKeys = formKeys.filter((k) => !isExternalFormKey(k.formKey));
    const ids = [...new Set(formKeys.map((k) => formIdOfKey(k.formKey)))];
    if (ids.length === 0) return;
    const latest = await this.latestIds(trx, ids);
    const missing = formKeys.filter(
      (k) => !deployedWith.has(formIdOfKey(k.formKey)) && !latest.has(formIdOfKey(k.formKey)),
    );
    // A formKey naming no deployed form is the lint's warning, not a refusal: that task opens
    // with the generic variables form. Only the forms that exist are linked.
    const missingIds = new Set(missing.map((m) => formIdOfKey(m.formKey)));
    const linked = ids.filter((formId) => !missingIds.has(formId));
    if (linked.length === 0) return;
    await trx('definition_forms')
      .insert(
        linked.map((formId) => ({
          definition_id: definitionId,
          form_id: formId,
          form_version_id: deployedWith.get(formId) ?? latest.get(formId),
        })),
      )
      .onConflict(['definition_id', 'form_id'])
      .merge(['form_version_id']);
  }

  private async latestIds(trx: Db, formIds: string[]): Promise<Map<string, string>> {
    const rows: { id: string; form_id: string }[] = await trx('forms as f')
      .whereIn('f.form_id', formIds)
      .whereRaw('f.version = (SELECT max(version) FROM forms g WHERE g.form_id = f.form_id)')
      .select('f.id', 'f.form_id');
    return new Map(rows.map((r) => [r.form_id, r.id]));
  }

  /** Ids of every deployed form (the designer's lint checks formKeys against them). */
  async formIds(): Promise<string[]> {
    return this.db('forms').distinct('form_id').orderBy('form_id').pluck('form_id');
  }

  /** The latest version of each form, or every version of one id. */
  async list(options: { formId?: string | undefined; allVersions?: boolean } = {}): Promise<FormSummary[]> {
    const q = this.db('forms as f')
      .select<FormSummaryRow[]>('f.id', 'f.form_id', 'f.version', 'f.name', 'f.deployed_by', 'f.deployed_at')
      .orderBy([{ column: 'f.form_id' }, { column: 'f.version', order: 'desc' }]);
    if (options.formId) q.where('f.form_id', options.formId);
    if (!options.allVersions) q.whereRaw('f.version = (SELECT max(version) FROM forms g WHERE g.form_id = f.form_id)');
    return (await q).map(toFormSummary);
  }

  /** One form by id: the latest version, or the one asked for. */
  async get(formId: string, version?: number): Promise<Form> {
    const q = this.db('forms').where({ form_id: formId });
    if (version !== undefined) q.where({ version });
    const row = await q.orderBy('version', 'desc').first<FormRow | undefined>(COLUMNS);
    if (!row) throw new NotFound('form', version === undefined ? formId : `${formId} version ${version}`);
    return toForm(row);
  }

  /**
   * The form a task of a process version shows: the one deployed with it, else the latest. One
   * statement; a linked form is kept per node, since neither the link (written when the version is
   * deployed) nor a form version ever changes — only "the latest" does, which is read each time.
   */
  async resolve(formKey: string, definitionId: string, trx: Db = this.db): Promise<FormRow | null> {
    const formId = formIdOfKey(formKey);
    const key = `${definitionId}\u0000${formId}`;
    const kept = this.linked.get(key);
    if (kept) return kept;
    const row = await RESOLVE.first(trx, [definitionId, formId, formId]);
    if (!row) return null;
    const { linked, ...form } = row;
    if (linked) {
      if (this.linked.size >= MAX_LINKED) this.linked.delete(this.linked.keys().next().value as string);
      this.linked.set(key, form);
    }
    return form;
  }

  /** The values a form shows for a task: the instance's variables (and the task's locals) its fields bind. */
  formData(schema: FormSchema, variables: Record<string, unknown>): Record<string, unknown> {
    const roots = new Set<string>();
    const walk = (components: FormComponent[] | undefined) => {
      for (const c of components ?? []) {
        if (c.path) roots.add(c.path.split('.')[0] as string);
        if (c.key) roots.add(c.key.split('.')[0] as string);
        if (c.valuesKey) roots.add(c.valuesKey.split('.')[0] as string);
        walk(c.components);
      }
    };
    walk(schema.components);
    const data: Record<string, unknown> = {};
    for (const root of roots) {
      if (Object.prototype.hasOwnProperty.call(variables, root) && variables[root] !== undefined)
        data[root] = variables[root];
    }
    return data;
  }

  /** Field errors of a submission over the values the form already had; empty when valid. */
  check(schema: FormSchema, current: Record<string, unknown>, submitted: Record<string, unknown>): FieldError[] {
    return validateFormData(schema, { ...this.formData(schema, current), ...submitted });
  }
}

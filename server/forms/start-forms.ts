import type { DefinitionMeta } from '../engine/definitions.js';
import { isExpression } from '../engine/expressions.js';
import type { Actor } from '../lib/actor.js';
import { Invalid } from '../lib/errors.js';
import { FormsService, isExternalFormKey } from './forms.service.js';
import type { FieldError, FormComponent } from './validate.js';

/**
 * Whether the value of a start form's field names a record the starter may act on: null when it
 * does, else the reason (`unknown`, `closed`…) and a sentence. A field asks for one through the
 * form-js custom property `reference` (e.g. `"properties": { "reference": "customer" }`).
 */
export type ReferenceCheck = (value: string, actor: Actor) => Promise<{ reason: string; message: string } | null>;

/** A form-js component with its custom properties (the designer's "Custom properties" group). */
type Referencing = FormComponent & { properties?: Record<string, unknown> };

/**
 * The start form of a process (camunda:formKey on its plain start event) as a check of the start
 * API's variables: the same server-side validation as a task completion (required, pattern,
 * options, types…), then each field's `reference`, so that a start with a missing value or a
 * customer that does not exist is a 400 naming the field, and nothing is written.
 */
export class StartForms {
  constructor(
    private readonly forms: FormsService,
    private readonly references: Readonly<Record<string, ReferenceCheck>> = {},
  ) {}

  /** Refuses (400 FORM_INVALID, one detail per field) variables the start form does not accept. */
  async checkStart(
    definition: { id: string; meta: DefinitionMeta },
    variables: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    const formKey = definition.meta.startForm;
    if (!formKey || isExternalFormKey(formKey) || isExpression(formKey)) return;
    const form = await this.forms.resolve(formKey, definition.id);
    if (!form) return;
    let errors = this.forms.check(form.schema, {}, variables);
    if (!errors.length) errors = await this.referenceErrors(form.schema.components, variables, actor);
    if (!errors.length) return;
    const details = errors.map((e) => ({ field: e.field, reason: e.reason, message: e.message }));
    throw new Invalid(
      'FORM_INVALID',
      `the start form "${form.form_id}" does not accept these values: ${errors[0]?.message}`,
      details,
      { details },
    );
  }

  private async referenceErrors(
    components: FormComponent[] | undefined,
    variables: Record<string, unknown>,
    actor: Actor,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const component of (components ?? []) as Referencing[]) {
      errors.push(...(await this.referenceErrors(component.components, variables, actor)));
      const kind = component.properties?.reference;
      const check = typeof kind === 'string' ? this.references[kind] : undefined;
      const value = component.key ? variables[component.key] : undefined;
      if (!check || !component.key || typeof value !== 'string' || value.trim() === '') continue;
      const problem = await check(value.trim(), actor);
      if (problem) errors.push({ field: component.key, ...problem });
    }
    return errors;
  }
}

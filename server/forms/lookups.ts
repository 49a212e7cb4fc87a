import type { Db } from '../db/index.js';
import type { FormComponent, FormSchema } from './validate.js';

/** One option of a select, radio or checklist, as form-js reads it from `valuesKey`. */
export interface FormOption {
  label: string;
  value: string;
}

/** What a lookup knows of the task whose form it fills. */
export interface LookupContext {
  /** The task's department: a lookup answers what belongs to its subtree. */
  departmentId: string | null;
  /**
   * The transaction the form is checked in (a completion holds its task's lock): a lookup reads
   * through it, since the embedded database has one connection, which the transaction holds.
   */
  db?: Db;
}

export type FormLookup = (ctx: LookupContext) => Promise<FormOption[]>;

/**
 * Options a form takes from the server at the time it is shown (the transformer areas a surveyor
 * may pick, with their spare capacity): a field with `valuesKey` and the form-js custom property
 * `optionsLookup` names a registered lookup, and the task form's data carries its answer under the
 * `valuesKey`. The completion is checked against the same answer, so a value outside it is refused
 * and a client cannot widen the options by sending its own list.
 */
export class FormLookups {
  private readonly lookups: Map<string, FormLookup>;

  constructor(lookups: Record<string, FormLookup> = {}) {
    this.lookups = new Map(Object.entries(lookups));
  }

  names(): string[] {
    return [...this.lookups.keys()];
  }

  /** `{ [valuesKey]: options }` for every field of the form that names a known lookup. */
  async fill(schema: FormSchema, ctx: LookupContext): Promise<Record<string, FormOption[]>> {
    const data: Record<string, FormOption[]> = {};
    const walk = async (components: FormComponent[] | undefined) => {
      for (const c of components ?? []) {
        const name = lookupOf(c);
        const lookup = name ? this.lookups.get(name) : undefined;
        if (lookup && c.valuesKey) data[c.valuesKey] = await lookup(ctx);
        await walk(c.components);
      }
    };
    await walk(schema.components);
    return data;
  }
}

function lookupOf(c: FormComponent): string | null {
  const properties = (c as { properties?: Record<string, unknown> }).properties;
  const name = properties?.optionsLookup;
  return typeof name === 'string' && name ? name : null;
}

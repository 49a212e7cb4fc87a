/**
 * The designer's request and response shapes (drafts, the pickers' catalog), shared by the server
 * and the browser app (`modeler/` imports them with `import type`). Types only: no runtime
 * imports, no Node or knex types. Timestamps are ISO 8601 strings, as the services return them.
 */

/** A form-js form kept with a draft; `id` is what a user task's camunda:formKey names. */
export interface DraftForm {
  id: string;
  schema: Record<string, unknown>;
}

export interface DraftSummary {
  key: string;
  name: string | null;
  revision: number;
  baseVersion: number | null;
  updatedBy: string;
  updatedAt: string;
  createdBy: string;
}

export interface Draft extends DraftSummary {
  xml: string;
  forms: DraftForm[];
}

export interface DraftSave {
  xml: string;
  name?: string | null;
  forms?: DraftForm[];
  /** The revision the designer last loaded: 0 for a new draft. A different stored revision → 409. */
  revision: number;
  baseVersion?: number | null;
}

export interface DesignerCatalog {
  roles: { code: string; name: string; nameEn: string | null }[];
  users: { username: string; displayName: string; departmentId: string }[];
  services: { name: string; description: string; inputs: string[]; outputs: string[] }[];
  /** Deployed process keys: the targets a call activity may name. */
  processes: { key: string; name: string | null; version: number }[];
  /** Form ids already deployed. */
  forms: string[];
}

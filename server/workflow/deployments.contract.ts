/**
 * The deployed-versions response shape, shared by the server and the browser app (`modeler/`
 * imports it with `import type`). Types only: no runtime imports, no Node or knex types.
 *
 * `Time` is how a timestamp is held: the service returns the database's `Date`, which JSON carries
 * as an ISO 8601 string, the default the browser reads.
 */

/** One deployed version as the designer's version list shows it: who deployed it, and when. */
export interface VersionSummary<Time = string> {
  id: string;
  key: string;
  version: number;
  name: string | null;
  deployedBy: string;
  deployedByName: string | null;
  deployedAt: Time;
}

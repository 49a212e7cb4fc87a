import type { Db } from '../db/index.js';
import type { DefinitionMeta } from '../engine/definitions.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import { NotFound } from '../lib/errors.js';
import { Prepared } from '../db/prepared.js';

export interface DefinitionRow {
  id: string;
  deployment_id: string;
  key: string;
  version: number;
  name: string | null;
  xml_hash: string;
  meta: DefinitionMeta;
  deployed_by: string;
  deployed_at: Date;
}

export const DEFINITION_COLUMNS = [
  'id',
  'deployment_id',
  'key',
  'version',
  'name',
  'xml_hash',
  'meta',
  'deployed_by',
  'deployed_at',
];

/** The newest version of a key, read by every start: planned once per connection. */
const LATEST_BY_KEY = new Prepared<DefinitionRow>(
  'definition_latest_by_key',
  `SELECT ${DEFINITION_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM process_definitions WHERE key = ? ORDER BY version DESC LIMIT 1`,
);

/**
 * Deployed versions, cached per node with their serialized engine context: the engine runner
 * parses each once (ARCHITECTURE.md "parse once"), on the thread that runs its steps.
 */
export class DefinitionStore {
  private readonly cache = new Map<string, Promise<DeployedDefinition>>();

  constructor(private readonly db: Db) {}

  load(id: string, trx: Db = this.db): Promise<DeployedDefinition> {
    let loaded = this.cache.get(id);
    if (!loaded) {
      loaded = this.fetch(id, trx);
      this.cache.set(id, loaded);
      loaded.catch(() => this.cache.delete(id));
    }
    return loaded;
  }

  private async fetch(id: string, trx: Db): Promise<DeployedDefinition> {
    const row = await trx('process_definitions')
      .where({ id })
      .first<
        { id: string; key: string; version: number; meta: DefinitionMeta; serialized_context: string } | undefined
      >('id', 'key', 'version', 'meta', 'serialized_context');
    if (!row) throw new NotFound('process definition', id);
    return {
      id: row.id,
      key: row.key,
      version: row.version,
      meta: row.meta,
      serializedContext: row.serialized_context,
    };
  }

  async latestByKey(key: string, trx: Db = this.db): Promise<DefinitionRow | undefined> {
    return LATEST_BY_KEY.first(trx, [key]);
  }

  async byId(id: string, trx: Db = this.db): Promise<DefinitionRow | undefined> {
    return trx('process_definitions').where({ id }).first<DefinitionRow | undefined>(DEFINITION_COLUMNS);
  }
}

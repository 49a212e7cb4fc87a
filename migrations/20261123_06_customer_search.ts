import type { Knex } from 'knex';

/**
 * Trigram indexes for customer search by a fragment of name, phone or address (`LIKE '%…%'`),
 * where pg_trgm can be had. PGlite ships without it and a managed PostgreSQL may refuse
 * CREATE EXTENSION to the application's user: then search still works, by scanning.
 */
export async function up(knex: Knex): Promise<void> {
  const available = await knex.raw(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
  if (available.rows.length === 0) return;
  try {
    // A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
    await knex.transaction(async (sp) => {
      await sp.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await sp.raw('CREATE INDEX customers_name_trgm_idx ON customers USING gin (lower(name) gin_trgm_ops)');
      await sp.raw('CREATE INDEX customers_phone_trgm_idx ON customers USING gin (phone gin_trgm_ops)');
      await sp.raw('CREATE INDEX customers_address_trgm_idx ON customers USING gin (address gin_trgm_ops)');
    });
  } catch {
    // Without the extension the indexes cannot exist; the search is correct without them.
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['customers_name_trgm_idx', 'customers_phone_trgm_idx', 'customers_address_trgm_idx']) {
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  }
}

import type { Knex } from 'knex';

/**
 * An instance's row is updated at every step (its engine state, revision, usually variables). An
 * update can stay on its page without touching any index (a HOT update) only when no indexed
 * column changed and the page has room. The hall's expression index on
 * `variables ->> 'applicantLoginId'` made every change of any variable an indexed change: each
 * such step wrote a new entry into all 22 of the table's indexes, the trigram GIN among them.
 *
 * The applicant becomes a generated column, as the customer columns are (a change of another
 * variable leaves it equal, so the update may be HOT), and the table leaves a fifth of each page
 * free for the next version of its rows. Adding a stored generated column rewrites the table under
 * an exclusive lock (as 20261206_11's customer columns did): on a large installation, instances
 * wait for it, for as long as the table takes to copy.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE process_instances
      ADD COLUMN applicant_login_id text GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(variables -> 'applicantLoginId') = 'string'
             THEN variables ->> 'applicantLoginId' END) STORED`);
  await knex.raw('DROP INDEX IF EXISTS process_instances_applicant_index');
  await knex.raw(
    `CREATE INDEX process_instances_applicant_idx ON process_instances (applicant_login_id, started_at DESC)
       WHERE applicant_login_id IS NOT NULL`,
  );
  // Existing pages keep their fill until rewritten; new and rewritten pages leave the room.
  await knex.raw('ALTER TABLE process_instances SET (fillfactor = 80)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE process_instances RESET (fillfactor)');
  await knex.raw('DROP INDEX IF EXISTS process_instances_applicant_idx');
  await knex.raw(
    `CREATE INDEX process_instances_applicant_index ON process_instances ((variables ->> 'applicantLoginId'), started_at DESC)
     WHERE (variables ->> 'applicantLoginId') IS NOT NULL`,
  );
  await knex.raw('ALTER TABLE process_instances DROP COLUMN IF EXISTS applicant_login_id');
}

import type { Knex } from 'knex';

/**
 * The hall lists a login's applications: the instances whose `applicantLoginId` variable is the
 * login (set by the hall when it starts them). Few instances carry it, so a partial expression
 * index answers the list without scanning every instance's variables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX process_instances_applicant_index ON process_instances ((variables ->> 'applicantLoginId'), started_at DESC)
     WHERE (variables ->> 'applicantLoginId') IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX process_instances_applicant_index');
}

import type { Knex } from 'knex';

/**
 * Scheduled reports (server/reports/schedules.service.ts): a user's schedule of one report with
 * its parameters, daily or monthly, and the files its runs produced (the .xlsx bytes kept in the
 * database, the newest few per schedule). Plus the index the arrears detail pages by.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_schedules', (t) => {
    t.uuid('id').primary();
    t.uuid('owner_id').notNullable().references('users.id');
    t.text('report_id').notNullable();
    // { departmentId?, category? }: the dates follow from the frequency at each run
    t.jsonb('parameters').notNullable().defaultTo('{}');
    t.text('frequency').notNullable(); // daily | monthly
    t.text('language').notNullable(); // zh | en
    // The utility day (Asia/Shanghai) from which the next run is due
    t.date('next_run_on').notNullable();
    t.timestamp('last_run_at', { useTz: true });
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['owner_id']);
    t.index(['next_run_on']);
  });
  await knex.raw(
    `ALTER TABLE report_schedules ADD CONSTRAINT report_schedules_frequency CHECK (frequency IN ('daily', 'monthly'))`,
  );
  await knex.raw(
    `ALTER TABLE report_schedules ADD CONSTRAINT report_schedules_language CHECK (language IN ('zh', 'en'))`,
  );
  await knex.schema.createTable('report_files', (t) => {
    t.uuid('id').primary();
    t.uuid('schedule_id').notNullable().references('report_schedules.id').onDelete('CASCADE');
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.binary('bytes').notNullable();
    // The parameters the run used, dates included
    t.jsonb('parameters').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['schedule_id', 'created_at']);
  });
  // The arrears detail finds the unsettled bills of a page of customers, and the collection
  // report all of a scope's: only the unsettled few of a customer's bills are in this index.
  await knex.raw(
    `CREATE INDEX bills_unsettled_customer_idx ON bills (customer_id, period) WHERE status IN ('issued', 'partly_paid')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS bills_unsettled_customer_idx');
  await knex.schema.dropTableIfExists('report_files');
  await knex.schema.dropTableIfExists('report_schedules');
}

import type { Knex } from 'knex';

/**
 * The billing run (DOMAIN.md §4 chain: calculate → audit → issue): a `billing_runs` row per run
 * with its progress, and on bills the audit findings that hold a bill (`held`, no due date yet),
 * the energy billed (the tier year and the audit history read it back) and the run that wrote it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_runs', (t) => {
    t.uuid('id').primary();
    t.text('period').notNullable();
    t.text('department_id').references('departments.id'); // null: every department
    t.text('status').notNullable().defaultTo('running'); // running | completed | failed
    t.text('node_id').notNullable();
    t.text('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('heartbeat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.integer('customers').notNullable().defaultTo(0); // in scope, counted before the first chunk
    t.integer('processed').notNullable().defaultTo(0);
    t.integer('billed').notNullable().defaultTo(0);
    t.integer('held').notNullable().defaultTo(0);
    t.integer('skipped_without_readings').notNullable().defaultTo(0);
    t.integer('kept_paid').notNullable().defaultTo(0); // bills with payments are never changed
    t.integer('errors').notNullable().defaultTo(0);
    t.jsonb('error_samples').notNullable().defaultTo('[]');
    t.text('failure');
    t.index(['period', 'started_at']);
  });
  await knex.raw(
    `ALTER TABLE billing_runs ADD CONSTRAINT billing_runs_status_check CHECK (status IN ('running', 'completed', 'failed'))`,
  );
  await knex.raw(
    `ALTER TABLE billing_runs ADD CONSTRAINT billing_runs_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')`,
  );
  // One running run per period: two overlapping runs would race on the same bills.
  await knex.raw(`CREATE UNIQUE INDEX billing_runs_one_running_idx ON billing_runs (period) WHERE status = 'running'`);

  await knex.schema.alterTable('bills', (t) => {
    t.jsonb('audit_flags').notNullable().defaultTo('[]');
    t.decimal('consumption_kwh', 14, 2);
    t.uuid('billing_run_id').references('billing_runs.id');
  });
  await knex.raw('ALTER TABLE bills DROP CONSTRAINT bills_status_check');
  await knex.raw(
    `ALTER TABLE bills ADD CONSTRAINT bills_status_check CHECK (status IN ('held', 'issued', 'partly_paid', 'settled', 'written_off'))`,
  );
  // A held bill waits for its audit and has no due date yet; every other bill has one.
  await knex.raw('ALTER TABLE bills ALTER COLUMN due_date DROP NOT NULL');
  await knex.raw(
    `ALTER TABLE bills ADD CONSTRAINT bills_due_date_check CHECK (status = 'held' OR due_date IS NOT NULL)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE bills DROP CONSTRAINT bills_due_date_check');
  await knex('bills').where({ status: 'held' }).delete();
  await knex.raw('ALTER TABLE bills ALTER COLUMN due_date SET NOT NULL');
  await knex.raw('ALTER TABLE bills DROP CONSTRAINT bills_status_check');
  await knex.raw(
    `ALTER TABLE bills ADD CONSTRAINT bills_status_check CHECK (status IN ('issued', 'partly_paid', 'settled', 'written_off'))`,
  );
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('billing_run_id');
    t.dropColumn('consumption_kwh');
    t.dropColumn('audit_flags');
  });
  await knex.schema.dropTableIfExists('billing_runs');
}

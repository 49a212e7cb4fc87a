import type { Knex } from 'knex';

/**
 * What the billing, arrears and high-risk processes keep beside the engine's rows (issue 5 §3–§5):
 * - `daily_job_runs`: one row per daily job and day, so the nightly screening and the overdue scan
 *   run once a day however many nodes poll (the insert is the claim);
 * - `process_billing_runs`: the billing run a service task started (re-runs of the task reuse it);
 * - `risk_screenings`: the nightly result per screened customer (rules, level, arrears split);
 * - `risk_warnings`: one warning work order per high-risk customer and its feedback;
 * - `risk_daily_stats`: daily counts by province, industry and level for the HQ dashboard.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('daily_job_runs', (t) => {
    t.text('name').notNullable();
    t.date('run_date').notNullable();
    t.text('status').notNullable().defaultTo('running'); // running | completed | failed
    t.text('node_id');
    t.jsonb('result').notNullable().defaultTo('{}');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    t.primary(['name', 'run_date']);
  });

  await knex.schema.createTable('process_billing_runs', (t) => {
    t.text('idempotency_key').primary();
    t.uuid('billing_run_id').notNullable().references('billing_runs.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('risk_screenings', (t) => {
    t.date('screen_date').notNullable();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('department_id').notNullable();
    t.text('province_id');
    t.text('industry');
    t.text('level'); // A | B | C; null: not high-risk (kept for group members that roll up)
    t.specificType('rules', 'text[]').notNullable().defaultTo('{}');
    t.decimal('arrears_current_year', 16, 2).notNullable().defaultTo(0);
    t.decimal('arrears_prior_years', 16, 2).notNullable().defaultTo(0);
    t.decimal('arrears_total', 16, 2).notNullable().defaultTo(0);
    t.uuid('group_root_id');
    t.primary(['screen_date', 'customer_id']);
    t.index(['screen_date', 'province_id', 'level']);
  });

  await knex.schema.createTable('risk_warnings', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('account_no').notNullable();
    t.text('department_id').notNullable();
    t.text('province_id');
    t.text('industry');
    t.text('level').notNullable();
    t.specificType('rules', 'text[]').notNullable().defaultTo('{}');
    t.decimal('arrears_total', 16, 2).notNullable().defaultTo(0);
    t.date('screen_date').notNullable();
    t.uuid('instance_id');
    t.text('status').notNullable().defaultTo('open'); // open | reported | escalated | closed
    t.timestamp('deadline_at', { useTz: true });
    t.boolean('overdue').notNullable().defaultTo(false);
    t.integer('tactic');
    t.text('measure');
    t.text('evidence');
    t.boolean('measure_compliant');
    t.integer('escalations').notNullable().defaultTo(0);
    t.text('reported_by');
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('reported_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.index(['customer_id', 'status']);
    t.index(['province_id', 'status']);
  });
  // One open warning per customer: the nightly screening never opens a second one beside it.
  await knex.raw(
    `CREATE UNIQUE INDEX risk_warnings_one_open_idx ON risk_warnings (customer_id) WHERE status <> 'closed'`,
  );

  await knex.schema.createTable('risk_daily_stats', (t) => {
    t.date('stat_date').notNullable();
    t.text('province_id').notNullable();
    t.text('industry').notNullable(); // HUE_TRADE_TYPE_CODE, or '-' when none
    t.text('level').notNullable();
    t.integer('high_risk').notNullable().defaultTo(0);
    t.integer('open_warnings').notNullable().defaultTo(0);
    t.integer('overdue_warnings').notNullable().defaultTo(0);
    t.decimal('arrears_total', 18, 2).notNullable().defaultTo(0);
    t.primary(['stat_date', 'province_id', 'industry', 'level']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'risk_daily_stats',
    'risk_warnings',
    'risk_screenings',
    'process_billing_runs',
    'daily_job_runs',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}

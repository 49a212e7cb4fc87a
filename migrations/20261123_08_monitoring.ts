import type { Knex } from 'knex';

/**
 * Monitoring (issue 8): indexes the dashboards read through, a daily rollup of activity and task
 * durations (so that statistics over a million history rows read thousands of rows, not
 * millions), SLA alerts emitted once per task and kind, and their acknowledgements.
 */
export async function up(knex: Knex): Promise<void> {
  // Tokens waiting now: the few history rows still open, per definition and element.
  await knex.raw(
    `CREATE INDEX activity_history_open_idx ON activity_history (definition_id, element_id, department_id) WHERE ended_at IS NULL`,
  );
  // The rollup and the live tail after it read history by the time an activity ended.
  await knex.raw(`CREATE INDEX activity_history_ended_idx ON activity_history (ended_at)`);
  await knex.raw(
    `CREATE INDEX tasks_completed_at_idx ON tasks (definition_id, completed_at) WHERE status = 'completed'`,
  );
  await knex.raw(`CREATE INDEX tasks_open_definition_idx ON tasks (definition_id, element_id) WHERE status = 'open'`);
  // The SLA scan reads open tasks by deadline, and those created since its previous pass.
  await knex.raw(`CREATE INDEX tasks_open_due_idx ON tasks (due_at) WHERE status = 'open' AND due_at IS NOT NULL`);
  await knex.raw(`CREATE INDEX tasks_open_created_idx ON tasks (created_at) WHERE status = 'open'`);
  // Throughput: instances started and ended per period of one process.
  await knex.raw(`CREATE INDEX process_instances_started_idx ON process_instances (definition_key, started_at)`);
  await knex.raw(
    `CREATE INDEX process_instances_ended_idx ON process_instances (definition_key, ended_at) WHERE ended_at IS NOT NULL`,
  );

  // An instance's own deadline (e.g. the connection SLA of the whole process), when it has one.
  await knex.schema.alterTable('process_instances', (t) => {
    t.timestamp('due_at', { useTz: true });
  });
  await knex.raw(
    `CREATE INDEX process_instances_open_due_idx ON process_instances (due_at) WHERE status = 'running' AND due_at IS NOT NULL`,
  );

  // Closed days of history, aggregated per definition version, department, element and metric
  // (duration | wait | work | sla) into one row holding a histogram (fixed bins, see
  // server/monitoring/histogram.ts): exact counts and means, percentiles interpolated within a bin.
  // One row per day and element whatever the volume, so a period's statistics read few rows.
  await knex.schema.createTable('monitoring_element_stats', (t) => {
    t.uuid('definition_id').notNullable();
    t.date('day').notNullable();
    t.text('department_id').notNullable(); // '' for instances without a department
    t.text('element_id').notNullable();
    t.text('metric').notNullable();
    t.bigInteger('count').notNullable();
    t.bigInteger('total_ms').notNullable();
    t.specificType('bins', 'bigint[]').notNullable();
    t.primary(['definition_id', 'day', 'department_id', 'element_id', 'metric']);
  });
  await knex.schema.createTable('monitoring_rollup_state', (t) => {
    t.integer('id').primary();
    // Everything that ended before this instant is in monitoring_element_stats; null: nothing yet.
    t.timestamp('rolled_until', { useTz: true });
    t.timestamp('refreshed_at', { useTz: true });
  });
  await knex('monitoring_rollup_state').insert({ id: 1, rolled_until: null });

  // One row per (subject, kind) ever raised: the unique key lets every node scan, only one emits.
  await knex.schema.createTable('sla_alerts', (t) => {
    t.bigIncrements('id');
    t.text('subject_type').notNullable(); // task | instance
    t.uuid('subject_id').notNullable();
    t.text('kind').notNullable(); // due-soon | breached
    t.uuid('instance_id').notNullable();
    t.text('department_id');
    t.text('definition_key');
    t.text('element_id');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('raised_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['subject_type', 'subject_id', 'kind']);
    t.index(['department_id', 'raised_at']);
  });
  await knex.schema.createTable('sla_acknowledgements', (t) => {
    t.text('subject_type').notNullable();
    t.uuid('subject_id').notNullable();
    t.text('kind').notNullable();
    t.text('acknowledged_by').notNullable();
    t.timestamp('acknowledged_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('note');
    t.primary(['subject_type', 'subject_id', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['sla_acknowledgements', 'sla_alerts', 'monitoring_rollup_state', 'monitoring_element_stats']) {
    await knex.schema.dropTableIfExists(table);
  }
  for (const index of [
    'process_instances_open_due_idx',
    'process_instances_ended_idx',
    'process_instances_started_idx',
    'tasks_open_created_idx',
    'tasks_open_due_idx',
    'tasks_open_definition_idx',
    'tasks_completed_at_idx',
    'activity_history_ended_idx',
    'activity_history_open_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  }
  await knex.schema.alterTable('process_instances', (t) => t.dropColumn('due_at'));
}

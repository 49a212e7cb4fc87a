import type { Knex } from 'knex';

/** Durable BPMN runtime: deployed versions, instances, tasks, jobs, incidents, messages, history, outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployments', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('source').notNullable().defaultTo('api');
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('process_definitions', (t) => {
    t.uuid('id').primary();
    t.uuid('deployment_id').notNullable().references('deployments.id');
    t.text('key').notNullable();
    t.integer('version').notNullable();
    t.text('name');
    t.text('xml').notNullable();
    t.text('xml_hash').notNullable();
    t.text('serialized_context').notNullable();
    t.jsonb('meta').notNullable();
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['key', 'version']);
    t.unique(['key', 'xml_hash']);
  });

  await knex.schema.createTable('process_instances', (t) => {
    t.uuid('id').primary();
    t.uuid('definition_id').notNullable().references('process_definitions.id');
    t.text('definition_key').notNullable();
    t.integer('definition_version').notNullable();
    t.text('business_key');
    t.text('department_id');
    t.text('status').notNullable(); // running | completed | cancelled | failed
    t.jsonb('state');
    t.jsonb('variables').notNullable().defaultTo('{}');
    t.integer('revision').notNullable().defaultTo(0);
    t.uuid('parent_instance_id').references('process_instances.id');
    t.text('parent_execution_id');
    t.uuid('root_instance_id');
    t.text('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
    t.text('end_reason');
    t.integer('open_incidents').notNullable().defaultTo(0);
    // Whether the last step left timer jobs or message subscriptions: the next step skips the
    // cleanup queries when it did not (most steps of most processes).
    t.boolean('has_timers').notNullable().defaultTo(false);
    t.boolean('has_subscriptions').notNullable().defaultTo(false);
    t.index(['definition_key', 'status']);
    t.index(['business_key']);
    t.index(['department_id', 'status']);
    t.unique(['parent_instance_id', 'parent_execution_id']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.uuid('definition_id').notNullable();
    t.text('definition_key').notNullable();
    t.text('element_id').notNullable();
    t.text('execution_id').notNullable().unique();
    t.text('name');
    t.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}');
    t.specificType('candidate_users', 'text[]').notNullable().defaultTo('{}');
    t.text('assignee');
    t.text('form_key');
    t.timestamp('due_at', { useTz: true });
    t.timestamp('follow_up_at', { useTz: true });
    t.integer('priority').notNullable().defaultTo(50);
    t.text('status').notNullable(); // open | completed | cancelled
    t.text('department_id');
    t.text('business_key');
    t.jsonb('locals');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.text('completed_by');
    t.integer('revision').notNullable().defaultTo(0);
    t.index(['instance_id', 'status']);
  });
  // The worklist reads open tasks by group, department and age; a partial index keeps it small.
  await knex.raw(`CREATE INDEX tasks_open_groups_idx ON tasks USING gin (candidate_groups) WHERE status = 'open'`);
  await knex.raw(`CREATE INDEX tasks_open_assignee_idx ON tasks (assignee, created_at) WHERE status = 'open'`);
  await knex.raw(`CREATE INDEX tasks_open_department_idx ON tasks (department_id, created_at) WHERE status = 'open'`);
  await knex.raw(`CREATE INDEX tasks_open_department_due_idx ON tasks (department_id, due_at) WHERE status = 'open'`);
  await knex.raw(
    `CREATE INDEX tasks_open_candidate_users_idx ON tasks USING gin (candidate_users) WHERE status = 'open'`,
  );
  await knex.raw(
    `CREATE INDEX tasks_completed_by_idx ON tasks (completed_by, completed_at) WHERE status = 'completed'`,
  );

  await knex.schema.createTable('jobs', (t) => {
    t.uuid('id').primary();
    t.text('type').notNullable(); // timer | service | call-result
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('execution_id').notNullable();
    t.text('element_id').notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.text('locked_by');
    t.timestamp('locked_until', { useTz: true });
    t.integer('retries').notNullable().defaultTo(3);
    t.integer('attempts').notNullable().defaultTo(0);
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.text('last_error');
    t.boolean('suspended').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['instance_id', 'type', 'execution_id']);
  });
  await knex.raw(`CREATE INDEX jobs_due_idx ON jobs (due_at) WHERE NOT suspended`);

  await knex.schema.createTable('incidents', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.uuid('job_id');
    t.text('type').notNullable(); // failed-job | failed-instance
    t.text('element_id');
    t.text('execution_id');
    t.text('message').notNullable();
    t.text('status').notNullable(); // open | resolved
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('resolved_at', { useTz: true });
    t.text('resolved_by');
    t.index(['status', 'created_at']);
    t.index(['instance_id']);
  });

  await knex.schema.createTable('message_subscriptions', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('execution_id').notNullable().unique();
    t.text('element_id').notNullable();
    t.text('message_name').notNullable();
    t.text('business_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['message_name', 'business_key']);
  });

  await knex.schema.createTable('activity_history', (t) => {
    t.bigIncrements('id');
    t.uuid('instance_id').notNullable();
    t.uuid('definition_id').notNullable();
    t.text('definition_key').notNullable();
    t.text('department_id');
    t.text('element_id').notNullable();
    t.text('element_type').notNullable();
    t.text('execution_id').notNullable().unique();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true });
    t.bigInteger('duration_ms');
    t.text('outcome'); // completed | discarded
    t.text('actor');
    t.index(['instance_id', 'started_at']);
    t.index(['definition_key', 'element_id', 'started_at']);
  });

  await knex.schema.createTable('operation_log', (t) => {
    t.bigIncrements('id');
    t.uuid('instance_id');
    t.uuid('task_id');
    t.text('operation').notNullable();
    t.text('actor').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['instance_id', 'at']);
    t.index(['task_id']);
  });

  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.text('topic').notNullable();
    t.text('department_id');
    t.text('definition_key');
    t.uuid('instance_id');
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'outbox',
    'operation_log',
    'activity_history',
    'message_subscriptions',
    'incidents',
    'jobs',
    'tasks',
    'process_instances',
    'process_definitions',
    'deployments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}

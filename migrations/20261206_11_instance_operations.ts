import type { Knex } from 'knex';
import { grantToLoadedPolicy, type Grant } from './policy-grants.js';

/** What operators newly may do, granted to the roles that already cancel instances and retry incidents. */
const GRANTS: Grant[] = [
  ['team_leader', 'instance', 'suspend'],
  ['team_leader', 'instance', 'update'],
  ['team_leader', 'batch', 'read'],
  ['team_leader', 'batch', 'create'],
  ['department_manager', 'instance', 'suspend'],
  ['department_manager', 'instance', 'update'],
  ['department_manager', 'batch', 'read'],
  ['department_manager', 'batch', 'create'],
];

/**
 * Operating instances (Cockpit-like): suspension, the customer an instance is about (read from its
 * variables by generated columns, so no step writes them), the indexes the instance search needs
 * at a million rows, the history of variables edited by hand, and batches of operations run one
 * instance per transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.timestamp('suspended_at', { useTz: true });
    t.text('suspended_by');
  });
  // Generated from the variables the processes set (customerId, accountNo, customerName): the
  // instance search finds the customer without a join and no step has to maintain them.
  await knex.raw(`
    ALTER TABLE process_instances
      ADD COLUMN account_no text GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(variables -> 'accountNo') = 'string' AND length(variables ->> 'accountNo') <= 64
             THEN variables ->> 'accountNo' END) STORED,
      ADD COLUMN customer_id text GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(variables -> 'customerId') = 'string' AND length(variables ->> 'customerId') <= 64
             THEN variables ->> 'customerId' END) STORED,
      ADD COLUMN customer_name text GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(variables -> 'customerName') = 'string'
             THEN left(variables ->> 'customerName', 200) END) STORED`);
  for (const sql of [
    `CREATE INDEX process_instances_started_id_idx ON process_instances (started_at DESC, id)`,
    `CREATE INDEX process_instances_status_started_idx ON process_instances (status, started_at DESC)`,
    `CREATE INDEX process_instances_department_started_idx ON process_instances (department_id, started_at DESC)`,
    `CREATE INDEX process_instances_version_started_idx ON process_instances (definition_key, definition_version, started_at DESC)`,
    `CREATE INDEX process_instances_ended_at_idx ON process_instances (ended_at DESC) WHERE ended_at IS NOT NULL`,
    `CREATE INDEX process_instances_incident_idx ON process_instances (started_at DESC) WHERE open_incidents > 0`,
    `CREATE INDEX process_instances_suspended_idx ON process_instances (started_at DESC) WHERE suspended_at IS NOT NULL`,
    `CREATE INDEX process_instances_account_no_idx ON process_instances (account_no)`,
    `CREATE INDEX process_instances_customer_id_idx ON process_instances (customer_id)`,
    `CREATE INDEX process_instances_business_key_prefix_idx ON process_instances (lower(business_key) text_pattern_ops)`,
    `CREATE INDEX process_instances_customer_name_prefix_idx ON process_instances (lower(customer_name) text_pattern_ops)`,
    // "Current step": the instances waiting at an element, found from what waits there.
    `CREATE INDEX tasks_open_element_idx ON tasks (element_id) WHERE status = 'open'`,
    `CREATE INDEX jobs_element_idx ON jobs (element_id)`,
    `CREATE INDEX message_subscriptions_element_idx ON message_subscriptions (element_id)`,
    `CREATE INDEX external_tasks_element_idx ON external_tasks (element_id)`,
    `CREATE INDEX incidents_open_message_idx ON incidents (created_at DESC) WHERE status = 'open'`,
  ])
    await knex.raw(sql);
  const trigram = await knex.raw<{ rows: unknown[] }>(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
  if (trigram.rows.length) {
    try {
      // A savepoint: without the operator class the search scans, it is still correct.
      await knex.transaction(async (sp) => {
        await sp.raw(
          'CREATE INDEX process_instances_customer_name_trgm_idx ON process_instances USING gin (lower(customer_name) gin_trgm_ops)',
        );
      });
    } catch {
      // Search by a fragment of the name still works without it, by scanning.
    }
  }

  // Who changed which variable of an instance by hand, when, from what to what, and why.
  await knex.schema.createTable('variable_history', (t) => {
    t.bigIncrements('id');
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('name').notNullable();
    t.text('type'); // the type it was set with; null when removed
    t.jsonb('old_value');
    t.jsonb('new_value');
    t.boolean('removed').notNullable().defaultTo(false);
    t.text('actor').notNullable();
    t.text('reason').notNullable();
    t.text('batch_id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['instance_id', 'at']);
  });

  await knex.schema.createTable('batches', (t) => {
    t.uuid('id').primary();
    t.text('type').notNullable();
    t.text('status').notNullable(); // running | completed | cancelled
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('reason').notNullable();
    t.integer('total').notNullable();
    t.integer('succeeded').notNullable().defaultTo(0);
    t.integer('failed').notNullable().defaultTo(0);
    t.text('created_by').notNullable();
    t.text('created_by_id').notNullable();
    t.text('department_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
    t.index(['created_at']);
  });
  await knex.raw(`CREATE INDEX batches_running_idx ON batches (created_at) WHERE status = 'running'`);
  await knex.schema.createTable('batch_items', (t) => {
    t.uuid('batch_id').notNullable().references('batches.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.uuid('instance_id').notNullable();
    t.text('status').notNullable(); // pending | succeeded | failed
    t.text('error_code');
    t.text('error');
    t.text('node_id');
    t.timestamp('done_at', { useTz: true });
    t.primary(['batch_id', 'seq']);
  });
  await knex.raw(`CREATE INDEX batch_items_pending_idx ON batch_items (batch_id, seq) WHERE status = 'pending'`);

  await grantToLoadedPolicy(knex, GRANTS);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('batch_items');
  await knex.schema.dropTableIfExists('batches');
  await knex.schema.dropTableIfExists('variable_history');
  for (const index of [
    'tasks_open_element_idx',
    'jobs_element_idx',
    'message_subscriptions_element_idx',
    'external_tasks_element_idx',
    'incidents_open_message_idx',
  ])
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  await knex.raw(`
    ALTER TABLE process_instances
      DROP COLUMN IF EXISTS account_no, DROP COLUMN IF EXISTS customer_id, DROP COLUMN IF EXISTS customer_name,
      DROP COLUMN IF EXISTS suspended_at, DROP COLUMN IF EXISTS suspended_by`);
  for (const [role_code, object, action] of GRANTS)
    await knex('casbin_policies').where({ role_code, object, action }).delete();
}

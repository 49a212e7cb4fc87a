import type { Knex } from 'knex';

/**
 * The worklist (issue 6): the customer a task is about (copied from the instance's variables
 * `customerId` / `accountNo` when the task is created, so that the list needs no join to find
 * it), saved filters, per-user drafts of a task's form, comments and attachments.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.uuid('customer_id');
    t.text('account_no');
    t.index(['customer_id'], 'tasks_customer_idx');
    t.index(['account_no'], 'tasks_account_no_idx');
  });
  // The claimable list sorted by priority, per department (the other sorts have their indexes).
  await knex.raw(
    `CREATE INDEX tasks_open_department_priority_idx ON tasks (department_id, priority DESC NULLS LAST, id) WHERE status = 'open'`,
  );
  const trigram = await knex.raw(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
  if (trigram.rows.length) {
    try {
      await knex.transaction(async (sp) => {
        await sp.raw('CREATE INDEX tasks_business_key_trgm_idx ON tasks USING gin (lower(business_key) gin_trgm_ops)');
      });
    } catch {
      // Search by a fragment of the business key still works without it, by scanning.
    }
  }

  await knex.schema.createTable('worklist_filters', (t) => {
    t.uuid('id').primary();
    t.text('owner').notNullable();
    t.text('name').notNullable();
    t.text('scope').notNullable(); // personal | department
    t.text('department_id').references('departments.id');
    t.jsonb('criteria').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['owner']);
    t.index(['department_id']);
  });
  await knex.raw(
    `ALTER TABLE worklist_filters ADD CONSTRAINT worklist_filters_scope_check CHECK ((scope = 'personal' AND department_id IS NULL) OR (scope = 'department' AND department_id IS NOT NULL))`,
  );

  await knex.schema.createTable('task_drafts', (t) => {
    t.uuid('task_id').notNullable().references('tasks.id');
    t.text('username').notNullable();
    t.jsonb('data').notNullable();
    t.timestamp('saved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['task_id', 'username']);
    t.index(['username']);
  });

  await knex.schema.createTable('task_comments', (t) => {
    t.uuid('id').primary();
    t.uuid('task_id').notNullable().references('tasks.id');
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('author').notNullable();
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'created_at']);
    t.index(['instance_id', 'created_at']);
  });

  await knex.schema.createTable('task_attachments', (t) => {
    t.uuid('id').primary();
    t.uuid('task_id').notNullable().references('tasks.id');
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.integer('size').notNullable();
    t.text('sha256').notNullable();
    t.binary('content').notNullable();
    t.text('uploaded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'created_at']);
    t.index(['instance_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['task_attachments', 'task_comments', 'task_drafts', 'worklist_filters']) {
    await knex.schema.dropTableIfExists(table);
  }
  for (const index of [
    'tasks_business_key_trgm_idx',
    'tasks_business_key_prefix_idx',
    'tasks_open_department_priority_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  }
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['customer_id'], 'tasks_customer_idx');
    t.dropIndex(['account_no'], 'tasks_account_no_idx');
    t.dropColumn('customer_id');
    t.dropColumn('account_no');
  });
}

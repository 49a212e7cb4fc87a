import type { Knex } from 'knex';

/** Departments, users, roles and their assignments, Casbin policies, sessions, API tokens, audit log. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.text('id').primary(); // the department code, e.g. ZJ-HZ-XH
    t.text('parent_id').references('departments.id');
    t.text('name').notNullable();
    t.text('name_en');
    t.text('level').notNullable(); // headquarters | province | city | county | station
    t.text('path').notNullable().unique(); // /HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX departments_path_prefix_idx ON departments (path text_pattern_ops)');

  await knex.schema.createTable('roles', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.text('name_en');
    t.text('description');
    t.boolean('builtin').notNullable().defaultTo(false);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.text('username').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('phone');
    t.text('department_id').notNullable().references('departments.id');
    t.boolean('active').notNullable().defaultTo(true);
    t.text('password_hash');
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('password_changed_at', { useTz: true });
  });

  await knex.schema.createTable('user_roles', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role_code').notNullable().references('roles.code');
    t.text('department_id').notNullable().references('departments.id');
    t.primary(['user_id', 'role_code', 'department_id']);
    t.index(['role_code']);
  });

  await knex.schema.createTable('casbin_policies', (t) => {
    t.increments('id');
    t.text('role_code').notNullable();
    t.text('object').notNullable();
    t.text('action').notNullable();
    t.unique(['role_code', 'object', 'action']);
  });

  // Bumped on every permission change; every node compares it to the version it has loaded, and
  // PostgreSQL NOTIFY tells them at once.
  await knex.schema.createTable('permission_versions', (t) => {
    t.integer('id').primary();
    t.bigInteger('version').notNullable();
  });
  await knex('permission_versions').insert({ id: 1, version: 1 });

  await knex.schema.createTable('sessions', (t) => {
    t.text('id').primary(); // sha256 of the cookie value
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('csrf_token').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.text('ip');
    t.text('user_agent');
    t.index(['user_id']);
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('token_hash').notNullable().unique();
    t.text('prefix').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });

  await knex.schema.createTable('login_throttle', (t) => {
    t.text('key').primary(); // account:<username> or address:<ip>
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('window_start', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('blocked_until', { useTz: true });
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_id');
    t.text('actor_name');
    t.text('action').notNullable();
    t.text('object_type');
    t.text('object_id');
    t.text('department_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('ip');
    t.text('user_agent');
    t.index(['at']);
    t.index(['actor_id', 'at']);
    t.index(['action', 'at']);
  });
  // Append-only: the database itself refuses to change or remove an audit row.
  await knex.raw(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
  await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
  for (const table of [
    'audit_log',
    'login_throttle',
    'api_tokens',
    'sessions',
    'permission_versions',
    'casbin_policies',
    'user_roles',
    'users',
    'roles',
    'departments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}

import type { Knex } from 'knex';

/**
 * DMN decisions deployed and versioned like processes (ARCHITECTURE.md "Decisions"): one row per
 * decision of a deployed DMN document, versioned per key (the decision's id), with the whole
 * document kept on every decision of it and its hash for duplicate filtering; and every
 * evaluation a business rule task (or the API) made, with its inputs, matched rules and outputs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('decision_definitions', (t) => {
    t.uuid('id').primary();
    t.uuid('deployment_id').notNullable().references('deployments.id');
    t.text('key').notNullable();
    t.integer('version').notNullable();
    t.text('name');
    t.text('version_tag');
    /** The DMN definitions element (Camunda's decision requirements definition): id and name. */
    t.text('decision_requirements_key').notNullable();
    t.text('decision_requirements_name');
    t.text('resource_name').notNullable();
    t.text('xml').notNullable();
    t.text('xml_hash').notNullable();
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['key', 'version']);
    t.index(['deployment_id']);
  });

  await knex.schema.createTable('decision_evaluations', (t) => {
    t.uuid('id').primary();
    /** null when evaluated through the API, outside any instance. */
    t.uuid('instance_id').references('process_instances.id').onDelete('CASCADE');
    t.text('element_id');
    t.text('execution_id');
    t.uuid('decision_definition_id').notNullable().references('decision_definitions.id');
    t.text('decision_key').notNullable();
    t.integer('decision_version').notNullable();
    /** The instance's department (null outside an instance): lists are filtered by it. */
    t.text('department_id');
    t.jsonb('variables').notNullable();
    t.jsonb('inputs').notNullable();
    t.jsonb('matched_rules').notNullable();
    t.jsonb('outputs').notNullable();
    /** The full evaluation record, required decisions included (server/dmn DecisionEvaluation). */
    t.jsonb('evaluation').notNullable();
    /** What the business rule task stored: its result variable and the mapped value. */
    t.text('result_variable');
    t.jsonb('result');
    t.timestamp('evaluated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('evaluated_by').notNullable();
    /** The order evaluations were written in: several may share a time (one step, a frozen clock). */
    t.specificType('seq', 'bigint GENERATED ALWAYS AS IDENTITY');
    t.index(['instance_id', 'seq']);
    t.index(['decision_definition_id', 'evaluated_at']);
    t.index(['decision_key', 'evaluated_at']);
  });

  // Grants for existing installations; a fresh one gets them from permissions/policy.csv.
  const seeded = await knex('casbin_policies').count<{ count: number }[]>('* as count').first();
  if (Number(seeded?.count ?? 0) > 0) {
    const roles = (await knex('roles').pluck('code')) as string[];
    const grants = DECISION_GRANTS.filter(([role]) => roles.includes(role));
    if (grants.length) {
      await knex('casbin_policies')
        .insert(grants.map(([role_code, object, action]) => ({ role_code, object, action })))
        .onConflict()
        .ignore();
    }
  }
}

const DECISION_GRANTS: [string, string, string][] = [
  ['process_designer', 'decision', 'read'],
  ['process_designer', 'decision', 'evaluate'],
  ['team_leader', 'decision', 'read'],
  ['department_manager', 'decision', 'read'],
  ['hq_supervisor', 'decision', 'read'],
];

export async function down(knex: Knex): Promise<void> {
  await knex('casbin_policies').where({ object: 'decision' }).delete();
  await knex.schema.dropTableIfExists('decision_evaluations');
  await knex.schema.dropTableIfExists('decision_definitions');
}

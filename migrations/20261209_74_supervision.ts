import type { Knex } from 'knex';
import { grantToLoadedPolicy, type Grant } from './policy-grants.js';

/**
 * HQ supervision of high-risk customers (DOMAIN.md §7):
 * - `risk_industry_lists`: the industry list HQ maintains in versions; one draft at a time is
 *   edited, publishing it makes it the version the provinces read and the screening uses;
 * - `risk:read` for those who watch the register in their subtree, `risk:manage` for HQ.
 */
const GRANTS: Grant[] = [
  ['hq_supervisor', 'risk', 'read'],
  ['hq_supervisor', 'risk', 'manage'],
  ['department_manager', 'risk', 'read'],
  ['team_leader', 'risk', 'read'],
  ['account_manager', 'risk', 'read'],
];

/** The list as DOMAIN.md §7 gives it: the first published version. */
const INITIAL: [code: string, zh: string, en: string, differential: boolean][] = [
  ['101', '钢铁', 'steel', true],
  ['102', '电解铝', 'electrolytic aluminium', true],
  ['103', '铁合金', 'ferroalloy', true],
  ['104', '水泥', 'cement', true],
  ['105', '电石', 'calcium carbide', true],
  ['106', '烧碱', 'caustic soda', true],
  ['107', '黄磷', 'yellow phosphorus', true],
  ['108', '锌冶炼', 'zinc smelting', true],
  ['200', '其他', 'other', false],
  ['201', '造纸', 'paper', false],
  ['202', '铸造', 'foundry', false],
  ['203', '化肥', 'fertiliser', false],
  ['204', '碳化硅', 'silicon carbide', false],
  ['205', '炭素', 'carbon', false],
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_industry_lists', (t) => {
    t.integer('version').primary();
    t.text('status').notNullable(); // draft | published | superseded
    // [{ code, nameZh, nameEn, differentialPrice, policyNotes }]
    t.jsonb('industries').notNullable();
    t.text('note');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('published_by');
    t.timestamp('published_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE risk_industry_lists ADD CONSTRAINT risk_industry_lists_status_check
    CHECK (status IN ('draft', 'published', 'superseded'))`);
  // At most one draft and one published version at a time.
  await knex.raw(
    `CREATE UNIQUE INDEX risk_industry_lists_one_draft ON risk_industry_lists (status) WHERE status IN ('draft', 'published')`,
  );
  await knex('risk_industry_lists').insert({
    version: 1,
    status: 'published',
    industries: JSON.stringify(
      INITIAL.map(([code, nameZh, nameEn, differentialPrice]) => ({
        code,
        nameZh,
        nameEn,
        differentialPrice,
        policyNotes: '',
      })),
    ),
    note: 'DOMAIN.md §7',
    updated_by: 'system',
    published_by: 'system',
    published_at: knex.fn.now(),
  });
  await grantToLoadedPolicy(knex, GRANTS);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('risk_industry_lists');
  await knex('casbin_policies').where({ object: 'risk' }).whereIn('action', ['read', 'manage']).delete();
  await knex('permission_versions').increment('version', 1);
}

import type { Db } from '../db/index.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { Transactions } from '../workflow/transactions.js';
import type { Draft, DraftForm, DraftSave, DraftSummary } from './contract.js';

interface DraftRow {
  key: string;
  name: string | null;
  xml: string;
  forms: DraftForm[] | string;
  revision: number;
  base_version: number | null;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
}

const SUMMARY_COLUMNS = ['key', 'name', 'revision', 'base_version', 'created_by', 'updated_by', 'updated_at'];

function summary(row: Omit<DraftRow, 'xml' | 'forms' | 'created_at'>): DraftSummary {
  return {
    key: row.key,
    name: row.name,
    revision: row.revision,
    baseVersion: row.base_version,
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by,
  };
}

function full(row: DraftRow): Draft {
  return {
    ...summary(row),
    xml: row.xml,
    forms: typeof row.forms === 'string' ? (JSON.parse(row.forms) as DraftForm[]) : row.forms,
  };
}

/**
 * Drafts: processes saved without deploying (issue 7). Saves are optimistic: each carries the
 * revision it was based on, so of two designers editing one draft the later save is refused
 * (409 DRAFT_STALE) instead of losing the other's work.
 */
export class DraftsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
  ) {}

  async list(): Promise<DraftSummary[]> {
    const rows = await this.db('designer_drafts').select(SUMMARY_COLUMNS).orderBy('updated_at', 'desc');
    return rows.map(summary);
  }

  async get(key: string): Promise<Draft> {
    const row = (await this.db('designer_drafts').where({ key }).first()) as DraftRow | undefined;
    if (!row) throw new NotFound('draft', key);
    return full(row);
  }

  async save(key: string, input: DraftSave, actor: Actor): Promise<Draft> {
    return this.transactions.run(async (scope) => {
      const { trx } = scope;
      const current = (await trx('designer_drafts').where({ key }).forUpdate().first('revision', 'base_version')) as
        { revision: number; base_version: number | null } | undefined;
      const stored = current?.revision ?? 0;
      if (stored !== input.revision) {
        throw new Conflict(
          'DRAFT_STALE',
          `draft ${key} was saved by someone else meanwhile (revision ${stored}, this save is based on ${input.revision}); reload it first`,
          { currentRevision: stored },
        );
      }
      const values = {
        name: input.name ?? null,
        xml: input.xml,
        forms: JSON.stringify(input.forms ?? []),
        revision: stored + 1,
        base_version: input.baseVersion === undefined ? (current?.base_version ?? null) : input.baseVersion,
        updated_by: actor.username,
        updated_at: new Date(),
      };
      // A new draft created by two designers at once: the second insert finds the key taken.
      const [row] = current
        ? await trx('designer_drafts').where({ key }).update(values).returning('*')
        : await trx('designer_drafts')
            .insert({ key, ...values, created_by: actor.username })
            .onConflict('key')
            .ignore()
            .returning('*');
      if (!row) throw new Conflict('DRAFT_STALE', `draft ${key} was just created by someone else; reload it first`);
      auditInTransaction(scope, actor, 'draft.save', 'designer_draft', key, { revision: stored + 1 });
      return full(row as DraftRow);
    });
  }

  /** Deletes a draft; with a revision, only if nobody saved it since (409 otherwise). */
  async remove(key: string, revision: number | undefined, actor: Actor): Promise<void> {
    await this.transactions.run(async (scope) => {
      const row = (await scope.trx('designer_drafts').where({ key }).forUpdate().first('revision')) as
        { revision: number } | undefined;
      if (!row) throw new NotFound('draft', key);
      if (revision !== undefined && row.revision !== revision) {
        throw new Conflict('DRAFT_STALE', `draft ${key} changed since revision ${revision}; reload it first`, {
          currentRevision: row.revision,
        });
      }
      await scope.trx('designer_drafts').where({ key }).delete();
      auditInTransaction(scope, actor, 'draft.delete', 'designer_draft', key);
    });
  }
}

import type { Db } from '../db/index.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { Transactions } from '../workflow/transactions.js';
import {
  DRAFT_SUMMARY_COLUMNS,
  toDraft,
  toDraftSummary,
  type Draft,
  type DraftRow,
  type DraftSave,
  type DraftSummary,
} from './contract.js';

/**
 * Drafts: processes saved without deploying (issue 7). Saves are optimistic: each carries the
 * revision it was based on, so of two designers editing one draft the later save is refused
 * (409 DRAFT_STALE) instead of losing the other's work.
 */
export class DesignerDraftsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
  ) {}

  async list(): Promise<DraftSummary[]> {
    const rows = await this.db('designer_drafts')
      .select<DraftRow[]>(DRAFT_SUMMARY_COLUMNS)
      .orderBy('updated_at', 'desc');
    return rows.map(toDraftSummary);
  }

  async get(key: string): Promise<Draft> {
    const row = await this.db('designer_drafts').where({ key }).first<DraftRow | undefined>();
    if (!row) throw new NotFound('draft', key);
    return toDraft(row);
  }

  async save(key: string, input: DraftSave, actor: Actor): Promise<Draft> {
    return this.transactions.run(async (scope) => {
      const { trx } = scope;
      const current = await trx('designer_drafts')
        .where({ key })
        .forUpdate()
        .first<{ revision: number; base_version: number | null } | undefined>('revision', 'base_version');
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
        ? await trx('designer_drafts').where({ key }).update(values).returning<DraftRow[]>('*')
        : await trx('designer_drafts')
            .insert({ key, ...values, created_by: actor.username })
            .onConflict('key')
            .ignore()
            .returning<DraftRow[]>('*');
      if (!row) throw new Conflict('DRAFT_STALE', `draft ${key} was just created by someone else; reload it first`);
      auditInTransaction(scope, actor, 'draft.save', 'designer_draft', key, { revision: stored + 1 });
      return toDraft(row);
    });
  }

  /** Deletes a draft; with a revision, only if nobody saved it since (409 otherwise). */
  async remove(key: string, revision: number | undefined, actor: Actor): Promise<void> {
    await this.transactions.run(async (scope) => {
      const row = await scope
        .trx('designer_drafts')
        .where({ key })
        .forUpdate()
        .first<{ revision: number } | undefined>('revision');
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

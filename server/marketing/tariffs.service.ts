import type { Db } from '../db/index.js';
import { tariffDefinitionSchema, type TariffDefinition } from '../domain/tariffs/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { DEFAULT_TARIFFS } from './billing-tariffs.js';
import { toTariff, type Tariff, type TariffRow } from './tariff.contract.js';

/** Tariffs by code, as the billing run and the quote read them. */
export type TariffCatalogue = ReadonlyMap<string, TariffDefinition>;

/** Seeds the default tariffs (DOMAIN.md §5 tables and the run's placeholders) into an empty table. */
export async function seedTariffTable(db: Db): Promise<void> {
  await db('tariffs')
    .insert(
      DEFAULT_TARIFFS.map((t) => ({ code: t.code, name: t.name, definition: JSON.stringify(t), updated_by: 'system' })),
    )
    .onConflict('code')
    .ignore();
}

/** JSON with sorted keys: jsonb does not keep key order, so compare canonical forms. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Which versions an edit added, changed, closed (gave an end date) or removed, by effective date,
 * so the audit log says who created or altered which version, not only the list that resulted.
 */
function versionChanges(before: TariffDefinition | undefined, after: TariffDefinition) {
  const previous = new Map((before?.versions ?? []).map((v) => [v.effectiveFrom, v]));
  const withoutEnd = (v: object) => canonical({ ...v, effectiveTo: undefined });
  const added: string[] = [];
  const changed: string[] = [];
  const closed: string[] = [];
  for (const v of after.versions) {
    const old = previous.get(v.effectiveFrom);
    if (old === undefined) added.push(v.effectiveFrom);
    else if (withoutEnd(old) !== withoutEnd(v)) changed.push(v.effectiveFrom);
    else if (old.effectiveTo !== v.effectiveTo) closed.push(v.effectiveFrom);
  }
  const removed = [...previous.keys()].filter((from) => !after.versions.some((v) => v.effectiveFrom === from));
  return { added, changed, closed, removed };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Tariffs are configuration, not code: versioned, effective-dated, validated by the same schema
 * that checks an inline tariff, and edited through the API. A version already in effect is
 * history — bills were computed with it — so an edit may add or change only future versions.
 */
export class TariffsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<Tariff[]> {
    const rows = (await this.db('tariffs').select('definition').orderBy('code')) as TariffRow[];
    return rows.map(toTariff);
  }

  async get(code: string): Promise<Tariff> {
    const row = await this.db('tariffs').where({ code }).first<TariffRow | undefined>('definition');
    if (!row) throw new NotFound('tariff', code);
    return toTariff(row);
  }

  async catalogue(): Promise<TariffCatalogue> {
    return new Map((await this.list()).map((t) => [t.code, t]));
  }

  async save(code: string, input: unknown, actor: Actor): Promise<Tariff> {
    const parsed = tariffDefinitionSchema.safeParse(input);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
      throw new Invalid(
        'VALIDATION_FAILED',
        `invalid tariff: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`,
        details,
      );
    }
    const definition = parsed.data;
    if (definition.code !== code) {
      throw new Invalid('VALIDATION_FAILED', `the body's code ${definition.code} is not ${code}`, [
        { field: 'code', reason: 'mismatch' },
      ]);
    }
    return this.db.transaction(async (trx) => {
      const existing = await trx('tariffs').where({ code }).forUpdate().first<TariffRow | undefined>('definition');
      if (existing) this.ensureHistoryKept(existing.definition, definition);
      await trx('tariffs')
        .insert({
          code,
          name: definition.name,
          definition: JSON.stringify(definition),
          updated_by: actor.username,
          updated_at: new Date(),
        })
        .onConflict('code')
        .merge(['name', 'definition', 'updated_by', 'updated_at']);
      await this.audit.record(
        actor,
        existing ? 'tariff.update' : 'tariff.create',
        'tariff',
        code,
        {
          ...versionChanges(existing?.definition, definition),
          versions: definition.versions.map((v) => v.effectiveFrom),
        },
        undefined,
        trx,
      );
      return definition;
    });
  }

  /** Versions in effect today or earlier must come back unchanged (bills were computed with them). */
  private ensureHistoryKept(before: TariffDefinition, after: TariffDefinition): void {
    const now = today();
    for (const version of before.versions.filter((v) => v.effectiveFrom <= now)) {
      const kept = after.versions.find((v) => v.effectiveFrom === version.effectiveFrom);
      // A version may be closed (effectiveTo set) when a successor is added; nothing else may change.
      const comparable = (v: object) => canonical({ ...v, effectiveTo: undefined });
      if (!kept || comparable(kept) !== comparable(version)) {
        throw new Conflict(
          'TARIFF_VERSION_IN_EFFECT',
          `the version effective from ${version.effectiveFrom} is in effect and cannot be changed; add a new version instead`,
        );
      }
    }
  }
}

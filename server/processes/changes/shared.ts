import type { TariffDefinition } from '../../domain/tariffs/index.js';
import { utilityToday } from '../../lib/clock.js';
import type { ProcessContext } from '../ports.js';

/** The change-of-service codes (SG186, DOMAIN.md §9) the processes handle, with their names. */
export const CHANGE_NAMES = {
  '201': '减容 capacity reduction',
  '202': '减容恢复 restoration of reduced capacity',
  '203': '暂停 suspension',
  '204': '暂停恢复 restoration after suspension',
  '211': '过户 transfer of ownership',
  '216': '销户 account closure',
} as const;

export type ChangeCode = keyof typeof CHANGE_NAMES;

/** How an application reached the utility: the counter, or the online hall. */
export const CHANGE_CHANNELS = ['counter', 'online'] as const;

export const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

export const today = (ctx: ProcessContext) => utilityToday(ctx.clock);

/** The customer row the change processes read. */
export interface ChangeCustomer {
  id: string;
  account_no: string;
  name: string;
  phone: string | null;
  address: string | null;
  elec_type_code: string;
  tariff_code: string | null;
  capacity_kva: string | null;
  status: string;
  connected_on: string | null;
}

export async function changeCustomer(ctx: ProcessContext, id: string | undefined): Promise<ChangeCustomer | undefined> {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return ctx
    .db('customers')
    .where({ id })
    .first<ChangeCustomer | undefined>(
      'id',
      'account_no',
      'name',
      'phone',
      'address',
      'elec_type_code',
      'tariff_code',
      ctx.db.raw('capacity_kva::text as capacity_kva'),
      'status',
      ctx.db.raw(`to_char(connected_on, 'YYYY-MM-DD') as connected_on`),
    );
}

/** The tariff catalogue as stored (the seeded tariffs and any staff deployed). */
export async function tariffCatalogue(ctx: ProcessContext): Promise<Map<string, TariffDefinition>> {
  const rows = await ctx.db('tariffs').select<{ definition: TariffDefinition }[]>('definition');
  return new Map(rows.map((r) => [r.definition.code, r.definition]));
}

/** What a refused application carries: the rule's stable code and a sentence naming the limit. */
export const refused = (refusalCode: string, refusalReason: string) => ({
  accepted: false,
  refusalCode,
  refusalReason,
});

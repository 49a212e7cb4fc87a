import type { z } from 'zod';
import { tariffDefinitionSchema, type TariffDefinition } from '../domain/tariffs/index.js';

/**
 * A tariff with its effective-dated versions (DOMAIN.md §5), as GET /tariffs/:code answers it:
 * the definition that validated it on the way in, prices as decimal strings.
 */
export const tariffSchema = tariffDefinitionSchema;
export type Tariff = z.output<typeof tariffSchema>;

/** A `tariffs` row: the validated definition kept as jsonb. */
export interface TariffRow {
  definition: TariffDefinition;
}

export function toTariff(row: TariffRow): Tariff {
  return row.definition;
}

import { z } from 'zod';
import { decimal, decimalString, iso, timestamp } from '../lib/contract.js';
import { READING_TYPES } from './schemas.js';

const register = decimalString.nullable();

/** A period's register readings (抄表示数) of one meter (DOMAIN.md §1, §4); kWh as decimal strings. */
export const readingSchema = z.object({
  id: z.guid(),
  meterId: z.guid(),
  /** YYYY-MM. */
  period: z.string(),
  total: decimalString,
  sharp: register,
  peak: register,
  flat: register,
  valley: register,
  deepValley: register,
  reactiveKvarh: register,
  maxDemandKw: register,
  /** 01 normal, 02 missed, 03 estimated, 04 supplementary. */
  readingType: z.enum(READING_TYPES),
  readAt: timestamp,
  recordedBy: z.string(),
  createdAt: timestamp,
});
export type Reading = z.infer<typeof readingSchema>;

export interface ReadingRow {
  id: string;
  meter_id: string;
  period: string;
  total: string;
  sharp: string | null;
  peak: string | null;
  flat: string | null;
  valley: string | null;
  deep_valley: string | null;
  reactive_kvarh: string | null;
  max_demand_kw: string | null;
  reading_type: string;
  read_at: Date | string;
  recorded_by: string;
  created_at: Date | string;
}

export function toReading(row: ReadingRow): Reading {
  return {
    id: row.id,
    meterId: row.meter_id,
    period: row.period,
    total: decimal(row.total),
    sharp: decimal(row.sharp),
    peak: decimal(row.peak),
    flat: decimal(row.flat),
    valley: decimal(row.valley),
    deepValley: decimal(row.deep_valley),
    reactiveKvarh: decimal(row.reactive_kvarh),
    maxDemandKw: decimal(row.max_demand_kw),
    readingType: row.reading_type as Reading['readingType'],
    readAt: iso(row.read_at),
    recordedBy: row.recorded_by,
    createdAt: iso(row.created_at),
  };
}

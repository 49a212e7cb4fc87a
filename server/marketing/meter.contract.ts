import { z } from 'zod';
import { ACCURACY_CLASSES } from '../domain/metering/index.js';
import { calendarDate, decimal, decimalString, iso, isoDate, timestamp } from '../lib/contract.js';

/** A meter (电能表) at a customer's metering point (DOMAIN.md §1, §3). */
export const meterSchema = z.object({
  id: z.guid(),
  assetNo: z.string(),
  customerId: z.guid(),
  meteringPointNo: z.string().nullable(),
  accuracyClass: z.enum(ACCURACY_CLASSES),
  /** CT ratio × PT ratio. */
  multiplier: decimalString,
  registerDigits: z.number().int(),
  touCapable: z.boolean(),
  deviceClass: z.enum(['I', 'II', 'III', 'IV', 'V']),
  installDate: calendarDate.nullable(),
  lastTestDate: calendarDate.nullable(),
  status: z.enum(['in_service', 'removed']),
  /** The main meter this one sits behind as a sub-meter (audit rule 8); null for a main or lone meter. */
  mainMeterId: z.guid().nullable(),
  createdAt: timestamp,
});
export type Meter = z.infer<typeof meterSchema>;

/** A `meters` row as the service reads it (dates as YYYY-MM-DD text). */
export interface MeterRow {
  id: string;
  asset_no: string;
  customer_id: string;
  metering_point_no: string | null;
  accuracy_class: string;
  multiplier: string;
  register_digits: number;
  tou_capable: boolean;
  device_class: string;
  install_date: string | Date | null;
  last_test_date: string | Date | null;
  status: string;
  main_meter_id: string | null;
  created_at: Date | string;
}

export function toMeter(row: MeterRow): Meter {
  return {
    id: row.id,
    assetNo: row.asset_no,
    customerId: row.customer_id,
    meteringPointNo: row.metering_point_no,
    accuracyClass: row.accuracy_class as Meter['accuracyClass'],
    multiplier: decimal(row.multiplier),
    registerDigits: row.register_digits,
    touCapable: row.tou_capable,
    deviceClass: row.device_class as Meter['deviceClass'],
    installDate: isoDate(row.install_date),
    lastTestDate: isoDate(row.last_test_date),
    status: row.status as Meter['status'],
    mainMeterId: row.main_meter_id,
    createdAt: iso(row.created_at),
  };
}

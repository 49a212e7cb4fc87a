import { z } from 'zod';
import { decimalString, iso, timestamp } from '../lib/contract.js';

/** A transformer area as the tree lists it: its capacity and how much of it connected customers hold. */
export const areaSummarySchema = z.object({
  id: z.string(),
  feederId: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  kind: z.enum(['public', 'dedicated']),
  departmentId: z.string(),
  ratedKva: decimalString,
  usedKva: decimalString,
  spareKva: decimalString,
  customers: z.number().int().nonnegative(),
});
export type AreaSummary = z.infer<typeof areaSummarySchema>;

export const feederSchema = z.object({
  id: z.string(),
  substationId: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  voltageLevel: z.string(),
  departmentId: z.string(),
  areas: z.array(areaSummarySchema),
});

export const substationSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  voltageLevel: z.string(),
  departmentId: z.string(),
  feeders: z.array(feederSchema),
});
export type Substation = z.infer<typeof substationSchema>;
export type Feeder = z.infer<typeof feederSchema>;

/** GET /grid/tree: substations → feeders → areas in the caller's grid:read departments. */
export const gridTreeSchema = z.object({ substations: z.array(substationSchema) });
export type GridTree = z.infer<typeof gridTreeSchema>;

export const placedMeterSchema = z.object({
  meterId: z.string().uuid(),
  assetNo: z.string(),
  customerId: z.string().uuid(),
  accountNo: z.string(),
  customerName: z.string(),
  elecTypeCode: z.string(),
  /** The customer's capacity as the spare-capacity rule counts it (README: households 8 kVA). */
  countedKva: decimalString,
});
export type PlacedMeter = z.infer<typeof placedMeterSchema>;

export const meterBoxSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string().nullable(),
  meters: z.array(placedMeterSchema),
});

/** GET /grid/areas/:id: the area, where it hangs, its boxes and the customers' meters in them. */
export const areaDetailSchema = areaSummarySchema.extend({
  summaryMeterNo: z.string().nullable(),
  feederName: z.string(),
  feederNameEn: z.string().nullable(),
  substationId: z.string(),
  substationName: z.string(),
  substationNameEn: z.string().nullable(),
  boxes: z.array(meterBoxSchema),
});
export type AreaDetail = z.infer<typeof areaDetailSchema>;

/** One area's line loss (台区线损) in one billing month. */
export const lineLossSchema = z.object({
  areaId: z.string(),
  areaName: z.string(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  departmentNameEn: z.string().nullable(),
  period: z.string(),
  /** kWh the area's summary meter recorded; null when no reading was taken that month. */
  suppliedKwh: decimalString.nullable(),
  /** kWh of the released energy bills of the area's customers for that billing month. */
  billedKwh: decimalString,
  lossKwh: decimalString.nullable(),
  /** (supplied − billed) / supplied in percent, 2 places; null when nothing was supplied. */
  lossPercent: decimalString.nullable(),
});
export type LineLoss = z.infer<typeof lineLossSchema>;

/** GET /grid/customers/:id/place: each of the customer's meters with its box, area, feeder, substation. */
export const customerPlaceSchema = z.object({
  customerId: z.string().uuid(),
  accountNo: z.string(),
  name: z.string(),
  departmentId: z.string(),
  meters: z.array(
    z.object({
      meterId: z.string().uuid(),
      assetNo: z.string(),
      box: z.object({ id: z.string(), name: z.string(), location: z.string().nullable() }).nullable(),
      area: z.object({ id: z.string(), name: z.string(), departmentId: z.string() }).nullable(),
      feeder: z.object({ id: z.string(), name: z.string() }).nullable(),
      substation: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
  ),
});
export type CustomerPlace = z.infer<typeof customerPlaceSchema>;

/** A customer found by the grid view's search, with the area it is connected to. */
export const gridCustomerSchema = z.object({
  customerId: z.string().uuid(),
  accountNo: z.string(),
  name: z.string(),
  departmentId: z.string(),
  areaId: z.string().nullable(),
  areaName: z.string().nullable(),
});
export type GridCustomer = z.infer<typeof gridCustomerSchema>;

export const meterMoveInputSchema = z
  .object({
    meterBoxId: z.string().min(1).max(64),
    reason: z.string().trim().min(2).max(500),
  })
  .strict();
export type MeterMoveInput = z.infer<typeof meterMoveInputSchema>;

export const meterMoveSchema = z.object({
  meterId: z.string().uuid(),
  customerId: z.string().uuid(),
  from: z.object({ meterBoxId: z.string().nullable(), areaId: z.string().nullable() }),
  to: z.object({ meterBoxId: z.string(), areaId: z.string() }),
  /** The target area's spare capacity after the move. */
  spareKva: decimalString,
});
export type MeterMove = z.infer<typeof meterMoveSchema>;

export const outageInputSchema = z
  .object({
    targetType: z.enum(['area', 'feeder']),
    targetId: z.string().min(1).max(64),
    startsAt: z.string().datetime({ offset: true }),
    endsAt: z.string().datetime({ offset: true }),
    reason: z.string().trim().min(2).max(200),
  })
  .strict()
  .refine((v) => Date.parse(v.endsAt) > Date.parse(v.startsAt), {
    message: 'must be after startsAt',
    path: ['endsAt'],
  });
export type OutageInput = z.infer<typeof outageInputSchema>;

/** A planned outage notice: one SMS per affected customer, counted by what became of it. */
export const outageNoticeSchema = z.object({
  id: z.string().uuid(),
  targetType: z.enum(['area', 'feeder']),
  targetId: z.string(),
  targetName: z.string(),
  startsAt: timestamp,
  endsAt: timestamp,
  reason: z.string(),
  departmentId: z.string(),
  customers: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  /** Customers who turned planned outage notices off in the online hall: no SMS went to them. */
  unsubscribed: z.number().int().nonnegative(),
  createdBy: z.string(),
  createdAt: timestamp,
});
export type OutageNotice = z.infer<typeof outageNoticeSchema>;

export interface OutageRow {
  id: string;
  target_type: 'area' | 'feeder';
  target_id: string;
  starts_at: Date | string;
  ends_at: Date | string;
  reason: string;
  department_id: string;
  customers: number;
  sent: number;
  unsubscribed: number;
  created_by: string;
  created_at: Date | string;
}

export function toOutageNotice(row: OutageRow, targetName: string): OutageNotice {
  return {
    id: row.id,
    targetType: row.target_type,
    targetId: row.target_id,
    targetName,
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    reason: row.reason,
    departmentId: row.department_id,
    customers: Number(row.customers),
    sent: Number(row.sent),
    unsubscribed: Number(row.unsubscribed),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

import { z } from 'zod';
import { iso, listSchema, timestamp } from '../../lib/contract.js';

/**
 * Where a province stands on a group's warning (DOMAIN.md §7): `answered` once it reported a
 * measure (HQ may still be reviewing it), `escalated` while HQ's 督办 waits on it (a rejected
 * answer, or a deadline missed), `overdue` past the deadline before the escalation is recorded,
 * `open` otherwise.
 */
export const PROVINCE_STATES = ['open', 'answered', 'overdue', 'escalated'] as const;
export type ProvinceState = (typeof PROVINCE_STATES)[number];

const department = z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable() });

/** One province's part of a group's warning: its state and its answer. Staff are never named. */
export const riskWarningProvinceSchema = z.object({
  provinceId: z.string(),
  provinceName: z.string(),
  provinceNameEn: z.string().nullable(),
  /** The province's instance of high-risk-warning-province. */
  instanceId: z.guid(),
  state: z.enum(PROVINCE_STATES),
  deadline: timestamp.nullable(),
  /** The deadline passed before an answer came (a late answer keeps it true). */
  overdue: z.boolean(),
  /** How many times the province was escalated (督办): by HQ's review or by the missed deadline. */
  escalations: z.number().int().nonnegative(),
  /** The measure taken (RISKWAR_TACTIC code), its description and evidence: the latest answer. */
  tactic: z.number().int().nullable(),
  measure: z.string().nullable(),
  evidence: z.string().nullable(),
  /** Whether the tactic is one the warning's level requires. */
  measureCompliant: z.boolean().nullable(),
  answeredAt: timestamp.nullable(),
  /** The department of whoever answered last (the measure or the supervised rectification). */
  answeringDepartment: department.nullable(),
  acceptedAt: timestamp.nullable(),
});
export type RiskWarningProvince = z.infer<typeof riskWarningProvinceSchema>;

export const riskWarningProvincesSchema = listSchema(riskWarningProvinceSchema).extend({
  warningId: z.guid(),
  accountNo: z.string(),
  level: z.string(),
  deadline: timestamp.nullable(),
});
export type RiskWarningProvinces = z.infer<typeof riskWarningProvincesSchema>;

export interface RiskWarningProvinceRow {
  instance_id: string;
  province_id: string;
  province_name: string;
  province_name_en: string | null;
  status: string | null;
  overdue: boolean | null;
  escalations: number | null;
  tactic: number | null;
  measure: string | null;
  evidence: string | null;
  measure_compliant: boolean | null;
  reported_at: Date | string | null;
  accepted_at: Date | string | null;
}

export interface AnsweringDepartmentRow {
  department_id: string;
  name: string;
  name_en: string | null;
}

/** The state of a province's row (its `status` column and overdue flag) at `now`. */
export function provinceState(
  row: Pick<RiskWarningProvinceRow, 'status' | 'overdue'>,
  deadline: Date | string | null,
  now: number,
): ProvinceState {
  if (row.status === 'reported' || row.status === 'accepted') return 'answered';
  if (row.status === 'escalated') return 'escalated';
  if (row.overdue || (deadline !== null && now > new Date(deadline).getTime())) return 'overdue';
  return 'open';
}

export function toRiskWarningProvince(
  row: RiskWarningProvinceRow,
  deadline: Date | string | null,
  answering: AnsweringDepartmentRow | undefined,
  now: number,
): RiskWarningProvince {
  return {
    provinceId: row.province_id,
    provinceName: row.province_name,
    provinceNameEn: row.province_name_en,
    instanceId: row.instance_id,
    state: provinceState(row, deadline, now),
    deadline: iso(deadline),
    overdue: row.overdue ?? false,
    escalations: Number(row.escalations ?? 0),
    tactic: row.tactic === null ? null : Number(row.tactic),
    measure: row.measure,
    evidence: row.evidence,
    measureCompliant: row.measure_compliant,
    answeredAt: iso(row.reported_at),
    answeringDepartment: answering
      ? { id: answering.department_id, name: answering.name, nameEn: answering.name_en }
      : null,
    acceptedAt: iso(row.accepted_at),
  };
}

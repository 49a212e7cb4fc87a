import { z } from 'zod';
import { ELEC_TYPE_CODES } from '../domain/billing/index.js';
import { PF_STANDARDS } from '../domain/tariffs/index.js';
import { calendarDate, decimal, decimalString, iso, isoDate, timestamp } from '../lib/contract.js';
import { CUSTOMER_STATUSES } from './schemas.js';

/**
 * A customer (用电客户, SG186 C_CONS; DOMAIN.md §1) as the API answers it: GET /customers/:id,
 * the items of GET /customers, and the customer of a task's context (the worklist picks from it).
 */
export const customerSchema = z.object({
  id: z.guid(),
  accountNo: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  departmentId: z.string(),
  elecTypeCode: z.enum(ELEC_TYPE_CODES),
  voltageLevel: z.string().nullable(),
  capacityKva: decimalString.nullable(),
  tariffCode: z.string().nullable(),
  pfStandard: z.enum(PF_STANDARDS).nullable(),
  /** A low-income household (低保户 / 五保户): gets its tariff's free kWh a month (DOMAIN.md §5.1). */
  lowIncome: z.boolean(),
  /** The day the account was connected: a mid-year account's tiers are prorated from it (DOMAIN.md §5.1). */
  connectedOn: calendarDate.nullable(),
  /** HUE_TRADE_TYPE_CODE (DOMAIN.md §7): the industry the risk register groups by. */
  hueTradeTypeCode: z.string().nullable(),
  essPolicy: z.string().nullable(),
  groupParentId: z.guid().nullable(),
  creditGrade: z.enum(['A', 'B', 'C']),
  productionStatus: z.string().nullable(),
  /** The day the customer was put on the dishonest-customer list (rule H8). */
  dishonestListedOn: calendarDate.nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Customer = z.infer<typeof customerSchema>;

/**
 * The customer shown beside a task (the worklist's task context): who they are and where, with
 * the department's name.
 */
export const customerSummarySchema = customerSchema
  .pick({
    id: true,
    accountNo: true,
    name: true,
    address: true,
    phone: true,
    elecTypeCode: true,
    departmentId: true,
    status: true,
    creditGrade: true,
  })
  .extend({ departmentName: z.string().nullable(), departmentNameEn: z.string().nullable() });
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

/** A `customers` row as the service reads it (`dishonest_listed_on`, `connected_on` as YYYY-MM-DD text). */
export interface CustomerRow {
  id: string;
  account_no: string;
  name: string;
  address: string | null;
  phone: string | null;
  department_id: string;
  elec_type_code: string;
  voltage_level: string | null;
  capacity_kva: string | null;
  tariff_code: string | null;
  pf_standard: string | null;
  low_income: boolean;
  connected_on: string | Date | null;
  hue_trade_type_code: string | null;
  ess_policy: string | null;
  group_parent_id: string | null;
  credit_grade: string;
  production_status: string | null;
  dishonest_listed_on: string | Date | null;
  status: string;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    accountNo: row.account_no,
    name: row.name,
    address: row.address,
    phone: row.phone,
    departmentId: row.department_id,
    elecTypeCode: row.elec_type_code as Customer['elecTypeCode'],
    voltageLevel: row.voltage_level,
    capacityKva: decimal(row.capacity_kva),
    tariffCode: row.tariff_code,
    pfStandard: row.pf_standard as Customer['pfStandard'],
    lowIncome: row.low_income,
    connectedOn: isoDate(row.connected_on),
    hueTradeTypeCode: row.hue_trade_type_code,
    essPolicy: row.ess_policy,
    groupParentId: row.group_parent_id,
    creditGrade: row.credit_grade as Customer['creditGrade'],
    productionStatus: row.production_status,
    dishonestListedOn: isoDate(row.dishonest_listed_on),
    status: row.status as Customer['status'],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The task-context summary of a customer row; the department's names from the department tree. */
export function toCustomerSummary(
  row: CustomerRow,
  department: { name: string; nameEn: string | null } | undefined,
): CustomerSummary {
  const c = toCustomer(row);
  return {
    id: c.id,
    accountNo: c.accountNo,
    name: c.name,
    address: c.address,
    phone: c.phone,
    elecTypeCode: c.elecTypeCode,
    departmentId: c.departmentId,
    status: c.status,
    creditGrade: c.creditGrade,
    departmentName: department?.name ?? null,
    departmentNameEn: department?.nameEn ?? null,
  };
}

import { z } from 'zod';
import { Dec } from '../decimal.js';

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

/** Whether `text` is a real calendar day written YYYY-MM-DD (2024-02-29 yes, 2023-02-29 no). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Whether `text` is a month written YYYY-MM. */
export function isYearMonth(text: string): boolean {
  const m = YEAR_MONTH.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

export type DecimalBound = 'any' | 'non-negative' | 'positive';

function boundProblem(field: string, value: Dec, bound: DecimalBound): string | null {
  if (bound === 'non-negative' && value.isNegative() && !value.isZero()) return `${field} must not be negative`;
  if (bound === 'positive' && !value.greaterThan(0)) return `${field} must be greater than 0`;
  return null;
}

/**
 * A decimal given as a JSON number or a decimal string ("0.538", 26), normalised to a plain decimal
 * string so that money never passes through binary floating point after parsing.
 */
export function decimalString(field: string, bound: DecimalBound = 'any') {
  return z
    .union([z.string(), z.number()], {
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a decimal number`),
    })
    .transform((value, ctx) => {
      const text =
        typeof value === 'number' && Number.isFinite(value) ? new Dec(value).toFixed() : String(value).trim();
      if (!DECIMAL.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a decimal number, got "${String(value)}"` });
        return z.NEVER;
      }
      const problem = boundProblem(field, new Dec(text), bound);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return text;
    });
}

/** A calendar day, YYYY-MM-DD. */
export function isoDateString(field: string) {
  return z
    .string({ error: `${field} must be a date written YYYY-MM-DD` })
    .refine(isIsoDate, { message: `${field} must be a real date written YYYY-MM-DD` });
}

/** A month, YYYY-MM. */
export function yearMonthString(field: string) {
  return z
    .string({ error: `${field} must be a month written YYYY-MM` })
    .refine(isYearMonth, { message: `${field} must be a month written YYYY-MM` });
}

import { RISKWAR_TACTIC } from '../../domain/risk/index.js';

/** A response measure code (DOMAIN.md §7 RISKWAR_TACTIC) from a form's value, or null. */
export const tacticOf = (value: unknown): number | null => {
  const n = Number(value);
  return Number.isInteger(n) && Object.prototype.hasOwnProperty.call(RISKWAR_TACTIC, n) ? n : null;
};

/** The tactics a variable lists: `[3, 4]` (the decision's output) or "3, 4" (the order's text). */
export function tacticsOf(value: unknown): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map(tacticOf).filter((t): t is number => t !== null);
}

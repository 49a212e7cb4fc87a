/** Billing periods (YYYY-MM) as the billing run steps through them. */

/** The period `months` after (negative: before) `period`. */
export function shiftPeriod(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number);
  const index = (y ?? 1970) * 12 + ((m ?? 1) - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The due date of an issued bill: the 15th of the month after the period (DOMAIN.md §6 worked
 * example C: the July bill is due 2024-08-15), so a bill's due date does not depend on the day the
 * run happens to run, and a re-run never moves it.
 */
export function dueDateOf(period: string): string {
  return `${shiftPeriod(period, 1)}-15`;
}

import type { AuditCheck } from './types.js';

/** Rule 11: the register has been estimated (reading type 03) N cycles or more in a row, this one included. */
export const repeatedEstimate: AuditCheck = (input, config) => {
  const types = input.readingTypes ?? [];
  let run = 0;
  while (run < types.length && types[run] === '03') run += 1;
  if (run < config.estimatedCycles) return null;
  return `reading estimated ${run} cycles in a row (staff never estimate; an actual reading is due)`;
};

const FIRST_BILL_WORDING = {
  connection: 'connection',
  change: 'a change of connection',
  'tariff-change': 'a tariff change',
} as const;

/** Rule 13: the first bill after a connection, a change or a tariff change. */
export const firstBill: AuditCheck = (input) =>
  input.firstBill ? `first bill after ${FIRST_BILL_WORDING[input.firstBill]}` : null;

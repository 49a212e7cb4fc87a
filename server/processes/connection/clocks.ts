/**
 * Which clock each new-connection step runs on (DOMAIN.md §2): time waiting for the customer —
 * their documents, their own works, fee payment — is on the customer clock and does not count
 * towards the utility-side commitment. Every other step is the utility's time.
 */
export const CUSTOMER_CLOCK_STEPS: ReadonlySet<string> = new Set([
  'A07', // fee payment
  'A09', // design documents from the customer
  'A11', // customer's request for the mid-term inspection (their works in progress)
  'A14', // customer's own works, until they ask for the completion inspection
]);

/** The steps whose time the commitment measures: acceptance up to energisation (送电). */
export const MEASURED_STEPS: readonly string[] = [
  'A01',
  'A02',
  'A03',
  'A04',
  'A05',
  'A06',
  'A07',
  'A08',
  'A09',
  'A10',
  'A11',
  'A12',
  'A14',
  'A15',
  'A16',
  'A17',
  'A18',
];

export function clockOfStep(step: string): 'utility' | 'customer' {
  return CUSTOMER_CLOCK_STEPS.has(step) ? 'customer' : 'utility';
}

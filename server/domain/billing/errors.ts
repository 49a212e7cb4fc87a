import { Invalid } from '../../lib/errors.js';

/**
 * A bill or late-fee quote asked for something the rules cannot price: a negative value, TOU energy
 * on a tariff without TOU prices, the demand method without a contract demand … `field` is the
 * request path (`usage.kwh.peak`). A 400 through the error middleware (STYLE.md habit 4).
 */
export class BillingInputError extends Invalid {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INVALID_BILLING_INPUT', message, [{ field, reason: message }]);
  }
}

/**
 * A payment provider (a bank or a third party) behind the customer hall's online payments. The
 * platform asks it to take money from the payer (`createPayment`) and learns the outcome from a
 * signed callback, which it verifies (`verifyCallback`) before posting anything: only a verified
 * callback moves money on the customer's account, keyed by the provider's unique reference.
 */
export interface PaymentProvider {
  /** Stable name, part of the idempotency key of the payment the callback posts. */
  readonly name: string;
  /** Debits the payer; a refusal (insufficient balance, unknown account) throws and records nothing. */
  createPayment(request: PaymentRequest): Promise<PaymentCallback>;
  /** The callback's payload when its signature is the provider's; otherwise throws. */
  verifyCallback(callback: PaymentCallback): CallbackPayload;
}

export interface PaymentRequest {
  /** Unique per attempt; the provider's reference of the debit. */
  reference: string;
  customerId: string;
  /** yuan, 2 decimals */
  amount: string;
  /** The payer's account at the provider (the simulator's picker; a real provider's redirect). */
  payerAccount: string;
}

export interface CallbackPayload {
  reference: string;
  customerId: string;
  amount: string;
  paidAt: string;
}

/** What the provider posts back: the payload and its signature. */
export interface PaymentCallback extends CallbackPayload {
  signature: string;
}

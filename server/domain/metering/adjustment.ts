import { Invalid } from '../../lib/errors.js';
import { type Dec, type DecimalInput, dec, roundEnergy } from '../decimal.js';
import { type AccuracyClass, withinTolerance } from './device-class.js';

/** What an adjustment (退补) case quotes; validate untrusted input with `adjustmentQuoteRequestSchema`. */
export type AdjustmentQuoteRequest =
  | {
      kind: 'meter-error';
      /** γ in percent, + = the meter runs fast. */
      errorPercent: DecimalInput;
      /** E: energy the meter recorded since its last test, kWh. */
      recordedKwh: DecimalInput;
      /** When given, an error within the class limit quotes no adjustment. */
      accuracyClass?: AccuracyClass | undefined;
    }
  | {
      kind: 'wiring';
      /** E: energy recorded over the period of the wrong wiring, kWh. */
      recordedKwh: DecimalInput;
      /** K = P_correct / P_wrong. */
      correctionFactor: DecimalInput;
    }
  | {
      kind: 'multiplier';
      /** E_register: register advance over the period, before any multiplier. */
      registerKwh: DecimalInput;
      correctMultiplier: DecimalInput;
      wrongMultiplier: DecimalInput;
    };

export type AdjustmentDirection = 'refund' | 'back-bill' | 'none';

/** Energies as decimal strings with 2 places; `adjustKwh` is signed (− = refund, + = back-bill). */
export interface AdjustmentQuote {
  kind: AdjustmentQuoteRequest['kind'];
  adjustKwh: string;
  direction: AdjustmentDirection;
  /** The energy that should have been billed for the period. */
  trueKwh?: string;
  /** trueKwh − billed energy over the whole period (before the meter-error halving). */
  deltaKwh?: string;
  /** meter-error with an accuracy class only: whether γ is within ±class. */
  withinTolerance?: boolean;
}

/**
 * Quotes the energy to refund or back-bill (DOMAIN.md §3). Rounding choice: energy is rounded half
 * up to 2 decimals at each step that is shown to the customer — true energy, then delta, then the
 * adjustment — so a quote reproduces its own printed figures: 12 000 kWh at +3 % ⇒ true 11 650.49,
 * delta −349.51, adjust −174.76 (−349.51 / 2 = −174.755, half up away from zero).
 */
export function quoteAdjustment(request: AdjustmentQuoteRequest): AdjustmentQuote {
  switch (request.kind) {
    case 'meter-error':
      return quoteMeterError(request);
    case 'wiring': {
      const e = dec(request.recordedKwh);
      const k = dec(request.correctionFactor);
      if (!k.greaterThan(0)) throw new Invalid('INVALID_ADJUSTMENT', 'correctionFactor (K) must be greater than 0');
      // DOMAIN.md §3: wrong wiring is corrected over the full period, adjust = E × (K − 1).
      const adjust = roundEnergy(e.times(k.minus(1)));
      return { kind: 'wiring', ...signed(adjust), trueKwh: energy(roundEnergy(e.times(k))), deltaKwh: energy(adjust) };
    }
    case 'multiplier': {
      const register = dec(request.registerKwh);
      const adjust = roundEnergy(register.times(dec(request.correctMultiplier).minus(request.wrongMultiplier)));
      const trueKwh = roundEnergy(register.times(request.correctMultiplier));
      return { kind: 'multiplier', ...signed(adjust), trueKwh: energy(trueKwh), deltaKwh: energy(adjust) };
    }
  }
}

function quoteMeterError(request: Extract<AdjustmentQuoteRequest, { kind: 'meter-error' }>): AdjustmentQuote {
  const e = dec(request.recordedKwh);
  const gamma = dec(request.errorPercent).dividedBy(100);
  if (!gamma.greaterThan(-1)) throw new Invalid('INVALID_ADJUSTMENT', 'errorPercent (γ) must be greater than −100 %');
  const trueKwh = roundEnergy(e.dividedBy(gamma.plus(1)));
  const delta = roundEnergy(trueKwh.minus(e));
  const tolerated =
    request.accuracyClass === undefined ? undefined : withinTolerance(request.errorPercent, request.accuracyClass);
  // DOMAIN.md §3: a meter within its class limit is not adjusted (and the test fee is kept).
  // DOMAIN.md §3: only half the period since the last test is adjusted.
  const adjust = tolerated === true ? dec(0) : roundEnergy(delta.dividedBy(2));
  return {
    kind: 'meter-error',
    ...signed(adjust),
    trueKwh: energy(trueKwh),
    deltaKwh: energy(delta),
    ...(tolerated === undefined ? {} : { withinTolerance: tolerated }),
  };
}

function signed(adjust: Dec): Pick<AdjustmentQuote, 'adjustKwh' | 'direction'> {
  const direction: AdjustmentDirection = adjust.isZero() ? 'none' : adjust.isNegative() ? 'refund' : 'back-bill';
  return { adjustKwh: energy(adjust), direction };
}

/** 2-place string, never "-0.00". */
function energy(value: Dec): string {
  return value.isZero() ? '0.00' : roundEnergy(value).toFixed(2);
}

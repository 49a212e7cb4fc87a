import { z } from 'zod';
import { Dec } from '../decimal.js';
import { ACCURACY_CLASSES } from './device-class.js';

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** A range check on a parsed decimal: an error message, or null when the value is acceptable. */
type Bound = (value: Dec) => string | null;

const above =
  (limit: string, message: string): Bound =>
  (v) =>
    v.greaterThan(limit) ? null : message;

const notNegative =
  (field: string): Bound =>
  (v) =>
    v.isNegative() && !v.isZero() ? `${field} must not be negative` : null;

/**
 * A decimal as a string ("12000", "-3.5") or a JSON number, normalised to a plain decimal string.
 * `need` is the whole message for a missing value ("meter-error needs errorPercent …").
 */
function decimalField(need: string, field: string, bound?: Bound) {
  return z
    .union([z.string(), z.number()], {
      error: (issue) => (issue.input === undefined ? need : `${field} must be a decimal number`),
    })
    .transform((value, ctx) => {
      const text =
        typeof value === 'number' && Number.isFinite(value) ? new Dec(value).toFixed() : String(value).trim();
      if (!DECIMAL.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a decimal number, got "${String(value)}"` });
        return z.NEVER;
      }
      const problem = bound?.(new Dec(text));
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return text;
    });
}

const meterErrorSchema = z.object({
  kind: z.literal('meter-error'),
  // DOMAIN.md §3: true = E / (1 + γ); γ = −100 % would divide by zero, and below it means nothing.
  errorPercent: decimalField(
    'meter-error needs errorPercent (the measured error γ, percent, + = fast)',
    'errorPercent',
    above('-100', 'errorPercent (γ) must be greater than −100 %'),
  ),
  recordedKwh: decimalField(
    'meter-error needs recordedKwh (energy recorded since the last test)',
    'recordedKwh',
    notNegative('recordedKwh'),
  ),
  accuracyClass: z
    .enum(ACCURACY_CLASSES, { error: `accuracyClass must be one of ${ACCURACY_CLASSES.join(', ')}` })
    .optional(),
});

const wiringSchema = z.object({
  kind: z.literal('wiring'),
  recordedKwh: decimalField(
    'wiring needs recordedKwh (energy recorded over the period)',
    'recordedKwh',
    notNegative('recordedKwh'),
  ),
  correctionFactor: decimalField(
    'wiring needs correctionFactor (K = P_correct / P_wrong)',
    'correctionFactor',
    above('0', 'correctionFactor (K) must be greater than 0'),
  ),
});

const multiplierSchema = z.object({
  kind: z.literal('multiplier'),
  registerKwh: decimalField(
    'multiplier needs registerKwh (the register advance, before any multiplier)',
    'registerKwh',
    notNegative('registerKwh'),
  ),
  correctMultiplier: decimalField(
    'multiplier needs correctMultiplier',
    'correctMultiplier',
    above('0', 'correctMultiplier must be greater than 0'),
  ),
  wrongMultiplier: decimalField(
    'multiplier needs wrongMultiplier (the multiplier that was billed)',
    'wrongMultiplier',
    above('0', 'wrongMultiplier must be greater than 0'),
  ),
});

/** The request of an adjustment (退补) quote, validated and documented by one schema (STYLE.md habit 3). */
export const adjustmentQuoteRequestSchema = z.discriminatedUnion(
  'kind',
  [meterErrorSchema, wiringSchema, multiplierSchema],
  {
    error: (issue) =>
      typeof issue.input !== 'object' || issue.input === null
        ? 'an adjustment quote request must be an object'
        : 'kind must be one of meter-error, wiring, multiplier',
  },
);

export type AdjustmentQuoteRequestInput = z.input<typeof adjustmentQuoteRequestSchema>;
export type ParsedAdjustmentQuoteRequest = z.output<typeof adjustmentQuoteRequestSchema>;

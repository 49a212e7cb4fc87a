import { describe, expect, it } from 'vitest';
import {
  type AdjustmentQuoteRequest,
  adjustmentQuoteRequestSchema,
  quoteAdjustment,
} from '../../../../server/domain/metering/index.js';

function messages(input: unknown): string[] {
  const result = adjustmentQuoteRequestSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('adjustmentQuoteRequestSchema', () => {
  it('accepts the worked example and normalises numbers to decimal strings', () => {
    // given a request with JSON numbers
    const parsed = adjustmentQuoteRequestSchema.parse({
      kind: 'meter-error',
      errorPercent: 3,
      recordedKwh: '12000',
      accuracyClass: '2.0',
    });
    // when the parsed request is quoted
    const request: AdjustmentQuoteRequest = parsed;
    // then
    expect(parsed).toEqual({ kind: 'meter-error', errorPercent: '3', recordedKwh: '12000', accuracyClass: '2.0' });
    expect(quoteAdjustment(request).adjustKwh).toBe('-174.76');
  });

  it.each([
    [{ kind: 'meter-error', recordedKwh: '12000' }, 'meter-error needs errorPercent'],
    [{ kind: 'meter-error', errorPercent: '3' }, 'meter-error needs recordedKwh'],
    [{ kind: 'meter-error', errorPercent: '-100', recordedKwh: '1' }, 'errorPercent (γ) must be greater than −100 %'],
    [
      { kind: 'meter-error', errorPercent: 'three', recordedKwh: '1' },
      'errorPercent must be a decimal number, got "three"',
    ],
    [{ kind: 'meter-error', errorPercent: true, recordedKwh: '1' }, 'errorPercent must be a decimal number'],
    [{ kind: 'meter-error', errorPercent: '3', recordedKwh: '-5' }, 'recordedKwh must not be negative'],
    [
      { kind: 'meter-error', errorPercent: '3', recordedKwh: '1', accuracyClass: '3.0' },
      'accuracyClass must be one of',
    ],
    [{ kind: 'wiring', recordedKwh: '1000' }, 'wiring needs correctionFactor'],
    [{ kind: 'wiring', recordedKwh: '1000', correctionFactor: '0' }, 'correctionFactor (K) must be greater than 0'],
    [{ kind: 'multiplier', registerKwh: '10', correctMultiplier: '40' }, 'multiplier needs wrongMultiplier'],
    [
      { kind: 'multiplier', registerKwh: '10', correctMultiplier: '0', wrongMultiplier: '1' },
      'correctMultiplier must be greater than 0',
    ],
    [{ kind: 'refund-everything' }, 'kind must be one of meter-error, wiring, multiplier'],
    [{}, 'kind must be one of meter-error, wiring, multiplier'],
    ['meter-error', 'an adjustment quote request must be an object'],
  ])('rejects %j: %s', (input, expected) => {
    expect(messages(input).join(' | ')).toContain(expected);
  });

  it('reports every missing field of a request at once', () => {
    expect(messages({ kind: 'meter-error' })).toEqual([
      expect.stringContaining('meter-error needs errorPercent'),
      expect.stringContaining('meter-error needs recordedKwh'),
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { billQuoteRequestSchema, quoteBill } from '../../../../server/domain/billing/index.js';
import { seedTariffs } from '../../../../server/domain/tariffs/index.js';

const messages = (input: unknown): string => {
  const result = billQuoteRequestSchema.safeParse(input);
  return result.success ? '' : result.error.issues.map((i) => i.message).join('\n');
};

describe('billQuoteRequestSchema', () => {
  it('normalises numbers to decimal strings and pf standards to their two-decimal names', () => {
    // given the API body of worked example A, figures as JSON numbers
    const body = {
      tariff: 'ZJ-RES',
      customer: { category: '202', pfStandard: 0.9 },
      usage: { kwh: { peak: 250, valley: 150 }, tierYearKwhBefore: 2600 },
      period: { month: '2024-07' },
    };
    // when
    const parsed = billQuoteRequestSchema.parse(body);
    // then
    expect(parsed).toEqual({
      tariff: 'ZJ-RES',
      customer: { category: '202', pfStandard: '0.90' },
      usage: { kwh: { peak: '250', valley: '150' }, tierYearKwhBefore: '2600' },
      period: { month: '2024-07' },
    });
  });

  it('parses into what quoteBill takes', () => {
    // given
    const parsed = billQuoteRequestSchema.parse({
      tariff: 'ZJ-RES',
      usage: { kwh: { total: '400' }, tierYearKwhBefore: '2600' },
      period: { month: '2024-07' },
    });
    // when the route resolves the code and quotes
    const tariff = typeof parsed.tariff === 'string' ? seedTariffs[parsed.tariff] : parsed.tariff;
    // then
    expect(tariff && quoteBill(parsed, tariff).total).toBe('227.20');
  });

  it('accepts an inline tariff definition', () => {
    const parsed = billQuoteRequestSchema.parse({
      tariff: {
        code: 'GC',
        name: 'General commercial',
        versions: [{ kind: 'single-part', effectiveFrom: '2024-01-01', energyPrices: { flat: 0.6 }, funds: [] }],
      },
      usage: { kwh: { total: 100 } },
      period: { month: '2024-07', days: 12 },
    });
    expect(typeof parsed.tariff === 'object' && parsed.tariff.versions[0]?.kind).toBe('single-part');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an empty tariff code', { tariff: '' }, /tariff/],
    [
      'an inline tariff without a flat price',
      {
        tariff: {
          code: 'X',
          name: 'X',
          versions: [{ kind: 'single-part', effectiveFrom: '2024-01-01', energyPrices: {}, funds: [] }],
        },
      },
      /inline tariff definition is invalid: versions\.0\.energyPrices\.flat: flat price is required/,
    ],
    ['a month that does not exist', { period: { month: '2024-13' } }, /period.month must be a month written YYYY-MM/],
    ['zero days', { period: { month: '2024-07', days: 0 } }, /period.days must be greater than 0/],
    ['a negative kvarh', { usage: { kwh: { total: 1 }, kvarh: -1 } }, /usage.kvarh must not be negative/],
    ['kWh that is not a number', { usage: { kwh: { peak: 'lots' } } }, /usage.kwh.peak must be a decimal number/],
    ['total and registers together', { usage: { kwh: { total: 1, peak: 1 } } }, /either total or TOU registers/],
    ['an unknown PF standard', { customer: { pfStandard: '0.95' } }, /pfStandard must be one of 0.90, 0.85, 0.80/],
    ['an unknown method', { customer: { basicChargeMethod: 'peak' } }, /capacity or demand/],
    ['an unknown category', { customer: { category: '999' } }, /category must be one of/],
    ['an unknown field', { usage: { kwh: { total: 1 }, reactive: 1 } }, /reactive/],
  ])('rejects %s', (_case, change, message) => {
    // given a valid body with one thing changed
    const body = { tariff: 'ZJ-RES', usage: { kwh: { total: 1 } }, period: { month: '2024-07' }, ...change };
    // then
    expect(messages(body)).toMatch(message);
  });
});

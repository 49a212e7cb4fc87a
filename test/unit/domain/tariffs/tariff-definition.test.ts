import { describe, expect, it } from 'vitest';
import { sum } from '../../../../server/domain/decimal.js';
import {
  type TariffDefinitionInput,
  seedTariffs,
  tariffDefinitionSchema,
} from '../../../../server/domain/tariffs/index.js';

const singlePart = (overrides: Record<string, unknown> = {}): TariffDefinitionInput =>
  ({
    code: 'GC-TEST',
    name: 'General commercial, test',
    versions: [
      { kind: 'single-part', effectiveFrom: '2024-01-01', energyPrices: { flat: 0.6 }, funds: [], ...overrides },
    ],
  }) as TariffDefinitionInput;

const messages = (input: unknown): string[] => {
  const result = tariffDefinitionSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('tariffDefinitionSchema', () => {
  it.each(Object.keys(seedTariffs))('accepts the seeded tariff %s unchanged', (code) => {
    // given a seeded tariff
    const seeded = seedTariffs[code];
    // when it is parsed as an inline definition would be
    const parsed = tariffDefinitionSchema.parse(seeded);
    // then it is valid and already in its normal form
    expect(parsed).toEqual(seeded);
  });

  it('seeds ZJ-RES and PROV-LI-10KV as DOMAIN.md §5 gives them, from 2024-01-01', () => {
    const zj = seedTariffs['ZJ-RES']?.versions[0];
    const li = seedTariffs['PROV-LI-10KV']?.versions[0];
    expect(zj).toMatchObject({
      kind: 'residential-tiered',
      effectiveFrom: '2024-01-01',
      tierPeriod: 'annual',
      thresholdsKwh: { t1: '2760', t2: '4800' },
      prices: {
        flat: { tier1: '0.538', tier2: '0.588', tier3: '0.838' },
        touPeak: { tier1: '0.568', tier2: '0.618', tier3: '0.868' },
        touValley: { tier1: '0.288', tier2: '0.338', tier3: '0.588' },
      },
    });
    expect(li).toMatchObject({
      kind: 'two-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { peak: '1.03153', flat: '0.6362', valley: '0.3321' },
      basicCharge: { capacityPricePerKvaMonth: '26', demandPricePerKwMonth: '38' },
    });
    // then the large-industry funds add up to the 0.028 yuan inside each price, all in-price
    const fen = sum((li?.funds ?? []).map((f) => f.perKwh));
    expect(fen.dividedBy(100).toFixed()).toBe('0.028');
    expect(li?.funds.every((f) => f.inPrice)).toBe(true);
  });

  it('normalises prices given as JSON numbers to decimal strings', () => {
    const parsed = tariffDefinitionSchema.parse(singlePart({ energyPrices: { flat: 0.6362, peak: 1.03153 } }));
    expect(parsed.versions[0]).toMatchObject({ energyPrices: { flat: '0.6362', peak: '1.03153' } });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative price', { energyPrices: { flat: '-0.1' } }, /flat price must not be negative/],
    ['a price that is not a number', { energyPrices: { flat: 'cheap' } }, /flat price must be a decimal number/],
    ['a missing flat price', { energyPrices: { peak: '1' } }, /flat price is required/],
    ['an unknown kind', { kind: 'three-part' }, /kind must be one of/],
    ['an end before the start', { effectiveTo: '2023-12-31' }, /effectiveTo 2023-12-31 is before effectiveFrom/],
    ['an impossible date', { effectiveFrom: '2024-02-30' }, /effectiveFrom must be a real date/],
    ['a fund in an unknown unit', { funds: [{ name: 'x', perKwh: 1, unit: 'cent', inPrice: false }] }, /fen or yuan/],
    ['TOU hours that are not a range', { touHours: { peak: ['10-12'] } }, /HH:MM-HH:MM/],
  ])('rejects %s', (_case, overrides, message) => {
    expect(messages(singlePart(overrides)).join('\n')).toMatch(message);
  });

  it('rejects overlapping versions', () => {
    // given two versions where the first never ends
    const tariff = {
      code: 'GC-TEST',
      name: 'General commercial, test',
      versions: [
        { kind: 'single-part', effectiveFrom: '2024-01-01', energyPrices: { flat: '0.6' }, funds: [] },
        { kind: 'single-part', effectiveFrom: '2024-07-01', energyPrices: { flat: '0.7' }, funds: [] },
      ],
    };
    // then
    expect(messages(tariff)).toContain('versions from 2024-01-01 and 2024-07-01 overlap');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['T2 not above T1', { thresholdsKwh: { t1: '2760', t2: '2760' } }, 'T2 must be greater than T1'],
    [
      'TOU peak prices without valley prices',
      { prices: { flat: { tier1: 1, tier2: 1, tier3: 1 }, touPeak: { tier1: 1, tier2: 1, tier3: 1 } } },
      'TOU prices need both touPeak and touValley, or neither',
    ],
    [
      'an out-of-price fund (DOMAIN.md §5.1: funds are in the residential price)',
      { funds: [{ name: 'Renewable', perKwh: '0.1', unit: 'fen', inPrice: false }] },
      'residential funds must be in-price',
    ],
  ])('rejects a residential tariff with %s', (_case, overrides, message) => {
    // given the seeded residential tariff with one thing changed
    const zj = seedTariffs['ZJ-RES'];
    const version = { ...zj?.versions[0], ...overrides };
    // then
    expect(messages({ ...zj, versions: [version] })).toContain(message);
  });
});

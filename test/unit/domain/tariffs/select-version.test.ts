import { describe, expect, it } from 'vitest';
import { type TariffDefinition, seedTariffs, selectTariffVersion } from '../../../../server/domain/tariffs/index.js';

const repriced: TariffDefinition = {
  code: 'GC-TEST',
  name: 'General commercial, repriced mid-year',
  versions: [
    {
      kind: 'single-part',
      effectiveFrom: '2024-07-01',
      energyPrices: { flat: '0.62' },
      funds: [],
    },
    {
      kind: 'single-part',
      effectiveFrom: '2024-01-01',
      effectiveTo: '2024-06-30',
      energyPrices: { flat: '0.60' },
      funds: [],
    },
  ],
};

describe('selectTariffVersion', () => {
  it.each([
    ['2023-12-31', null],
    ['2024-01-01', '0.60'],
    ['2024-06-30', '0.60'],
    ['2024-07-01', '0.62'],
    ['2031-02-28', '0.62'],
    ['2023-12', null],
    ['2024-06', '0.60'],
    ['2024-07', '0.62'],
  ])('prices %s with the flat price %s', (dateOrMonth, flat) => {
    // when
    const version = selectTariffVersion(repriced, dateOrMonth);
    // then: effectiveTo is the last day of a version; a month takes the version of its first day
    expect(version === null ? null : version.kind === 'residential-tiered' ? 'tiered' : version.energyPrices.flat).toBe(
      flat,
    );
  });

  it('finds the seeded versions from 2024-01-01 on', () => {
    expect(selectTariffVersion(seedTariffs['ZJ-RES'] as TariffDefinition, '2024-01')?.kind).toBe('residential-tiered');
    expect(selectTariffVersion(seedTariffs['PROV-LI-10KV'] as TariffDefinition, '2023-12')).toBeNull();
  });

  it.each(['2024-13', '2024-02-30', 'July 2024'])('rejects "%s", which is neither a date nor a month', (input) => {
    expect(() => selectTariffVersion(repriced, input)).toThrow(/neither a date/);
  });
});

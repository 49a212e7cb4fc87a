import type { GovernmentFund, TariffDefinition } from './schema.js';

// DOMAIN.md §5.4 (cfg): fund rates per kWh, in fen. Both seeded tariffs publish prices that already
// include them, so every fund here is in-price: reported, never billed again.
const majorWaterConservancy: GovernmentFund = {
  name: 'Major water-conservancy fund',
  perKwh: '0.23',
  unit: 'fen',
  inPrice: true,
};
const reservoirResettlement: GovernmentFund = {
  name: 'Reservoir resettlement fund',
  perKwh: '0.62',
  unit: 'fen',
  inPrice: true,
};

/**
 * DOMAIN.md §5.1: Zhejiang residential, annual tiers, one meter per household below 1 kV.
 * The table carries no effective date; the seed assumes it applies from 2024-01-01.
 */
const zjResidential: TariffDefinition = {
  code: 'ZJ-RES',
  name: 'Zhejiang residential, annual tiers, below 1 kV',
  versions: [
    {
      kind: 'residential-tiered',
      effectiveFrom: '2024-01-01',
      tierPeriod: 'annual',
      tierYearStart: '01-01',
      // ≤ 2760 kWh, 2761–4800 kWh, ≥ 4801 kWh
      thresholdsKwh: { t1: '2760', t2: '4800' },
      prices: {
        flat: { tier1: '0.538', tier2: '0.588', tier3: '0.838' },
        touPeak: { tier1: '0.568', tier2: '0.618', tier3: '0.868' },
        touValley: { tier1: '0.288', tier2: '0.338', tier3: '0.588' },
      },
      funds: [
        majorWaterConservancy,
        reservoirResettlement,
        { name: 'Renewable-energy surcharge', perKwh: '0.1', unit: 'fen', inPrice: true },
      ],
    },
  ],
};

/**
 * DOMAIN.md §5.2: a published provincial large-industry table, below 35 kV (10 kV). Each energy
 * price includes 0.028 yuan/kWh of funds: 0.23 + 0.62 + 1.9 + 0.05 fen (DOMAIN.md §5.4).
 * The table carries no effective date; the seed assumes it applies from 2024-01-01.
 */
const provLargeIndustry10kV: TariffDefinition = {
  code: 'PROV-LI-10KV',
  name: 'Provincial large industry, 1–10 kV (below 35 kV)',
  versions: [
    {
      kind: 'two-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { peak: '1.03153', flat: '0.6362', valley: '0.3321' },
      touHours: {
        peak: ['10:00-12:00', '16:00-22:00'],
        flat: ['07:00-10:00', '12:00-16:00', '22:00-23:00'],
        valley: ['23:00-07:00'],
      },
      basicCharge: { capacityPricePerKvaMonth: '26', demandPricePerKwMonth: '38' },
      funds: [
        majorWaterConservancy,
        reservoirResettlement,
        { name: 'Renewable-energy surcharge', perKwh: '1.9', unit: 'fen', inPrice: true },
        { name: 'Local reservoir fund', perKwh: '0.05', unit: 'fen', inPrice: true },
      ],
    },
  ],
};

/** The tariffs shipped with the platform, by code. */
export const seedTariffs: Readonly<Record<string, TariffDefinition>> = {
  [zjResidential.code]: zjResidential,
  [provLargeIndustry10kV.code]: provLargeIndustry10kV,
};

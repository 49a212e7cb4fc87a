import { isResidentialCategory, type ElecTypeCode } from '../domain/billing/index.js';
import { seedTariffs, type TariffDefinition } from '../domain/tariffs/index.js';

/**
 * Which tariff the billing run prices a customer with. The seeded tables (DOMAIN.md §5) cover
 * residential (ZJ-RES) and large industry (PROV-LI-10KV); DOMAIN.md publishes no general C&I or
 * agricultural table, so those categories get the two inline single-part definitions below, flat
 * price only (a TOU meter is billed on its total register), funds inside the price like the seeded
 * tables. Their prices are placeholders of the published order of magnitude, to be replaced by the
 * province's table (cfg).
 */
const inPriceFunds = (renewableFen: string) => [
  { name: 'Major water-conservancy fund', perKwh: '0.23', unit: 'fen' as const, inPrice: true },
  { name: 'Reservoir resettlement fund', perKwh: '0.62', unit: 'fen' as const, inPrice: true },
  { name: 'Renewable-energy surcharge', perKwh: renewableFen, unit: 'fen' as const, inPrice: true },
];

export const RUN_GENERAL_CI: TariffDefinition = {
  code: 'RUN-CI-SINGLE',
  name: 'General industrial & commercial, single-part, below 1 kV (placeholder prices)',
  versions: [
    {
      kind: 'single-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { flat: '0.6644' },
      funds: [...inPriceFunds('1.9'), { name: 'Local reservoir fund', perKwh: '0.05', unit: 'fen', inPrice: true }],
    },
  ],
};

export const RUN_AGRICULTURAL: TariffDefinition = {
  code: 'RUN-AGRI-SINGLE',
  name: 'Agricultural production, single-part (placeholder prices)',
  versions: [
    { kind: 'single-part', effectiveFrom: '2024-01-01', energyPrices: { flat: '0.4825' }, funds: inPriceFunds('1.9') },
  ],
};

/** The tariffs a new installation starts with (seeded into the `tariffs` table). */
export const DEFAULT_TARIFFS: TariffDefinition[] = [...Object.values(seedTariffs), RUN_GENERAL_CI, RUN_AGRICULTURAL];

/** The defaults as a catalogue, for code that runs without a database (unit tests). */
export const DEFAULT_CATALOGUE: ReadonlyMap<string, TariffDefinition> = new Map(
  DEFAULT_TARIFFS.map((t) => [t.code, t]),
);

/**
 * The customer's own tariff code when it names a known tariff, else the category's default:
 * residential (200, 201, 202) → ZJ-RES, large industry (100) → PROV-LI-10KV, agricultural (300) →
 * RUN-AGRI-SINGLE, general C&I (400) → RUN-CI-SINGLE. Internal/assessment customers (000) are not
 * billed (the run leaves them out).
 */
export function tariffFor(
  category: string,
  tariffCode: string | null,
  catalogue: ReadonlyMap<string, TariffDefinition> = DEFAULT_CATALOGUE,
): TariffDefinition {
  const own = tariffCode ? catalogue.get(tariffCode) : undefined;
  if (own) return own;
  const code = isResidentialCategory(category as ElecTypeCode)
    ? 'ZJ-RES'
    : category === '100'
      ? 'PROV-LI-10KV'
      : category === '300'
        ? RUN_AGRICULTURAL.code
        : RUN_GENERAL_CI.code;
  return catalogue.get(code) ?? (DEFAULT_CATALOGUE.get(code) as TariffDefinition);
}

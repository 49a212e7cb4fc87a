import { describe, expect, it } from 'vitest';
import {
  type BillQuoteRequest,
  billQuoteRequestSchema,
  proratedThresholds,
  quoteBill,
  tierMonthsLeft,
} from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs, tariffDefinitionSchema } from '../../../../server/domain/tariffs/index.js';

const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
const withPolicy = (policy: { midYearProration?: boolean; lowIncomeFreeKwhPerMonth?: string }): TariffDefinition => ({
  ...zjRes,
  versions: zjRes.versions.map((v) => ({ ...v, ...policy })),
});

const summary = (request: BillQuoteRequest, tariff: TariffDefinition) => {
  const quote = quoteBill(request, tariff);
  return [...quote.lines.map((l) => `${l.label}: ${l.quantity} → ${l.amount}`), quote.total];
};

describe('mid-year tier proration (DOMAIN.md §5.1, policy switch)', () => {
  it.each<[string, string, string, number | null]>([
    ['connected in October, billed in November', '2024-11', '2024-10', 3],
    ['connected in July, billed in July', '2024-07', '2024-07', 6],
    ['connected in January, the tier year’s first month', '2024-07', '2024-01', null],
    ['connected last year', '2024-07', '2023-11', null],
  ])('counts the months left for an account %s', (_case, month, connected, left) => {
    expect(tierMonthsLeft(month, '01-01', connected)).toBe(left);
  });

  it('counts from a tier year that starts in July', () => {
    // tier year 2023-07..2024-06; connected September 2023: September to June, 10 months
    expect(tierMonthsLeft('2024-03', '07-01', '2023-09')).toBe(10);
    expect(tierMonthsLeft('2024-08', '07-01', '2024-07')).toBeNull();
  });

  it('prorates thresholds to 0.01 kWh', () => {
    const t = (left: number, t1: string, t2: string) => {
      const p = proratedThresholds({ t1, t2 }, left);
      return [p.t1.toFixed(2), p.t2.toFixed(2)];
    };
    expect(t(3, '2760', '4800')).toEqual(['690.00', '1200.00']);
    expect(t(5, '1000', '2000')).toEqual(['416.67', '833.33']);
  });

  /*
   * ZJ-RES with the switch on, an account connected on 2024-10-05: 3 months left (October to
   * December) ⇒ T1 = 2 760 × 3/12 = 690, T2 = 4 800 × 3/12 = 1 200.
   *   October, 500 kWh, first bill: all tier 1, 500 × 0.538 = 269.00
   *   November, 600 kWh after 500: 190 tier 1 + 410 tier 2 = 102.22 + 241.08 = 343.30 (322.80 unprorated)
   *   December, 300 kWh after 1 100: 100 tier 2 + 200 tier 3 = 58.80 + 167.60 = 226.40
   */
  const connected = (month: string, total: string, before: string): BillQuoteRequest => ({
    customer: { category: '202', connectedOn: '2024-10-05' },
    usage: { kwh: { total }, tierYearKwhBefore: before },
    period: { month },
  });

  it.each<[string, string, string, string[]]>([
    ['2024-10', '500', '0', ['Energy, tier 1: 500.00 → 269.00', '269.00']],
    ['2024-11', '600', '500', ['Energy, tier 1: 190.00 → 102.22', 'Energy, tier 2: 410.00 → 241.08', '343.30']],
    ['2024-12', '300', '1100', ['Energy, tier 2: 100.00 → 58.80', 'Energy, tier 3: 200.00 → 167.60', '226.40']],
  ])('bills %s on the prorated thresholds', (month, total, before, expected) => {
    expect(summary(connected(month, total, before), withPolicy({ midYearProration: true }))).toEqual(expected);
  });

  it('leaves the thresholds whole with the switch off', () => {
    expect(summary(connected('2024-11', '600', '500'), zjRes)).toEqual(['Energy, tier 1: 600.00 → 322.80', '322.80']);
  });

  it('refuses a connection after the billed month', () => {
    expect(() => quoteBill(connected('2024-09', '100', '0'), withPolicy({ midYearProration: true }))).toThrow(
      expect.objectContaining({ field: 'customer.connectedOn' }),
    );
  });
});

describe('free monthly kWh for low-income households (DOMAIN.md §5.1)', () => {
  const free15 = withPolicy({ lowIncomeFreeKwhPerMonth: '15' });
  const july = (kwh: BillQuoteRequest['usage']['kwh'], before: string, lowIncome = true): BillQuoteRequest => ({
    customer: { category: '202', lowIncome },
    usage: { kwh, tierYearKwhBefore: before },
    period: { month: '2024-07' },
  });

  it('takes the 15 free kWh from tier 1 of worked example A: 227.20 − 15 × 0.538 = 219.13', () => {
    expect(summary(july({ total: '400' }, '2600'), free15)).toEqual([
      'Energy, free allowance (low-income household): 15.00 → 0.00',
      'Energy, tier 1: 145.00 → 78.01',
      'Energy, tier 2: 240.00 → 141.12',
      '219.13',
    ]);
  });

  it('splits the rest of a TOU household’s kWh into peak and valley after the free share', () => {
    /*
     * Peak 250 / valley 150 (62.5 %): the free 15 kWh take 9.38 peak; tier 1 up to 160 kWh ⇒ 100 peak
     * in all, so tier 1 peak 90.62, valley 54.38; tier 2 150 / 90 as in worked example A.
     * 90.62 × 0.568 = 51.47216; 54.38 × 0.288 = 15.66144; 92.70; 30.42 ⇒ 190.25
     */
    expect(summary(july({ peak: '250', valley: '150' }, '2600'), free15)).toEqual([
      'Energy, free allowance (low-income household): 15.00 → 0.00',
      'Energy, tier 1 peak: 90.62 → 51.47',
      'Energy, tier 1 valley: 54.38 → 15.66',
      'Energy, tier 2 peak: 150.00 → 92.70',
      'Energy, tier 2 valley: 90.00 → 30.42',
      '190.25',
    ]);
  });

  it.each<[string, BillQuoteRequest, TariffDefinition, string[]]>([
    // past tier 1 the month's first kWh are tier 2: 385 × 0.588
    [
      'a household past tier 1',
      july({ total: '400' }, '3000'),
      free15,
      ['Energy, free allowance (low-income household): 15.00 → 0.00', 'Energy, tier 2: 385.00 → 226.38', '226.38'],
    ],
    [
      'a month under the allowance',
      july({ total: '10' }, '0'),
      free15,
      ['Energy, free allowance (low-income household): 10.00 → 0.00', '0.00'],
    ],
    [
      'a household that is not low-income',
      july({ total: '400' }, '2600', false),
      free15,
      ['Energy, tier 1: 160.00 → 86.08', 'Energy, tier 2: 240.00 → 141.12', '227.20'],
    ],
    [
      'a tariff without an allowance',
      july({ total: '400' }, '2600'),
      zjRes,
      ['Energy, tier 1: 160.00 → 86.08', 'Energy, tier 2: 240.00 → 141.12', '227.20'],
    ],
  ])('bills %s', (_case, request, tariff, expected) => {
    expect(summary(request, tariff)).toEqual(expected);
  });

  it('refuses free kWh on a tariff that is not residential', () => {
    const request: BillQuoteRequest = {
      customer: { lowIncome: true, capacityKva: '1000', basicChargeMethod: 'capacity' },
      usage: { kwh: { peak: '1', flat: '1', valley: '1' } },
      period: { month: '2024-07' },
    };
    expect(() => quoteBill(request, seedTariffs['PROV-LI-10KV'] as TariffDefinition)).toThrow(
      expect.objectContaining({ field: 'customer.lowIncome' }),
    );
  });
});

describe('the policy fields in configuration and requests', () => {
  it('accepts the switches on a residential tariff version and the household in a quote', () => {
    expect(
      tariffDefinitionSchema.safeParse(withPolicy({ midYearProration: true, lowIncomeFreeKwhPerMonth: '15' })).success,
    ).toBe(true);
    expect(tariffDefinitionSchema.safeParse(withPolicy({ lowIncomeFreeKwhPerMonth: '-1' })).success).toBe(false);
    const parsed = billQuoteRequestSchema.parse({
      tariff: 'ZJ-RES',
      customer: { category: '202', lowIncome: true, connectedOn: '2024-10-05' },
      usage: { kwh: { total: 400 }, tierYearKwhBefore: 2600 },
      period: { month: '2024-11' },
    });
    expect(parsed.customer).toMatchObject({ lowIncome: true, connectedOn: '2024-10-05' });
  });
});

import { describe, expect, it } from 'vitest';
import { BillingInputError, type BillQuoteRequest, quoteBill } from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;

/** A single-part general commercial tariff with one out-of-price fund (DOMAIN.md §5.4 rates). */
const flatCommercial: TariffDefinition = {
  code: 'GC-FLAT',
  name: 'General commercial, flat price',
  versions: [
    {
      kind: 'single-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { flat: '0.6' },
      funds: [
        { name: 'Major water-conservancy fund', perKwh: '0.23', unit: 'fen', inPrice: true },
        { name: 'Renewable-energy surcharge', perKwh: '1.9', unit: 'fen', inPrice: false },
      ],
    },
  ],
};

const touCommercial: TariffDefinition = {
  code: 'GC-TOU',
  name: 'General commercial, TOU',
  versions: [
    {
      kind: 'single-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { sharp: '1.2', peak: '0.9', flat: '0.6', valley: '0.3', deepValley: '0.2' },
      funds: [],
    },
  ],
};

describe('quoteBill — single-part tariffs and government funds', () => {
  it('adds out-of-price funds as type 04 lines and keeps them out of the PF base', () => {
    // given 1 000 kWh, no reactive energy (cosφ 1.00), standard 0.85 ⇒ −1.10 %
    const request: BillQuoteRequest = {
      customer: { category: '400', capacityKva: '160', pfStandard: '0.85' },
      usage: { kwh: { total: '1000' }, kvarh: '0' },
      period: { month: '2024-07' },
    };
    // when
    const quote = quoteBill(request, flatCommercial);
    // then: energy 600.00; PF base 600.00 − in-price 2.30 = 597.70, × −1.1 % = −6.5747 → −6.57;
    // fund 1 000 × 0.019 = 19.00; total 612.43
    expect(quote.lines.map((l) => [l.type, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['01', '1000.00', '0.60', '600.00'],
      ['02', '597.70', '-0.011', '-6.57'],
      ['04', '1000.00', '0.019', '19.00'],
    ]);
    expect(quote).toMatchObject({ powerFactor: '1.00', pfAdjustmentPercent: '-1.10', total: '612.43' });
    expect(quote.inPriceLevies).toEqual([
      { name: 'Major water-conservancy fund', quantity: '1000.00', unitPrice: '0.0023', amount: '2.30' },
    ]);
  });

  it('prices each TOU register at its own price and skips empty registers', () => {
    const quote = quoteBill(
      {
        usage: { kwh: { sharp: '10', peak: '20', flat: '30', valley: '0', deepValley: '40' } },
        period: { month: '2024-07' },
      },
      touCommercial,
    );
    expect(quote.lines.map((l) => `${l.label} ${l.amount}`)).toEqual([
      'Energy, sharp peak 12.00',
      'Energy, peak 18.00',
      'Energy, flat 18.00',
      'Energy, deep valley 8.00',
    ]);
    expect(quote.total).toBe('56.00');
  });

  it('reports the power factor of a customer that is not PF-assessed without adjusting', () => {
    const quote = quoteBill(
      { usage: { kwh: { total: '1000' }, kvarh: '300' }, period: { month: '2024-07' } },
      flatCommercial,
    );
    expect(quote).toMatchObject({ powerFactor: '0.96', pfAdjustmentPercent: null, total: '619.00' });
    expect(quote.lines.some((l) => l.type === '02')).toBe(false);
  });

  it('accepts figures as JSON numbers', () => {
    const quote = quoteBill(
      { usage: { kwh: { total: 400 }, tierYearKwhBefore: 2600 }, period: { month: '2024-07' } },
      zjRes,
    );
    expect(quote.total).toBe('227.20');
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('quoteBill — input the rules cannot price', () => {
  const residential = (
    usage: BillQuoteRequest['usage'],
    customer?: BillQuoteRequest['customer'],
  ): BillQuoteRequest => ({
    customer,
    usage,
    period: { month: '2024-07' },
  });
  const twoPart = (
    customer: BillQuoteRequest['customer'],
    usage?: Partial<BillQuoteRequest['usage']>,
  ): BillQuoteRequest => ({
    customer,
    usage: { kwh: { peak: '100', flat: '100', valley: '100' }, ...usage },
    period: { month: '2024-07' },
  });

  it.each<[string, BillQuoteRequest, TariffDefinition, string, RegExp]>([
    [
      'TOU kWh on a flat-price tariff',
      residential({ kwh: { peak: '10', flat: '5' } }),
      flatCommercial,
      'usage.kwh.peak',
      /no peak price/,
    ],
    ['a negative kWh', residential({ kwh: { flat: '-5' } }), flatCommercial, 'usage.kwh.flat', /must not be negative/],
    [
      'kWh with 3 decimals',
      residential({ kwh: { total: '1.005' } }),
      flatCommercial,
      'usage.kwh.total',
      /more than 2 decimals/,
    ],
    [
      'total and registers together',
      residential({ kwh: { total: '5', flat: '5' } }),
      flatCommercial,
      'usage.kwh',
      /not both/,
    ],
    ['no kWh at all', residential({ kwh: {} }), flatCommercial, 'usage.kwh', /needs total or at least one/],
    [
      'a total on a TOU large-industry tariff',
      twoPart({ capacityKva: 1000, basicChargeMethod: 'capacity' }, { kwh: { total: '300' } }),
      provLi,
      'usage.kwh.total',
      /by TOU period/,
    ],
    [
      'a two-part tariff without a method',
      twoPart({ capacityKva: 1000 }),
      provLi,
      'customer.basicChargeMethod',
      /is required/,
    ],
    [
      'a two-part tariff without capacity',
      twoPart({ basicChargeMethod: 'capacity' }),
      provLi,
      'customer.capacityKva',
      /is required/,
    ],
    [
      'the demand method without contract demand',
      twoPart({ capacityKva: 1000, basicChargeMethod: 'demand' }, { maxDemandKw: 400 }),
      provLi,
      'customer.contractDemandKw',
      /needs customer.contractDemandKw/,
    ],
    [
      'the demand method without maximum demand',
      twoPart({ capacityKva: 1000, basicChargeMethod: 'demand', contractDemandKw: 500 }),
      provLi,
      'usage.maxDemandKw',
      /needs usage.maxDemandKw/,
    ],
    [
      'a basic charge method on a single-part tariff',
      residential({ kwh: { total: '5' } }, { basicChargeMethod: 'capacity' }),
      flatCommercial,
      'customer.basicChargeMethod',
      /no basic charge/,
    ],
    [
      'a PF standard without kvarh',
      residential({ kwh: { total: '5' } }, { pfStandard: '0.85' }),
      flatCommercial,
      'usage.kvarh',
      /needs usage.kvarh/,
    ],
    [
      'a PF standard on a residential tariff',
      residential({ kwh: { total: '5' }, kvarh: '1', tierYearKwhBefore: 0 }, { pfStandard: '0.85' }),
      zjRes,
      'customer.pfStandard',
      /not PF-assessed/,
    ],
    [
      'annual tiers without the kWh billed before',
      residential({ kwh: { total: '5' } }),
      zjRes,
      'usage.tierYearKwhBefore',
      /is required/,
    ],
    [
      'a residential flat register',
      residential({ kwh: { peak: '5', flat: '5' }, tierYearKwhBefore: 0 }),
      zjRes,
      'usage.kwh.flat',
      /peak and valley registers only/,
    ],
  ])('rejects %s', (_case, request, tariff, field, message) => {
    // when
    const error = thrownBy(() => quoteBill(request, tariff));
    // then
    expect(error).toBeInstanceOf(BillingInputError);
    expect(error).toMatchObject({
      field,
      status: 400,
      code: 'INVALID_BILLING_INPUT',
      message: expect.stringMatching(message),
    });
  });

  it('rejects a month before the tariff’s first version', () => {
    const request: BillQuoteRequest = {
      usage: { kwh: { total: '5' }, tierYearKwhBefore: 0 },
      period: { month: '2023-12' },
    };
    expect(() => quoteBill(request, zjRes)).toThrow(
      'tariff ZJ-RES has no version in effect for 2023-12 (versions from 2024-01-01)',
    );
  });

  it('rejects more days than the month has', () => {
    const request = twoPart({ capacityKva: 1000, basicChargeMethod: 'capacity' });
    expect(() => quoteBill({ ...request, period: { month: '2024-02', days: 30 } }, provLi)).toThrow(
      'period.days 30 exceeds the 29 days of 2024-02',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  BillingInputError,
  type BillQuoteRequest,
  type CapacityBlockInput,
  billQuoteRequestSchema,
  daysInService,
  quoteBill,
  readCapacityBlocks,
  serviceSegments,
} from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;
/** The same table with the 1996 suspension rules switched on. */
const provLi1996: TariffDefinition = {
  ...provLi,
  versions: provLi.versions.map((v) => (v.kind === 'two-part' ? { ...v, suspensionRules: '1996' as const } : v)),
};

/*
 * DOMAIN.md §9 on PROV-LI-10KV (26 yuan per kVA·month, 38 per kW·month), worked by hand. A 1 000 kVA
 * customer with two transformers: T1 600 kVA, never sealed; T2 400 kVA, whose monthly charge is
 * 400 × 26 = 10 400.00. July 2024 has 31 days.
 *   T2 sealed 07-10, unsealed 07-25: sealed 10th–24th (15 days), in service 1st–9th and 25th–31st
 *   (16 days) ⇒ 10 400 × 16/30 = 5 546.666… → 5 546.67; T1 15 600.00; basic charge 21 146.67.
 */
const T1: CapacityBlockInput = { kva: '600' };
const suspendedT2 = (sealed: CapacityBlockInput['sealed']): CapacityBlockInput => ({ kva: '400', sealed });
const usage = { kwh: { peak: '30000', flat: '40000', valley: '30000' }, maxDemandKw: '280' };

function basicLines(blocks: CapacityBlockInput[], customer: BillQuoteRequest['customer'] = {}, tariff = provLi) {
  const quote = quoteBill(
    {
      customer: { basicChargeMethod: 'capacity', capacityBlocks: blocks, ...customer },
      usage,
      period: { month: '2024-07' },
    },
    tariff,
  );
  return quote.lines.filter((l) => l.type === '03').map((l) => `${l.label}: ${l.amount}`);
}

const t2Amount = (sealed: CapacityBlockInput['sealed'], tariff = provLi, month = '2024-07') =>
  quoteBill(
    {
      customer: { basicChargeMethod: 'capacity', capacityBlocks: [suspendedT2(sealed)] },
      usage,
      period: { month },
    },
    tariff,
  ).lines.find((l) => l.type === '03')?.amount;

describe('basic charge by blocks of capacity (DOMAIN.md §9)', () => {
  it('bills a suspension sealed on the 10th and unsealed on the 25th for 16 days of the block', () => {
    // when
    const lines = basicLines([T1, suspendedT2([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }])]);
    // then
    expect(lines).toEqual([
      'Basic charge by capacity, block 1 of 600 kVA: 15600.00',
      'Basic charge by capacity, block 2 of 400 kVA, 16/30 days: 5546.67',
    ]);
  });

  it('totals the bill on the blocks: energy 66 356.90 + basic 21 146.67', () => {
    // given peak 30 000 × 1.03153 = 30 945.90, flat 40 000 × 0.6362 = 25 448.00, valley 30 000 × 0.3321 = 9 963.00
    const quote = quoteBill(
      {
        customer: {
          basicChargeMethod: 'capacity',
          capacityKva: '1000',
          capacityBlocks: [T1, suspendedT2([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }])],
        },
        usage,
        period: { month: '2024-07' },
      },
      provLi,
    );
    // then: 66 356.90 + 21 146.67
    expect(quote.total).toBe('87503.57');
  });

  it.each<[string, CapacityBlockInput['sealed'], string | undefined, string]>([
    // in service 1st–9th and 25th–31st: 10 400 × 16/30
    ['sealed and unsealed in the month', [{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }], '2024-07', '5546.67'],
    // sealed in June, unsealed 07-20: in service 20th–31st, 12 days: 10 400 × 12/30
    ['unsealed in the month', [{ sealedOn: '2024-06-10', unsealedOn: '2024-07-20' }], '2024-07', '4160.00'],
    // sealed on the 31st: in service 30 days, 30/30 — the monthly charge, never more
    ['sealed on the last day of a 31-day month', [{ sealedOn: '2024-07-31' }], '2024-07', '10400.00'],
    // exempt from the day it is sealed: the 1st is not charged, in service 0 days
    ['sealed on the 1st', [{ sealedOn: '2024-07-01' }], '2024-07', '0.00'],
    ['sealed all month', [{ sealedOn: '2024-05-20' }], '2024-07', '0.00'],
    // February 2024 (29 days) sealed on the 15th: in service 1st–14th, 10 400 × 14/30 = 4 853.333…
    ['sealed mid-February', [{ sealedOn: '2024-02-15' }], '2024-02', '4853.33'],
    // unsealed 2024-07-01: in service the whole month
    ['unsealed on the 1st', [{ sealedOn: '2024-06-01', unsealedOn: '2024-07-01' }], '2024-07', '10400.00'],
    // two suspensions in one month: sealed 1st–5th and 20th–29th (15 days), in service 16 days
    [
      'sealed twice in the month',
      [
        { sealedOn: '2024-07-01', unsealedOn: '2024-07-06' },
        { sealedOn: '2024-07-20', unsealedOn: '2024-07-30' },
      ],
      '2024-07',
      '5546.67',
    ],
    // sealed 2024-06-10, unsealed 2024-06-25: the whole of July in service
    [
      'sealed and unsealed before the month',
      [{ sealedOn: '2024-06-10', unsealedOn: '2024-06-25' }],
      '2024-07',
      '10400.00',
    ],
  ])('bills a 400 kVA block %s at %s', (_case, sealed, month, amount) => {
    expect(t2Amount(sealed, provLi, month)).toBe(amount);
  });

  describe('the 1996 rules (policy switch)', () => {
    it('resumes the charge when the applied period ends, though the block is still sealed', () => {
      // given a suspension applied for 06-16 to 07-15 and never restored
      const sealed = [{ sealedOn: '2024-06-16', plannedEndOn: '2024-07-15' }];
      // then: billed from 07-16, 16 days: 10 400 × 16/30; under the current rules nothing
      expect(t2Amount(sealed, provLi1996)).toBe('5546.67');
      expect(t2Amount(sealed, provLi)).toBe('0.00');
    });

    it('bills from the unsealing when the customer restores before the period ends', () => {
      // given unsealed 07-10, before the planned end 07-15: 22 days, 10 400 × 22/30 = 7 626.666…
      const sealed = [{ sealedOn: '2024-06-16', unsealedOn: '2024-07-10', plannedEndOn: '2024-07-15' }];
      expect(t2Amount(sealed, provLi1996)).toBe('7626.67');
    });

    it('leaves a capacity reduction sealed until it is unsealed', () => {
      const sealed = [{ kind: 'reduction' as const, sealedOn: '2024-06-16', plannedEndOn: '2024-07-15' }];
      expect(t2Amount(sealed, provLi1996)).toBe('0.00');
    });
  });

  it('bills HV motors for the whole month beside the blocks', () => {
    const lines = basicLines([T1, suspendedT2([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }])], {
      hvMotorKw: '100',
    });
    expect(lines).toContain('Basic charge by capacity, 100 kW HV motors: 2600.00');
  });

  describe('by demand: the 40 % floor on the capacity in service', () => {
    /*
     * Contract demand 300 kW, maximum demand 280 kW (within 105 %). With all 1 000 kVA in service the
     * floor is 400 kW: 400 × 38 = 15 200.00. With T2 sealed, 600 kVA in service: floor 240 < 300 kW.
     */
    const demand = (sealed: CapacityBlockInput['sealed'], contractDemandKw = '300') =>
      quoteBill(
        {
          customer: { basicChargeMethod: 'demand', contractDemandKw, capacityBlocks: [T1, suspendedT2(sealed)] },
          usage,
          period: { month: '2024-07' },
        },
        provLi,
      ).lines.filter((l) => l.type === '03');

    it('bills the contract demand when the floor on 600 kVA in service is below it', () => {
      const lines = demand([{ sealedOn: '2024-06-01' }]);
      expect(lines.map((l) => [l.label, l.amount])).toEqual([
        ['Basic charge by demand, contract demand 300 kW, 600 kVA in service 07-01–07-31', '11400.00'],
      ]);
    });

    it('bills each run of days on its own floor in a month of suspension and restoration', () => {
      // given T2 sealed 07-10, unsealed 07-25
      const lines = demand([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }]);
      // then: 400 × 38 × 9/30 = 4 560.00; 300 × 38 × 15/30 = 5 700.00; 400 × 38 × 7/30 = 3 546.666… → 3 546.67
      expect(lines.map((l) => [l.quantity, l.label.split(', ').slice(-2).join(', '), l.amount])).toEqual([
        ['400.00', '1000 kVA in service 07-01–07-09, 9/30 days', '4560.00'],
        ['300.00', '600 kVA in service 07-10–07-24, 15/30 days', '5700.00'],
        ['400.00', '1000 kVA in service 07-25–07-31, 7/30 days', '3546.67'],
      ]);
    });

    it('never bills more than the monthly charge', () => {
      // given a contract demand of 500 kW, above both floors: the runs would add up to 31/30 of 19 000
      const lines = demand([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }], '500');
      // then: 5 700.00 + 9 500.00 + 4 433.33 = 19 633.33 > 500 × 38 ⇒ the month, 19 000.00
      expect(lines.map((l) => [l.quantity, l.amount])).toEqual([['500.00', '19000.00']]);
    });

    it('bills nothing while all capacity is sealed', () => {
      const quote = quoteBill(
        {
          customer: {
            basicChargeMethod: 'demand',
            contractDemandKw: '300',
            capacityBlocks: [{ kva: '1000', sealed: [{ sealedOn: '2024-06-01' }] }],
          },
          usage: { kwh: { flat: '0' }, maxDemandKw: '0' },
          period: { month: '2024-07' },
        },
        provLi,
      );
      expect(quote.lines).toEqual([]);
    });
  });

  it.each<[string, Partial<BillQuoteRequest['customer']>, BillQuoteRequest['period'] | undefined, string]>([
    [
      'an unsealing on the day of sealing',
      { capacityBlocks: [suspendedT2([{ sealedOn: '2024-07-10', unsealedOn: '2024-07-10' }])] },
      undefined,
      'customer.capacityBlocks.0.sealed.0.unsealedOn',
    ],
    [
      'overlapping sealed periods',
      {
        capacityBlocks: [
          suspendedT2([{ sealedOn: '2024-07-01', unsealedOn: '2024-07-20' }, { sealedOn: '2024-07-10' }]),
        ],
      },
      undefined,
      'customer.capacityBlocks.0.sealed',
    ],
    [
      'an impossible date',
      { capacityBlocks: [suspendedT2([{ sealedOn: '2024-02-30' }])] },
      undefined,
      'customer.capacityBlocks.0.sealed.0.sealedOn',
    ],
    [
      'blocks that do not add up to capacityKva',
      { capacityKva: '1000', capacityBlocks: [T1] },
      undefined,
      'customer.capacityKva',
    ],
    ['no blocks', { capacityBlocks: [] }, undefined, 'customer.capacityBlocks'],
    [
      'blocks and period.days together',
      { capacityBlocks: [T1] },
      { month: '2024-07', days: '10' },
      'customer.capacityBlocks',
    ],
  ])('rejects %s', (_case, customer, period, field) => {
    const request: BillQuoteRequest = {
      customer: { basicChargeMethod: 'capacity', ...customer },
      usage,
      period: period ?? { month: '2024-07' },
    };
    expect(() => quoteBill(request, provLi)).toThrow(BillingInputError);
    expect(() => quoteBill(request, provLi)).toThrow(expect.objectContaining({ field }));
  });

  it('rejects blocks on a tariff without a basic charge', () => {
    const request: BillQuoteRequest = {
      customer: { capacityBlocks: [T1] },
      usage: { kwh: { total: '100' }, tierYearKwhBefore: '0' },
      period: { month: '2024-07' },
    };
    expect(() => quoteBill(request, seedTariffs['ZJ-RES'] as TariffDefinition)).toThrow(
      expect.objectContaining({ field: 'customer.capacityBlocks' }),
    );
  });

  it('accepts capacity blocks in the quote request schema', () => {
    const parsed = billQuoteRequestSchema.parse({
      tariff: 'PROV-LI-10KV',
      customer: {
        basicChargeMethod: 'capacity',
        capacityBlocks: [{ kva: 600 }, { kva: '400', sealed: [{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }] }],
      },
      usage,
      period: { month: '2024-07' },
    });
    expect(parsed.customer?.capacityBlocks?.[0]).toEqual({ kva: '600' });
    expect(quoteBill(parsed, provLi).total).toBe('87503.57');
    expect(billQuoteRequestSchema.safeParse({ ...parsed, customer: { capacityBlocks: [{ kva: '0' }] } }).success).toBe(
      false,
    );
  });
});

describe('days in service and runs of capacity', () => {
  const blocks = readCapacityBlocks([
    { kva: '600' },
    { kva: '400', sealed: [{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }] },
  ]);

  it('counts the days a block is not sealed', () => {
    expect(blocks.map((b) => daysInService('2024-07', b))).toEqual([31, 16]);
  });

  it('cuts the month where the capacity in service changes', () => {
    expect(serviceSegments('2024-07', blocks).map((s) => `${s.from}..${s.to} ${s.kvaInService.toString()}`)).toEqual([
      '2024-07-01..2024-07-09 1000',
      '2024-07-10..2024-07-24 600',
      '2024-07-25..2024-07-31 1000',
    ]);
  });
});

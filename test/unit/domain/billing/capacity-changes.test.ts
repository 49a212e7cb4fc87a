import { describe, expect, it } from 'vitest';
import {
  BillingInputError,
  type CapacityChange,
  capacityBlocksOf,
  quoteBill,
} from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;

const suspend: CapacityChange = {
  id: 's1',
  kind: 'suspend',
  kva: '400',
  sealedOn: '2024-07-10',
  plannedEndOn: '2024-08-31',
};
const restore: CapacityChange = { id: 'r1', kind: 'restore', kva: '400', unsealedOn: '2024-07-25', restoresId: 's1' };

describe('capacityBlocksOf (DOMAIN.md §9)', () => {
  it('cuts the contracted capacity into the sealed block and the rest', () => {
    expect(capacityBlocksOf('1000', [suspend, restore], '2024-07')).toEqual([
      { kva: '600' },
      {
        kva: '400',
        sealed: [{ kind: 'suspension', sealedOn: '2024-07-10', unsealedOn: '2024-07-25', plannedEndOn: '2024-08-31' }],
      },
    ]);
  });

  it('bills the month of suspension and restoration from the records: 15 600.00 + 5 546.67', () => {
    // given T2 (400 kVA) sealed on the 10th and unsealed on the 25th of July
    const blocks = capacityBlocksOf('1000', [suspend, restore], '2024-07') ?? undefined;
    const quote = quoteBill(
      {
        customer: { capacityKva: '1000', basicChargeMethod: 'capacity', capacityBlocks: blocks },
        usage: { kwh: { peak: '3000', flat: '4000', valley: '3000' } },
        period: { month: '2024-07' },
      },
      provLi,
    );
    expect(quote.lines.filter((l) => l.type === '03').map((l) => l.amount)).toEqual(['15600.00', '5546.67']);
  });

  it('gives a part restored on its own day a block of its own', () => {
    // given 400 kVA reduced in June, 250 kVA of it restored on 07-20
    const changes: CapacityChange[] = [
      { id: 'd1', kind: 'reduce', kva: '400', sealedOn: '2024-06-03' },
      { id: 'd2', kind: 'restore-reduction', kva: '250', unsealedOn: '2024-07-20', restoresId: 'd1' },
    ];
    expect(capacityBlocksOf('1000', changes, '2024-07')).toEqual([
      { kva: '600' },
      { kva: '250', sealed: [{ kind: 'reduction', sealedOn: '2024-06-03', unsealedOn: '2024-07-20' }] },
      { kva: '150', sealed: [{ kind: 'reduction', sealedOn: '2024-06-03' }] },
    ]);
  });

  it.each<[string, string]>([
    ['a month before the sealing', '2024-06'],
    ['a month after the restoration', '2024-08'],
  ])('leaves %s as usual (null)', (_case, month) => {
    expect(capacityBlocksOf('1000', [suspend, restore], month)).toBeNull();
  });

  it('keeps a block sealed in an earlier month and not yet restored', () => {
    expect(capacityBlocksOf('1000', [suspend], '2024-09')).toEqual([
      { kva: '600' },
      { kva: '400', sealed: [{ kind: 'suspension', sealedOn: '2024-07-10', plannedEndOn: '2024-08-31' }] },
    ]);
  });

  it('leaves out the rest when the whole capacity is sealed', () => {
    expect(capacityBlocksOf('400', [suspend], '2024-07')).toHaveLength(1);
  });

  it.each<[string, CapacityChange[]]>([
    ['more restored than sealed', [suspend, { ...restore, kva: '500' }]],
    ['more sealed than contracted', [{ ...suspend, kva: '1200' }]],
    ['a sealing without its date', [{ ...suspend, sealedOn: null }]],
  ])('rejects %s', (_case, changes) => {
    expect(() => capacityBlocksOf('1000', changes, '2024-07')).toThrow(BillingInputError);
  });
});

import { describe, expect, it } from 'vitest';
import { quoteBill } from '../../../../server/domain/billing/index.js';
import {
  billOwner,
  closureSettlement,
  finalBillPeriod,
  transferRefusal,
} from '../../../../server/domain/changes/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;

describe('finalBillPeriod (account closure, DOMAIN.md §9)', () => {
  it.each<[string, string | undefined, { month: string; days?: string }]>([
    ['2024-07-12', undefined, { month: '2024-07', days: '12' }],
    ['2024-07-01', undefined, { month: '2024-07', days: '1' }],
    ['2024-07-31', undefined, { month: '2024-07' }],
    ['2024-02-29', undefined, { month: '2024-02' }],
    // connected on the 5th and closed on the 20th: 16 days
    ['2024-07-20', '2024-07-05', { month: '2024-07', days: '16' }],
    ['2024-07-20', '2023-11-05', { month: '2024-07', days: '20' }],
  ])('bills a final reading on %s (in service from %s) as %j', (finalReadingOn, from, period) => {
    expect(finalBillPeriod(finalReadingOn, from)).toEqual(period);
  });

  it('prorates the final basic charge: 1 000 kVA closed on the 12th pays 26 000 × 12/30', () => {
    // given a large-industry account read for the last time on 2024-07-12
    const quote = quoteBill(
      {
        customer: { capacityKva: '1000', basicChargeMethod: 'capacity' },
        usage: { kwh: { peak: '3000', flat: '4000', valley: '3000' } },
        period: finalBillPeriod('2024-07-12'),
      },
      provLi,
    );
    // then
    expect(quote.lines.find((l) => l.type === '03')).toMatchObject({
      label: 'Basic charge by capacity, 1000 kVA, 12/30 days',
      amount: '10400.00',
    });
  });

  it('rejects a connection after the final reading', () => {
    expect(() => finalBillPeriod('2024-07-12', '2024-07-13')).toThrow(/inServiceFrom/);
  });
});

describe('closureSettlement', () => {
  it.each<[string, Parameters<typeof closureSettlement>[0], [string, string]]>([
    [
      'credit and deposit refunded when nothing is owed',
      { arrears: 0, lateFees: 0, credit: '35.20', deposit: '500' },
      ['0.00', '535.20'],
    ],
    [
      'the credit pays the arrears, the deposit comes back less the rest',
      { arrears: '197.20', lateFees: '3.94', credit: '50', deposit: '500' },
      ['0.00', '348.86'],
    ],
    [
      'what credit and deposit leave is collected',
      { arrears: '1000', lateFees: '12.50', credit: '0', deposit: '300' },
      ['712.50', '0.00'],
    ],
    ['nothing either way', { arrears: '100', lateFees: 0, credit: '100' }, ['0.00', '0.00']],
  ])('settles %s', (_case, account, [collect, refund]) => {
    const { toCollect, toRefund } = closureSettlement(account);
    expect([toCollect.toFixed(2), toRefund.toFixed(2)]).toEqual([collect, refund]);
  });
});

describe('transfer of ownership (DOMAIN.md §9)', () => {
  it.each<[string, Parameters<typeof transferRefusal>[0], string | null]>([
    ['settled', { arrears: '0', lateFees: '0', assumedInWriting: false }, null],
    ['with arrears', { arrears: '197.20', lateFees: '0', assumedInWriting: false }, 'TRANSFER_ARREARS_UNSETTLED'],
    [
      'with only a late fee left',
      { arrears: '0', lateFees: '1.00', assumedInWriting: false },
      'TRANSFER_ARREARS_UNSETTLED',
    ],
    [
      'with arrears the new owner assumed in writing',
      { arrears: '197.20', lateFees: '3.94', assumedInWriting: true },
      null,
    ],
  ])('is %s → %s', (_case, position, code) => {
    expect(transferRefusal(position)?.code ?? null).toBe(code);
  });

  it('says how much must be settled', () => {
    expect(transferRefusal({ arrears: '197.20', lateFees: '3.94', assumedInWriting: false })?.message).toBe(
      'arrears and late fees of 201.14 yuan must be settled, or assumed by the new owner in writing',
    );
  });

  it.each<[string, string, 'old' | 'new' | 'split']>([
    ['2024-06', '2024-07-01', 'old'],
    ['2024-07', '2024-07-01', 'new'],
    ['2024-07', '2024-07-15', 'split'],
    ['2024-07', '2024-07-31', 'split'],
    ['2024-07', '2024-08-01', 'old'],
    ['2024-08', '2024-07-15', 'new'],
  ])('gives the bill of %s, transferred on %s, to the %s owner', (period, transferOn, owner) => {
    expect(billOwner(period, transferOn)).toBe(owner);
  });
});

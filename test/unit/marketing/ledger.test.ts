import { describe, expect, it } from 'vitest';
import { dec } from '../../../server/domain/decimal.js';
import { ageingBucket, arrearsOf } from '../../../server/marketing/arrears.js';
import { afterRefunds, allocate, billStatus } from '../../../server/marketing/ledger.js';

const fund = (paymentId: string, remainder: string) => ({ paymentId, remainder: dec(remainder) });
const bill = (id: string, outstanding: string) => ({ id, outstanding: dec(outstanding) });
const shown = (allocations: ReturnType<typeof allocate>) =>
  allocations.map((a) => `${a.paymentId}→${a.billId} ${a.amount.toFixed(2)}`);

describe('allocate', () => {
  it('settles the oldest bill first with the oldest money first', () => {
    expect(shown(allocate([bill('jun', '100'), bill('jul', '80')], [fund('p1', '30'), fund('p2', '120')]))).toEqual([
      'p1→jun 30.00',
      'p2→jun 70.00',
      'p2→jul 50.00',
    ]);
  });

  it('leaves what is not owed as credit, and owes what is not paid', () => {
    expect(shown(allocate([bill('jul', '10')], [fund('p1', '25')]))).toEqual(['p1→jul 10.00']);
    expect(shown(allocate([bill('jun', '10'), bill('jul', '10')], [fund('p1', '15')]))).toEqual([
      'p1→jun 10.00',
      'p1→jul 5.00',
    ]);
    expect(allocate([bill('jul', '10')], [fund('p1', '0')])).toEqual([]);
  });
});

describe('afterRefunds', () => {
  it('pays refunds out of the oldest unallocated money', () => {
    const left = afterRefunds([fund('p1', '20'), fund('p2', '50')], dec('30'));
    expect(left.map((f) => f.remainder.toFixed(2))).toEqual(['0.00', '40.00']);
  });
});

describe('billStatus', () => {
  it.each([
    ['100.00', '0.00', 'issued'],
    ['100.00', '0.01', 'partly_paid'],
    ['100.00', '100.00', 'settled'],
  ])('a bill of %s with %s paid is %s', (total, paid, status) => {
    expect(billStatus(dec(total), dec(paid))).toBe(status);
  });
});

describe('ageingBucket', () => {
  it.each([
    ['2024-09', '2024-09-20', 'currentMonth'],
    ['2024-10', '2024-09-20', 'currentMonth'],
    ['2024-01', '2024-09-20', 'earlierThisYear'],
    ['2023-12', '2024-01-05', 'priorYears'],
  ])('a bill of %s seen on %s is %s', (period, asOf, bucket) => {
    expect(ageingBucket(period, asOf)).toBe(bucket);
  });
});

describe('arrearsOf', () => {
  it('reproduces worked example C and ignores payments after the day asked about', () => {
    const report = arrearsOf(
      [
        {
          id: 'b',
          period: '2024-07',
          dueDate: '2024-08-15',
          total: '197.20',
          paidAmount: '0',
          payments: [{ date: '2024-09-10', amount: '0.00' }],
        },
      ],
      '202',
      dec(0),
      '2024-09-04',
    );
    expect(report).toMatchObject({ totalArrears: '197.20', lateFees: '3.94', netBalance: '197.20' });
  });

  it('reports credit as a negative net balance', () => {
    expect(arrearsOf([], '400', dec('12.5'), '2024-09-04')).toMatchObject({
      totalArrears: '0.00',
      creditBalance: '12.50',
      netBalance: '-12.50',
      lateFees: '0.00',
    });
  });
});

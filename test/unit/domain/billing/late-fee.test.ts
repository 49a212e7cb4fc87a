import { describe, expect, it } from 'vitest';
import {
  BillingInputError,
  type LateFeeQuoteRequest,
  lateFeeQuoteRequestSchema,
  penaltyCharged,
  quoteLateFee,
} from '../../../../server/domain/billing/index.js';

const residentialBill: LateFeeQuoteRequest = {
  category: '202',
  principal: '197.20',
  billMonth: '2024-07',
  dueDate: '2024-08-15',
  payDate: '2024-09-04',
};

const segments = (request: LateFeeQuoteRequest) =>
  quoteLateFee(request).breakdown.map(
    (s) => `${s.from}..${s.to} ${s.days}d × ${s.principal} × ${s.ratePerMille}‰ = ${s.amount}`,
  );

describe('quoteLateFee (DOMAIN.md §6)', () => {
  it('reproduces worked example C: 20 days × 197.20 × 1 ‰ = 3.94', () => {
    // when
    const quote = quoteLateFee(residentialBill);
    // then: 2024-08-16 to 2024-09-04
    expect(quote).toEqual({
      days: 20,
      amount: '3.94',
      breakdown: [
        {
          from: '2024-08-16',
          to: '2024-09-04',
          days: 20,
          principal: '197.20',
          ratePerMille: '1',
          exactAmount: '3.944',
          amount: '3.94',
        },
      ],
    });
  });

  it.each<[string, Partial<LateFeeQuoteRequest>, number, string]>([
    ['paid on the due date', { payDate: '2024-08-15' }, 0, '0.00'],
    ['paid before the due date', { payDate: '2024-08-01' }, 0, '0.00'],
    // 5 days × 50.00 × 1 ‰ = 0.25, charged as 1 yuan
    ['whose penalty is under 1 yuan, at 1 yuan', { principal: '50', payDate: '2024-08-20' }, 5, '1.00'],
    // 1 day × 197.20 × 1 ‰ = 0.1972 → 0.20, charged as 1 yuan
    ['paid one day late, at 1 yuan', { payDate: '2024-08-16' }, 1, '1.00'],
    ['of which nothing is owed', { principal: '0' }, 20, '0.00'],
    // 1 000 × 1 ‰ × 1 000 days = 1 000.00: residential stays at 1 ‰ across year ends
    [
      'of a residential customer across year ends, still at 1 ‰',
      { principal: '1000', payDate: '2027-05-12' },
      1000,
      '1000.00',
    ],
  ])('quotes a bill %s', (_case, change, days, amount) => {
    const quote = quoteLateFee({ ...residentialBill, ...change });
    expect(quote).toMatchObject({ days, amount });
  });

  it('lowers the principal from the day after a partial payment', () => {
    // given 100.00 paid on 2024-08-25
    const request = { ...residentialBill, payments: [{ date: '2024-08-25', amount: '100' }] };
    // then: 10 days on 197.20 (1.972 → 1.97), 10 days on 97.20 (0.972 → 0.97)
    expect(segments(request)).toEqual([
      '2024-08-16..2024-08-25 10d × 197.20 × 1‰ = 1.97',
      '2024-08-26..2024-09-04 10d × 97.20 × 1‰ = 0.97',
    ]);
    expect(quoteLateFee(request).amount).toBe('2.94');
  });

  it('counts payments made by the due date against every penalty day, and two on one day together', () => {
    const request = {
      ...residentialBill,
      payments: [
        { date: '2024-08-10', amount: '97.20' },
        { date: '2024-08-30', amount: '50' },
        { date: '2024-08-30', amount: '25' },
      ],
    };
    // then: 15 days on 100.00 = 1.50; 5 days on 25.00 = 0.125 → 0.13
    expect(segments(request)).toEqual([
      '2024-08-16..2024-08-30 15d × 100.00 × 1‰ = 1.50',
      '2024-08-31..2024-09-04 5d × 25.00 × 1‰ = 0.13',
    ]);
  });

  it('stops once payments cover the principal', () => {
    const request = { ...residentialBill, payments: [{ date: '2024-08-20', amount: '300' }] };
    // then: 5 days on 197.20 = 0.986 → 0.99, charged as 1 yuan
    expect(quoteLateFee(request)).toMatchObject({ days: 20, amount: '1.00', breakdown: [{ days: 5, amount: '0.99' }] });
  });

  describe('1-yuan minimum on the unrounded total', () => {
    it('charges 1.00 when every day and the one run round to 0.00', () => {
      // given 1.00 owed 3 days: 0.001 a day, 0.003 in the run, both 0.00 once rounded
      const quote = quoteLateFee({ ...residentialBill, principal: '1.00', payDate: '2024-08-18' });
      // then
      expect(quote).toMatchObject({
        days: 3,
        amount: '1.00',
        breakdown: [{ days: 3, exactAmount: '0.003', amount: '0.00' }],
      });
    });

    it('charges 1.00 when each run rounds to 0.00', () => {
      // given 4.00 owed, 2.00 paid on the first penalty day
      const request = { ...residentialBill, principal: '4.00', payDate: '2024-08-17' };
      const quote = quoteLateFee({ ...request, payments: [{ date: '2024-08-16', amount: '2.00' }] });
      // then: 1 × 4.00 × 1 ‰ = 0.004 and 1 × 2.00 × 1 ‰ = 0.002, together 0.006
      expect(quote.breakdown.map((s) => [s.exactAmount, s.amount])).toEqual([
        ['0.004', '0.00'],
        ['0.002', '0.00'],
      ]);
      expect(quote.amount).toBe('1.00');
    });

    it('charges 1.00 when the runs round to 0.99 together but add up to 1.002', () => {
      // given 334.00 owed, halved on 2024-08-16 and halved again on 2024-08-18
      const quote = quoteLateFee({
        ...residentialBill,
        principal: '334.00',
        payDate: '2024-08-22',
        payments: [
          { date: '2024-08-16', amount: '167.00' },
          { date: '2024-08-18', amount: '83.50' },
        ],
      });
      // then: 1 × 334.00 + 2 × 167.00 + 4 × 83.50 = 3 × 0.334 = 1.002 at 1 ‰; runs 0.33 each
      expect(quote.breakdown.map((s) => `${s.days}d ${s.exactAmount} → ${s.amount}`)).toEqual([
        '1d 0.334 → 0.33',
        '2d 0.334 → 0.33',
        '4d 0.334 → 0.33',
      ]);
      expect(quote.amount).toBe('1.00');
    });

    it('rounds the exact total once, not each run', () => {
      // given the same shape on 335.00: 3 × 0.335 = 1.005, each run 0.34
      const quote = quoteLateFee({
        ...residentialBill,
        principal: '335.00',
        payDate: '2024-08-22',
        payments: [
          { date: '2024-08-16', amount: '167.50' },
          { date: '2024-08-18', amount: '83.75' },
        ],
      });
      // then: 1.005 → 1.01 half up, where the rounded runs would add up to 1.02
      expect(quote.breakdown.map((s) => s.amount)).toEqual(['0.34', '0.34', '0.34']);
      expect(quote.amount).toBe('1.01');
    });

    it.each<[string, string]>([
      ['0', '0.00'],
      ['0.0001', '1.00'],
      ['0.004', '1.00'],
      ['0.994', '1.00'],
      ['0.995', '1.00'],
      ['0.9999', '1.00'],
      ['1', '1.00'],
      ['1.004', '1.00'],
      ['1.005', '1.01'],
      ['3.944', '3.94'],
    ])('charges an exact total of %s as %s', (exact, charged) => {
      expect(penaltyCharged(exact).toFixed(2)).toBe(charged);
    });
  });

  it('charges other customers 2 ‰ a day on arrears of the current year', () => {
    // given a general commercial bill: 30 days × 10 000 × 2 ‰
    const quote = quoteLateFee({
      category: '400',
      principal: '10000',
      billMonth: '2024-05',
      dueDate: '2024-06-15',
      payDate: '2024-07-15',
    });
    expect(quote).toMatchObject({ days: 30, amount: '600.00' });
  });

  it('charges 3 ‰ for the days after the arrears cross a year end', () => {
    // given a November bill due 2024-12-15 with 4 000.00 paid on 2024-12-20, the rest on 2025-01-10
    const request: LateFeeQuoteRequest = {
      category: '100',
      principal: '10000',
      billMonth: '2024-11',
      dueDate: '2024-12-15',
      payDate: '2025-01-10',
      payments: [{ date: '2024-12-20', amount: '4000' }],
    };
    // then: 5 × 10 000 × 2 ‰ = 100; 11 × 6 000 × 2 ‰ = 132; 10 × 6 000 × 3 ‰ = 180
    expect(segments(request)).toEqual([
      '2024-12-16..2024-12-20 5d × 10000.00 × 2‰ = 100.00',
      '2024-12-21..2024-12-31 11d × 6000.00 × 2‰ = 132.00',
      '2025-01-01..2025-01-10 10d × 6000.00 × 3‰ = 180.00',
    ]);
    expect(quoteLateFee(request)).toMatchObject({ days: 26, amount: '412.00' });
  });

  it('charges a December bill due in January 3 ‰ from its first penalty day', () => {
    // given arrears of 2024 that are already in 2025 on their first penalty day: 10 × 10 000 × 3 ‰
    const quote = quoteLateFee({
      category: '400',
      principal: '10000',
      billMonth: '2024-12',
      dueDate: '2025-01-15',
      payDate: '2025-01-25',
    });
    expect(quote).toMatchObject({ days: 10, amount: '300.00', breakdown: [{ ratePerMille: '3' }] });
  });

  it.each<[string, Partial<LateFeeQuoteRequest>, string]>([
    ['a payment after the pay date', { payments: [{ date: '2024-09-05', amount: '1' }] }, 'payments.0.date'],
    ['a negative principal', { principal: '-1' }, 'principal'],
    ['a principal in fractions of a fen', { principal: '197.205' }, 'principal'],
    ['a negative payment', { payments: [{ date: '2024-08-20', amount: '-1' }] }, 'payments.0.amount'],
    ['an impossible due date', { dueDate: '2024-02-30' }, 'dueDate'],
    ['a bill month that is a date', { billMonth: '2024-07-01' }, 'billMonth'],
  ])('rejects %s', (_case, change, field) => {
    expect(() => quoteLateFee({ ...residentialBill, ...change })).toThrow(BillingInputError);
    expect(() => quoteLateFee({ ...residentialBill, ...change })).toThrow(expect.objectContaining({ field }));
  });
});

describe('lateFeeQuoteRequestSchema', () => {
  it('normalises amounts to decimal strings', () => {
    const parsed = lateFeeQuoteRequestSchema.parse({
      ...residentialBill,
      principal: 197.2,
      payments: [{ date: '2024-08-25', amount: 100 }],
    });
    expect(parsed).toMatchObject({ principal: '197.2', payments: [{ date: '2024-08-25', amount: '100' }] });
    expect(quoteLateFee(parsed).amount).toBe('2.94');
  });

  it.each([
    [{ category: '500' }, /category must be one of/],
    [{ dueDate: '15/08/2024' }, /dueDate must be a real date/],
    [{ principal: 'x' }, /principal must be a decimal number/],
  ])('rejects %j', (change, message) => {
    const result = lateFeeQuoteRequestSchema.safeParse({ ...residentialBill, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});

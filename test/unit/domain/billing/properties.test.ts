import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, dec, sum } from '../../../../server/domain/decimal.js';
import {
  ELEC_TYPE_CODES,
  quoteBill,
  quoteLateFee,
  splitTiers,
  splitTouWithinTiers,
} from '../../../../server/domain/billing/index.js';
import { PF_STANDARDS, type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

/** A decimal with 2 places from 0 to max/100, as a string. */
const hundredths = (max: number) => fc.integer({ min: 0, max }).map((n) => dec(n).dividedBy(100).toFixed(2));

const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;
const withFunds: TariffDefinition = {
  code: 'GC-FUNDS',
  name: 'General commercial with out-of-price funds',
  versions: [
    {
      kind: 'single-part',
      effectiveFrom: '2024-01-01',
      energyPrices: { peak: '0.98765', flat: '0.61234', valley: '0.31111' },
      funds: [
        { name: 'Reservoir resettlement fund', perKwh: '0.62', unit: 'fen', inPrice: true },
        { name: 'Renewable-energy surcharge', perKwh: '1.9', unit: 'fen', inPrice: false },
        { name: 'Local reservoir fund', perKwh: '0.0005', unit: 'yuan', inPrice: false },
      ],
    },
  ],
};

const residentialCase = fc.record({
  tariff: fc.constant(zjRes),
  request: fc.record({
    usage: fc.oneof(
      fc.record({ kwh: fc.record({ total: hundredths(2_000_000) }), tierYearKwhBefore: hundredths(1_000_000) }),
      fc.record({
        kwh: fc.record({ peak: hundredths(2_000_000), valley: hundredths(2_000_000) }),
        tierYearKwhBefore: hundredths(1_000_000),
      }),
    ),
    period: fc.record({ month: fc.constant('2024-07') }),
  }),
});

const touKwh = fc.record({
  peak: hundredths(500_000_000),
  flat: hundredths(500_000_000),
  valley: hundredths(500_000_000),
});
const month = fc.record({
  month: fc.constant('2024-02'),
  days: fc.option(fc.integer({ min: 1, max: 29 }).map(String), { nil: undefined }),
});

const largeIndustryCase = fc.record({
  tariff: fc.constant(provLi),
  request: fc.record({
    customer: fc.record({
      capacityKva: fc.integer({ min: 315, max: 40_000 }).map(String),
      basicChargeMethod: fc.constantFrom('capacity' as const, 'demand' as const),
      contractDemandKw: fc.integer({ min: 1, max: 40_000 }).map(String),
      hvMotorKw: fc.integer({ min: 0, max: 2_000 }).map(String),
      pfStandard: fc.constantFrom(...PF_STANDARDS),
    }),
    usage: fc.record({
      kwh: touKwh,
      kvarh: hundredths(500_000_000),
      maxDemandKw: fc.integer({ min: 0, max: 50_000 }).map(String),
    }),
    period: month,
  }),
});

const singlePartCase = fc.record({
  tariff: fc.constant(withFunds),
  request: fc.record({
    customer: fc.record({ pfStandard: fc.option(fc.constantFrom(...PF_STANDARDS), { nil: undefined }) }),
    usage: fc.record({ kwh: touKwh, kvarh: hundredths(500_000_000) }),
    period: month,
  }),
});

describe('billing properties', () => {
  it('adds the bill lines up to the total, each rounded to the cent', () => {
    // given any residential or industrial bill
    fc.assert(
      fc.property(fc.oneof(residentialCase, largeIndustryCase, singlePartCase), ({ tariff, request }) => {
        // when
        const quote = quoteBill(request, tariff);
        // then
        expect(quote.lines.every((l) => /^-?\d+\.\d{2}$/.test(l.amount))).toBe(true);
        expect(sum(quote.lines.map((l) => l.amount)).toFixed(2)).toBe(quote.total);
      }),
    );
  });

  it('never loses or invents kWh when splitting tiers and TOU periods', () => {
    // given any thresholds T1 < T2, kWh billed before, and this bill's peak and valley kWh
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        hundredths(20_000_000),
        hundredths(10_000_000),
        hundredths(10_000_000),
        (t1, gap, before, peak, valley) => {
          const e = dec(peak).plus(valley);
          // when
          const { q1, q2, q3 } = splitTiers(e, before, { t1, t2: t1 + gap });
          const shares = splitTouWithinTiers([q1, q2, q3], peak, valley);
          // then
          expect(q1.plus(q2).plus(q3).equals(e)).toBe(true);
          for (const q of [q1, q2, q3]) expect(q.isNegative()).toBe(false);
          shares.forEach((share, i) => {
            expect(share.peak.plus(share.valley).equals([q1, q2, q3][i] ?? -1)).toBe(true);
            expect(share.peak.isNegative() || share.valley.isNegative()).toBe(false);
            expect(share.peak.decimalPlaces()).toBeLessThanOrEqual(2);
          });
          expect(sum(shares.map((s) => s.peak)).equals(peak)).toBe(true);
          expect(sum(shares.map((s) => s.valley)).equals(valley)).toBe(true);
          // tier 1 takes nothing beyond T1, tier 2 nothing beyond T2
          expect(dec(before).plus(q1).lessThanOrEqualTo(Dec.max(t1, before))).toBe(true);
          expect(
            dec(before)
              .plus(q1)
              .plus(q2)
              .lessThanOrEqualTo(Dec.max(t1 + gap, before)),
          ).toBe(true);
        },
      ),
    );
  });

  it('never lowers a late fee as the payment date moves later', () => {
    // given any bill, due date, partial payments up to the earlier date, and two payment dates
    const day = (offset: number) => new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.constantFrom(...ELEC_TYPE_CODES),
        hundredths(10_000_000),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1200 }), hundredths(5_000_000)), { maxLength: 4 }),
        (category, principal, due, afterDue, later, paymentDays) => {
          const earlier = due + afterDue;
          const payments = paymentDays.map(([d, amount]) => ({ date: day(Math.min(d, earlier)), amount }));
          const request = { category, principal, billMonth: day(due).slice(0, 7), dueDate: day(due), payments };
          // when
          const first = quoteLateFee({ ...request, payDate: day(earlier) });
          const second = quoteLateFee({ ...request, payDate: day(earlier + later) });
          // then
          expect(dec(second.amount).greaterThanOrEqualTo(first.amount)).toBe(true);
          expect(second.days).toBe(first.days + later);
        },
      ),
    );
  });

  it('charges any positive late fee at least 1.00, and otherwise the exact runs summed and rounded once', () => {
    // given small principals, so that many quotes fall under a yuan, and partial payments
    const day = (offset: number) => new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.constantFrom(...ELEC_TYPE_CODES),
        hundredths(50_000),
        fc.integer({ min: 300, max: 400 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), hundredths(20_000)), { maxLength: 3 }),
        (category, principal, due, afterDue, paymentDays) => {
          const payDate = day(due + afterDue);
          const payments = paymentDays.map(([d, amount]) => ({ date: day(due + Math.min(d, afterDue)), amount }));
          // when
          const quote = quoteLateFee({
            category,
            principal,
            billMonth: day(due).slice(0, 7),
            dueDate: day(due),
            payDate,
            payments,
          });
          // then
          const exact = sum(quote.breakdown.map((s) => s.exactAmount));
          const expected = exact.isZero() ? '0.00' : Dec.max(1, exact).toDecimalPlaces(2).toFixed(2);
          expect(quote.amount).toBe(expected);
        },
      ),
    );
  });
});

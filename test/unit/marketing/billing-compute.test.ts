import { describe, expect, it } from 'vitest';
import {
  computeBill,
  type RegisterReading,
  type RunCustomer,
  voltageOf,
} from '../../../server/marketing/billing-compute.js';
import { dueDateOf, shiftPeriod } from '../../../server/marketing/billing-periods.js';
import { type TariffDefinition, seedTariffs } from '../../../server/domain/tariffs/index.js';

const reading = (total: string, more: Partial<RegisterReading> = {}): RegisterReading => ({
  total,
  sharp: null,
  peak: null,
  flat: null,
  valley: null,
  deepValley: null,
  reactiveKvarh: null,
  maxDemandKw: null,
  readingType: '01',
  ...more,
});

function household(overrides: Partial<RunCustomer> = {}): RunCustomer {
  return {
    id: 'c1',
    elecTypeCode: '202',
    voltageLevel: null,
    capacityKva: null,
    pfStandard: null,
    tariffCode: null,
    meters: [
      {
        id: 'm1',
        multiplier: '1',
        digits: 6,
        touCapable: true,
        installDate: '2020-01-01',
        previous: reading('10000', { peak: '6000', valley: '4000' }),
        current: reading('10400', { peak: '6250', valley: '4150' }),
      },
    ],
    history: new Map([
      ['2024-04', '400'],
      ['2024-05', '450'],
      ['2024-06', '450'],
      ['2024-01', '1300'],
    ]),
    ...overrides,
  };
}

describe('computeBill', () => {
  it('prices worked example A (2 600 kWh before, peak 250 / valley 150) at 197.20 and issues it', () => {
    const outcome = computeBill(household(), '2024-07');
    expect(outcome).toMatchObject({
      kind: 'bill',
      bill: { total: '197.20', status: 'issued', dueDate: '2024-08-15', consumptionKwh: '400.00', auditFlags: [] },
    });
  });

  it('skips a customer whose meter lacks one of the two readings', () => {
    const c = household();
    c.meters[0]!.previous = null;
    expect(computeBill(c, '2024-07')).toMatchObject({ kind: 'skipped' });
  });

  it('bills a rolled-over register and holds the bill for rule 1', () => {
    const c = household({
      history: new Map([
        ['2024-06', '100'],
        ['2024-05', '100'],
        ['2024-04', '100'],
      ]),
    });
    c.meters[0] = { ...c.meters[0]!, touCapable: false, digits: 5, previous: reading('99950'), current: reading('50') };
    const outcome = computeBill(c, '2024-07');
    expect(outcome.kind).toBe('bill');
    if (outcome.kind !== 'bill') return;
    expect(outcome.bill).toMatchObject({ total: '53.80', consumptionKwh: '100.00', status: 'held', dueDate: null });
    expect(outcome.bill.auditFlags.map((f) => f.rule)).toEqual([1]);
  });

  it('flags the first bill of a meter installed in the billed interval (rule 13)', () => {
    const c = household({ history: new Map() });
    c.meters[0]!.installDate = '2024-06-03';
    const outcome = computeBill(c, '2024-07');
    expect(outcome.kind === 'bill' && outcome.bill.auditFlags.map((f) => f.code)).toEqual(['FIRST_BILL']);
  });

  it('answers an error, not an exception, for what the tariff cannot price', () => {
    const c = household({ elecTypeCode: '100', capacityKva: '500' });
    c.meters[0] = { ...c.meters[0]!, touCapable: false, previous: reading('100'), current: reading('200') };
    expect(computeBill(c, '2024-07')).toMatchObject({ kind: 'error' });
  });
});

/** ZJ-RES with the household policies switched on in its version (DOMAIN.md §5.1, cfg). */
function zjResWith(policy: { midYearProration?: boolean; lowIncomeFreeKwhPerMonth?: string }) {
  const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
  return new Map([['ZJ-RES', { ...zjRes, versions: zjRes.versions.map((v) => ({ ...v, ...policy })) }]]);
}

const energyLines = (outcome: ReturnType<typeof computeBill>) =>
  outcome.kind === 'bill'
    ? outcome.bill.lines.map((l) => `${l.label}: ${l.quantity} × ${l.unitPrice} = ${l.amount}`)
    : outcome;

describe('computeBill: low-income and mid-year households (DOMAIN.md §5.1)', () => {
  const free10 = zjResWith({ lowIncomeFreeKwhPerMonth: '10' });

  it('gives a low-income household of worked example A its 10 free kWh first: 197.20 − 4.63 = 192.57', () => {
    const outcome = computeBill(household({ lowIncome: true }), '2024-07', free10);
    expect(energyLines(outcome)).toEqual([
      'Energy, free allowance (low-income household): 10.00 × 0.00 = 0.00',
      'Energy, tier 1 peak: 93.75 × 0.568 = 53.25',
      'Energy, tier 1 valley: 56.25 × 0.288 = 16.20',
      'Energy, tier 2 peak: 150.00 × 0.618 = 92.70',
      'Energy, tier 2 valley: 90.00 × 0.338 = 30.42',
    ]);
    // the free kWh still count in the tier year
    expect(outcome).toMatchObject({ kind: 'bill', bill: { total: '192.57', consumptionKwh: '400.00' } });
  });

  it('prices the same household without TOU at 227.20 − 10 × 0.538 = 221.82', () => {
    const c = household({ lowIncome: true });
    c.meters[0] = { ...c.meters[0]!, touCapable: false, previous: reading('10000'), current: reading('10400') };
    expect(computeBill(c, '2024-07', free10)).toMatchObject({ kind: 'bill', bill: { total: '221.82' } });
    // and one that is not low-income pays worked example A's 227.20
    expect(computeBill({ ...c, lowIncome: false }, '2024-07', free10)).toMatchObject({
      kind: 'bill',
      bill: { total: '227.20' },
    });
  });

  it('leaves the bill alone when the tariff sets no free kWh', () => {
    expect(computeBill(household({ lowIncome: true }), '2024-07')).toMatchObject({ bill: { total: '197.20' } });
  });

  // Connected 5 June 2024: 7 months left of the tier year, T1 = 2760 × 7/12 = 1610, T2 = 2800.
  const midYear = () => {
    const c = household({
      connectedOn: '2024-06-05',
      history: new Map([
        ['2024-06', '900'],
        ['2024-07', '600'],
      ]),
    });
    c.meters[0] = { ...c.meters[0]!, touCapable: false, previous: reading('11500'), current: reading('11900') };
    return c;
  };

  it('prorates a mid-year account’s thresholds when the switch is on: 110 × 0.538 + 290 × 0.588 = 229.70', () => {
    const outcome = computeBill(midYear(), '2024-08', zjResWith({ midYearProration: true }));
    expect(energyLines(outcome)).toEqual([
      'Energy, tier 1: 110.00 × 0.538 = 59.18',
      'Energy, tier 2: 290.00 × 0.588 = 170.52',
    ]);
    expect(outcome).toMatchObject({ kind: 'bill', bill: { total: '229.70' } });
  });

  it('bills the full thresholds when the switch is off: 400 × 0.538 = 215.20', () => {
    expect(computeBill(midYear(), '2024-08')).toMatchObject({ kind: 'bill', bill: { total: '215.20' } });
  });
});

describe('billing periods and voltage', () => {
  it.each([
    ['2024-01', -1, '2023-12'],
    ['2024-12', 1, '2025-01'],
    ['2024-07', -12, '2023-07'],
  ])('shifts %s by %i months to %s', (period, months, expected) => {
    expect(shiftPeriod(period, months)).toBe(expected);
  });

  it('makes a bill due on the 15th of the next month', () => {
    expect(dueDateOf('2024-12')).toBe('2025-01-15');
  });

  it.each([
    ['10kV', '400', 'HV'],
    ['0.4kV', '100', 'LV'],
    [null, '100', 'HV'],
    [null, '202', 'LV'],
  ] as const)('reads voltage level %s of category %s as %s', (level, category, expected) => {
    expect(voltageOf(level, category)).toBe(expected);
  });
});

const codes = (outcome: ReturnType<typeof computeBill>) =>
  outcome.kind === 'bill' ? outcome.bill.auditFlags.map((f) => f.code) : outcome;

describe('computeBill: main and sub-meters (audit rule 8)', () => {
  const withSub = (previous: string | null, current: string | null) => {
    const c = household();
    c.meters[0] = { ...c.meters[0]!, subMeters: [{ id: 's1', multiplier: '1', digits: 6, previous, current }] };
    return c;
  };

  it('holds a main meter that recorded 400 kWh behind a sub-meter that recorded 500', () => {
    expect(codes(computeBill(withSub('200', '700'), '2024-07'))).toContain('MAIN_BELOW_SUB_METERS');
  });

  it('issues a main meter above its sub-meters', () => {
    expect(codes(computeBill(withSub('200', '500'), '2024-07'))).toEqual([]);
  });

  it('does not judge on a sub-meter without both readings', () => {
    expect(codes(computeBill(withSub(null, '700'), '2024-07'))).toEqual([]);
  });
});

describe('computeBill: reactive energy of PF-assessed customers (audit rule 9)', () => {
  /** Large industry, 500 kVA at 0.90, 30 000 kWh a month; this month's kvarh as given. */
  const factory = (kvarh: string, lastMonthKvarh?: string) =>
    household({
      elecTypeCode: '100',
      voltageLevel: '10kV',
      capacityKva: '500',
      pfStandard: '0.90',
      history: new Map([
        ['2024-04', '30000'],
        ['2024-05', '30000'],
        ['2024-06', '30000'],
      ]),
      reactiveHistory: lastMonthKvarh === undefined ? new Map() : new Map([['2024-06', lastMonthKvarh]]),
      meters: [
        {
          id: 'm1',
          multiplier: '100',
          digits: 6,
          touCapable: true,
          installDate: '2020-01-01',
          previous: reading('1000', { peak: '300', flat: '400', valley: '300', reactiveKvarh: '500' }),
          current: reading('1300', {
            peak: '390',
            flat: '520',
            valley: '390',
            reactiveKvarh: String(500 + Number(kvarh) / 100),
          }),
        },
      ],
    });

  it('records the month’s reactive energy on the bill, multiplier applied', () => {
    expect(computeBill(factory('9000', '9000'), '2024-07')).toMatchObject({
      kind: 'bill',
      bill: { reactiveKvarh: '9000.00', auditFlags: [] },
    });
  });

  it('holds a second month running without reactive energy', () => {
    expect(codes(computeBill(factory('0', '0'), '2024-07'))).toContain('REACTIVE_SUSPECT');
  });

  it('reads last month from its bill: zero then, reactive energy again now is no finding', () => {
    expect(codes(computeBill(factory('9000', '0'), '2024-07'))).toEqual([]);
  });
});

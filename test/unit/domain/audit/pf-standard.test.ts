import { describe, expect, it } from 'vitest';
import { type PfStandardProfile, expectedPfStandard, powerFactorOf } from '../../../../server/domain/audit/index.js';

describe('expectedPfStandard (DOMAIN.md §5.3)', () => {
  it.each<[PfStandardProfile, string | null]>([
    [{ voltage: 'HV', use: 'industrial', capacityKva: '160.01' }, '0.90'],
    [{ voltage: 'HV', use: 'industrial', capacityKva: '160' }, '0.85'],
    [{ voltage: 'LV', use: 'industrial', capacityKva: '200' }, '0.85'],
    [{ voltage: 'HV', use: 'non-industrial', capacityKva: '400', onLoadTapChanger: true }, '0.90'],
    [{ voltage: 'HV', use: 'non-industrial', capacityKva: '400' }, '0.85'],
    [{ voltage: 'HV', use: 'irrigation', capacityKva: '3200' }, '0.90'],
    [{ voltage: 'HV', use: 'irrigation', capacityKva: '3199' }, '0.85'],
    [{ voltage: 'LV', use: 'agricultural', capacityKva: '100' }, '0.80'],
    [{ voltage: 'HV', use: 'wholesale', capacityKva: '5000' }, '0.80'],
    [{ voltage: 'LV', use: 'non-industrial', capacityKva: '99.9' }, null],
    [{ voltage: 'LV', use: 'residential', capacityKva: '120' }, null],
  ])('%j is assessed against %s', (profile, expected) => {
    expect(expectedPfStandard(profile)).toBe(expected);
  });
});

describe('powerFactorOf', () => {
  it.each([
    ['1000', '300', '0.96'],
    ['1000', '0', '1.00'],
    ['1000', '5', '1.00'],
    ['3', '4', '0.60'],
    ['0', '100', '0.00'],
  ])('%s kWh with %s kvarh is cosφ %s', (kwh, kvarh, expected) => {
    expect(powerFactorOf(kwh, kvarh)?.toFixed(2)).toBe(expected);
  });

  it('is undefined without any energy', () => {
    expect(powerFactorOf('0', '0')).toBeNull();
  });
});

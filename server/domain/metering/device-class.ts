import { type DecimalInput, type Dec, dec } from '../decimal.js';

/** Metering device class by DL/T 448 (DOMAIN.md §3). */
export type DeviceClass = 'I' | 'II' | 'III' | 'IV' | 'V';

export const DEVICE_CLASSES: readonly DeviceClass[] = ['I', 'II', 'III', 'IV', 'V'];

/** Active-energy meter accuracy classes named in DOMAIN.md §3. */
export const ACCURACY_CLASSES = ['0.2S', '0.5S', '0.5', '1.0', '2.0'] as const;
export type AccuracyClass = (typeof ACCURACY_CLASSES)[number];

/** DOMAIN.md §3 table: the active-meter classes acceptable for each device class. */
export const ACCURACY_FOR_DEVICE_CLASS: Record<DeviceClass, readonly AccuracyClass[]> = {
  I: ['0.2S', '0.5S'],
  II: ['0.5S', '0.5'],
  III: ['1.0'],
  IV: ['2.0'],
  V: ['2.0'],
};

export interface DeviceClassInput {
  /** Typical (average) monthly consumption, kWh. */
  monthlyKwh: DecimalInput;
  /** Contracted capacity, kVA. */
  capacityKva: DecimalInput;
  /** A single-phase household supply: class V whatever the figures. */
  singlePhase: boolean;
}

/** Thresholds of DL/T 448 as in DOMAIN.md §3: a class applies when either figure reaches it. */
const THRESHOLDS: readonly { deviceClass: DeviceClass; kwh: string; kva: string }[] = [
  { deviceClass: 'I', kwh: '5000000', kva: '10000' },
  { deviceClass: 'II', kwh: '1000000', kva: '2000' },
  { deviceClass: 'III', kwh: '100000', kva: '315' },
];

export function deviceClassOf(input: DeviceClassInput): DeviceClass {
  if (input.singlePhase) return 'V';
  const kwh = dec(input.monthlyKwh);
  const kva = dec(input.capacityKva);
  for (const t of THRESHOLDS) {
    if (kwh.greaterThanOrEqualTo(t.kwh) || kva.greaterThanOrEqualTo(t.kva)) return t.deviceClass;
  }
  return 'IV';
}

/** DOMAIN.md §3: the allowed error equals the accuracy class (2.0 → ±2 %, 0.5S → ±0.5 %). */
export function allowedErrorPercent(accuracyClass: AccuracyClass): Dec {
  return dec(accuracyClass.replace('S', ''));
}

/**
 * Whether a measured relative error (percent, + = fast) is within the class limit. The limit
 * itself is within tolerance: only an error *beyond* ±class is a failed meter.
 */
export function withinTolerance(errorPercent: DecimalInput, accuracyClass: AccuracyClass): boolean {
  return dec(errorPercent).abs().lessThanOrEqualTo(allowedErrorPercent(accuracyClass));
}

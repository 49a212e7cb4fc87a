export * from './device-class.js';
export * from './test-cycle.js';
export * from './adjustment.js';
export * from './adjustment-schema.js';
export * from './rollover.js';
export * from './adjustment-money.js';

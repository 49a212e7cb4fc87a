export * from './types.js';
export * from './pf-standard.js';
export * from './audit-bill.js';
export * from './rules-readings.js';
export * from './rules-consumption.js';
export * from './rules-power-factor.js';
export * from './rules-history.js';

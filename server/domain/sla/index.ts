export * from './connection-class.js';
export * from './tables.js';
export * from './connection-sla.js';
export * from './step-deadline.js';
export * from './scheme-expiry.js';
export * from './change-sla.js';

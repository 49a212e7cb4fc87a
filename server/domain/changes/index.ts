export * from './closure.js';
export * from './suspension-limits.js';
export * from './transfer.js';

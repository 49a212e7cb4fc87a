export * from './codes.js';
export * from './credit.js';
export * from './screening.js';
export * from './group-rollup.js';

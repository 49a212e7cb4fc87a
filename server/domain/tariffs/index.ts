export * from './fields.js';
export * from './schema.js';
export * from './versions.js';
export * from './seed.js';

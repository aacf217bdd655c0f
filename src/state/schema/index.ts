/** Every dashboard state table, for the query builder and the schema check. */
export * from './context.js';
export * from './cost.js';
export * from './learning.js';
export * from './reasoning.js';

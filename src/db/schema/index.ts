export * from './workflows.js';
export * from './runs.js';
export * from './node-executions.js';
export * from './api-keys.js';
export * from './audit.js';
export * from './cache.js';
export * from './run-nodes.js';
export * from './run-events.js';

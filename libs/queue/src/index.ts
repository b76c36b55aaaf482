export * from './jobs.js';
export * from './handlers.js';
export * from './connection.js';
export * from './producer.js';

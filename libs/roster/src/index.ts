export * from './roster-file.js';
export * from './roster-store.js';
export * from './roster-import.service.js';
export * from './roster-ids.js';

export * from './errors.js';
export * from './dossier-status.js';
export * from './upload-window.js';
export * from './candidate.js';
export * from './catalog.js';
export * from './image-rules.js';
export * from './image-lock.js';

export * from './templates.js';
export * from './channels.js';

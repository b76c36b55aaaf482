export * from './blob-storage.js';

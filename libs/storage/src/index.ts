export * from './blob-storage.js';
export { S3BlobStorage, type S3BlobStorageOptions } from './s3-blob-storage.js';
export { STORAGE_ENV_KEYS, createBlobStorage, describeBlobStorage, type StorageSettings } from './create-blob-storage.js';

import { FsBlobStorage, type BlobStorage } from './blob-storage.js';
import { S3BlobStorage } from './s3-blob-storage.js';

/** The configuration storage is chosen by (libs/config: STORAGE_DRIVER and friends, validated at boot). */
export interface StorageSettings {
  STORAGE_DRIVER: 'fs' | 's3';
  STORAGE_DIR: string;
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
}

/** The variables a process passes to `loadConfig` to build its blob storage. */
export const STORAGE_ENV_KEYS = [
  'STORAGE_DRIVER',
  'STORAGE_DIR',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const;

/**
 * The blob storage the configuration chooses: `fs` — files under STORAGE_DIR (one machine; the default, and what
 * `npm start` uses); `s3` — one private bucket of an S3-compatible store, shared by every material-service and worker
 * process on any machine. loadConfig has already refused an `s3` configuration without bucket or key pair.
 */
export function createBlobStorage(config: StorageSettings): BlobStorage {
  if (config.STORAGE_DRIVER === 'fs') return new FsBlobStorage(config.STORAGE_DIR);
  const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !config[k]);
  if (missing.length) throw new Error(`STORAGE_DRIVER=s3 needs ${missing.join(', ')}`);
  return new S3BlobStorage({
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}

/** For the start-up log line: where blobs go, without credentials. */
export function describeBlobStorage(config: StorageSettings): string {
  return config.STORAGE_DRIVER === 'fs' ? `fs:${config.STORAGE_DIR}` : `s3:${config.S3_ENDPOINT ?? config.S3_REGION}/${config.S3_BUCKET}`;
}

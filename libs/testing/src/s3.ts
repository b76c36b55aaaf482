// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the ambient types of s3rver (no @types package), for every project that imports libs/testing
/// <reference path="./s3rver.d.ts" />
// A local S3-compatible server for the integration tests (s3rver, in this process): an ephemeral port on 127.0.0.1,
// its objects in a temporary folder removed on close. What the storage tests, the material-service round trip and
// the workers run against with STORAGE_DRIVER=s3.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** s3rver's fixed key pair (it checks request signatures against it). */
export const TEST_S3_ACCESS_KEY_ID = 'S3RVER';
export const TEST_S3_SECRET_ACCESS_KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The STORAGE_DRIVER=s3 environment of a process using this server (libs/config names). */
  env: Record<string, string>;
  /** The same as StorageSettings / S3BlobStorageOptions (libs/storage). */
  settings: {
    STORAGE_DRIVER: 's3';
    STORAGE_DIR: string;
    S3_ENDPOINT: string;
    S3_REGION: string;
    S3_BUCKET: string;
    S3_ACCESS_KEY_ID: string;
    S3_SECRET_ACCESS_KEY: string;
    S3_FORCE_PATH_STYLE: true;
  };
  close(): Promise<void>;
}

/** Starts s3rver on an ephemeral port with the given (default `exam-test`) bucket already created. */
export async function startTestS3(opts: { buckets?: string[] } = {}): Promise<TestS3> {
  const { default: S3rver } = await import('s3rver');
  const buckets = opts.buckets ?? ['exam-test'];
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const bucket = buckets[0]!;
  const settings = {
    STORAGE_DRIVER: 's3' as const,
    STORAGE_DIR: join(directory, 'unused'),
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: TEST_S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: TEST_S3_SECRET_ACCESS_KEY,
    S3_FORCE_PATH_STYLE: true as const,
  };
  return {
    endpoint,
    bucket,
    settings,
    env: { ...settings, S3_FORCE_PATH_STYLE: 'true' },
    close: async () => {
      await server.close().catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

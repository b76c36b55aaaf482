import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '@exam/testing';
import { blobStorageContract } from './blob-storage.contract.js';
import { S3BlobStorage, createBlobStorage, describeBlobStorage, newBlobKey } from './index.js';

let s3: TestS3;
let storage: S3BlobStorage;
beforeAll(async () => {
  s3 = await startTestS3();
  storage = createBlobStorage(s3.settings) as S3BlobStorage;
});
afterAll(async () => {
  storage?.close();
  await s3?.close();
});

blobStorageContract('S3-compatible (s3rver)', () => storage);

describe('S3BlobStorage', () => {
  it('is what STORAGE_DRIVER=s3 chooses, and the log line names no credential', () => {
    expect(storage).toBeInstanceOf(S3BlobStorage);
    expect(storage.bucket).toBe(s3.bucket);
    const line = describeBlobStorage(s3.settings);
    expect(line).toBe(`s3:${s3.endpoint}/${s3.bucket}`);
    expect(line).not.toContain(s3.settings.S3_SECRET_ACCESS_KEY);
  });

  it('refuses an s3 configuration without bucket or keys', () => {
    expect(() => createBlobStorage({ ...s3.settings, S3_BUCKET: undefined, S3_SECRET_ACCESS_KEY: undefined })).toThrow(
      /S3_BUCKET, S3_SECRET_ACCESS_KEY/,
    );
  });

  it('stores each blob as one private object under exactly its key', async () => {
    const key = newBlobKey('uploads');
    await storage.put(key, Buffer.from('raw bytes'));
    const listed = await storage.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'uploads/' }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(key);
    const obj = await storage.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(obj.ContentType).toBe('application/octet-stream');
    expect(await obj.Body?.transformToString()).toBe('raw bytes');
  });

  it('a missing bucket fails the readiness check', async () => {
    const missing = new S3BlobStorage({ ...options(), bucket: 'no-such-bucket' });
    await expect(missing.check()).rejects.toThrow();
    missing.close();
  });

  it('an unreachable store is an error, never "missing" (exists rejects instead of answering false)', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const down = new S3BlobStorage({ ...options(), endpoint: `http://127.0.0.1:${port}`, connectionTimeoutMs: 500 });
    const key = newBlobKey('originals');
    await expect(down.exists(key)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(down.get(key)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    down.close();
  });
});

function options() {
  return {
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    accessKeyId: s3.settings.S3_ACCESS_KEY_ID,
    secretAccessKey: s3.settings.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  };
}

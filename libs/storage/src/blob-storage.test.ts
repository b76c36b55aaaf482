import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blobStorageContract } from './blob-storage.contract.js';
import { FsBlobStorage, createBlobStorage } from './index.js';

const dir = await mkdtemp(join(tmpdir(), 'blob-'));
const storage = new FsBlobStorage(dir);
afterAll(() => rm(dir, { recursive: true, force: true }));

blobStorageContract('filesystem', () => storage);

describe('FsBlobStorage', () => {
  it('leaves no temporary files behind', async () => {
    await storage.put('thumbs/x/y', Buffer.from('1'));
    expect(await readdir(join(dir, 'thumbs/x'))).toEqual(['y']);
  });

  it('is what STORAGE_DRIVER=fs chooses', () => {
    const chosen = createBlobStorage({ STORAGE_DRIVER: 'fs', STORAGE_DIR: dir, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: false });
    expect(chosen).toBeInstanceOf(FsBlobStorage);
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStorage, isRawUploadKey, newBlobKey } from './index.js';

describe('FsBlobStorage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blob-'));
  const storage = new FsBlobStorage(dir);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores, reads back and deletes a blob under a random key', async () => {
    const key = newBlobKey('originals', new Date('2026-02-01T00:00:00Z'));
    expect(key).toMatch(/^originals\/2026\/02\/[0-9a-f-]{36}$/);
    await storage.put(key, Buffer.from('hello'));
    expect((await storage.get(key)).toString()).toBe('hello');
    expect(await storage.exists(key)).toBe(true);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
  });

  it('keeps raw uploads under their own prefix, told apart from the clean copies', () => {
    expect(isRawUploadKey(newBlobKey('uploads'))).toBe(true);
    for (const kind of ['originals', 'thumbs', 'previews'] as const) expect(isRawUploadKey(newBlobKey(kind))).toBe(false);
  });

  it('deleting a blob that is already gone is fine (purges are retried)', async () => {
    await expect(storage.delete(newBlobKey('uploads'))).resolves.toBeUndefined();
  });

  it('leaves no temporary files behind', async () => {
    await storage.put('thumbs/x/y', Buffer.from('1'));
    expect(await readdir(join(dir, 'thumbs/x'))).toEqual(['y']);
  });

  it('refuses keys that try to leave the storage root', async () => {
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
    await expect(storage.get('originals/../../etc/passwd')).rejects.toThrow(/invalid blob key/);
    await expect(storage.put('/abs', Buffer.from('x'))).rejects.toThrow(/invalid blob key/);
  });
});

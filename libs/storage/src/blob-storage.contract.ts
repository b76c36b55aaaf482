// The contract every BlobStorage implementation passes: blob-storage.test.ts runs it against the filesystem,
// s3-blob-storage.test.ts against a local S3-compatible server. Not a test file itself (vitest picks *.test.ts).
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobNotFoundError, isRawUploadKey, newBlobKey, type BlobKind, type BlobStorage } from './blob-storage.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const KINDS: readonly BlobKind[] = ['uploads', 'originals', 'thumbs', 'previews'];

/** Registers the contract's tests for `name`; `storage()` is called inside the tests (after beforeAll ran). */
export function blobStorageContract(name: string, storage: () => BlobStorage): void {
  describe(`BlobStorage contract: ${name}`, () => {
    it('stores, reads back and deletes a blob under a random key', async () => {
      const s = storage();
      const key = newBlobKey('originals', new Date('2026-02-01T00:00:00Z'));
      expect(key).toMatch(/^originals\/2026\/02\/[0-9a-f-]{36}$/);
      await s.put(key, Buffer.from('hello'));
      expect((await s.get(key)).toString()).toBe('hello');
      expect(await s.exists(key)).toBe(true);
      await s.delete(key);
      expect(await s.exists(key)).toBe(false);
    });

    it('keeps every key kind, raw uploads included, and the bytes exactly (binary, empty, 2 MB)', async () => {
      const s = storage();
      for (const kind of KINDS) {
        const key = newBlobKey(kind);
        const bytes = randomBytes(1000);
        await s.put(key, bytes);
        expect((await s.get(key)).equals(bytes), kind).toBe(true);
      }
      const empty = newBlobKey('thumbs');
      await s.put(empty, Buffer.alloc(0));
      expect((await s.get(empty)).length).toBe(0);
      expect(await s.exists(empty)).toBe(true);
      const big = randomBytes(2 * 1024 * 1024);
      const bigKey = newBlobKey('uploads');
      await s.put(bigKey, big);
      expect((await s.get(bigKey)).equals(big)).toBe(true);
    });

    it('a second put replaces the blob whole', async () => {
      const s = storage();
      const key = newBlobKey('previews');
      await s.put(key, Buffer.from('first version, longer'));
      await s.put(key, Buffer.from('second'));
      expect((await s.get(key)).toString()).toBe('second');
    });

    it('streams a blob', async () => {
      const s = storage();
      const key = newBlobKey('thumbs');
      const bytes = randomBytes(300_000);
      await s.put(key, bytes);
      expect((await readAll(s.stream(key))).equals(bytes)).toBe(true);
    });

    it('a missing blob: get rejects and stream errors with BlobNotFoundError, exists is false', async () => {
      const s = storage();
      const key = newBlobKey('originals');
      await expect(s.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(readAll(s.stream(key))).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await s.exists(key)).toBe(false);
    });

    it('deleting a blob that is already gone is fine (purges are retried)', async () => {
      const s = storage();
      await expect(s.delete(newBlobKey('uploads'))).resolves.toBeUndefined();
      const key = newBlobKey('uploads');
      await s.put(key, Buffer.from('x'));
      await s.delete(key);
      await expect(s.delete(key)).resolves.toBeUndefined();
    });

    it('keeps raw uploads under their own prefix, told apart from the clean copies', () => {
      expect(isRawUploadKey(newBlobKey('uploads'))).toBe(true);
      for (const kind of ['originals', 'thumbs', 'previews'] as const) expect(isRawUploadKey(newBlobKey(kind))).toBe(false);
    });

    it('refuses keys that try to leave the storage root or are not ours', async () => {
      const s = storage();
      for (const bad of ['../escape', 'originals/../../etc/passwd', '/abs', 'a//b', 'Upper/case', '']) {
        await expect(s.put(bad, Buffer.from('x')), bad).rejects.toThrow(/invalid blob key/);
        await expect(s.get(bad), bad).rejects.toThrow(/invalid blob key/);
        await expect(s.delete(bad), bad).rejects.toThrow(/invalid blob key/);
        expect(() => s.stream(bad), bad).toThrow(/invalid blob key/);
        expect(await s.exists(bad), bad).toBe(false);
      }
    });

    it('takes concurrent writes and reads of many blobs', async () => {
      const s = storage();
      const blobs = Array.from({ length: 40 }, () => ({ key: newBlobKey('thumbs'), bytes: randomBytes(20_000) }));
      await Promise.all(blobs.map((b) => s.put(b.key, b.bytes)));
      const back = await Promise.all(blobs.map((b) => s.get(b.key)));
      expect(back.every((b, i) => b.equals(blobs[i]!.bytes))).toBe(true);
      await Promise.all(blobs.map((b) => s.delete(b.key)));
      expect((await Promise.all(blobs.map((b) => s.exists(b.key)))).some(Boolean)).toBe(false);
    });

    it('answers its readiness check', async () => {
      await expect(storage().check?.()).resolves.toBeUndefined();
    });
  });
}

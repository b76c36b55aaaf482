import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/** Where originals and derivatives live. Keys are opaque, random, never user-supplied. */
export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Readable;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[a-z0-9][a-z0-9/_.-]{0,254}$/;

export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.includes('..') || key.includes('//')) throw new Error(`invalid blob key: ${key}`);
}

/**
 * What a blob is: `uploads` — the bytes exactly as a candidate sent them (never served; the image worker deletes
 * them once the clean copy exists, the purge job after the retention period otherwise); `originals` — the worker's
 * clean, upright, metadata-free copy; `thumbs` / `previews` — its derivatives.
 */
export type BlobKind = 'uploads' | 'originals' | 'thumbs' | 'previews';

/** A fresh random key, e.g. `originals/2026/01/0f8e...`. */
export function newBlobKey(kind: BlobKind, now = new Date()): string {
  const ym = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${kind}/${ym}/${randomUUID()}`;
}

/** True for the key of a raw upload (bytes as sent by the candidate), which no handler may serve. */
export function isRawUploadKey(key: string): boolean {
  return key.startsWith('uploads/');
}

/** Filesystem storage; writes are atomic (temp file + rename) so a crash never leaves half a blob. */
export class FsBlobStorage implements BlobStorage {
  private readonly root: string;
  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  private path(key: string): string {
    assertValidKey(key);
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`invalid blob key: ${key}`);
    return p;
  }

  async put(key: string, data: Buffer): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.${randomUUID()}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, p);
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  stream(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

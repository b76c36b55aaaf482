import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';

/**
 * Where originals and derivatives live. Keys are opaque, random, never user-supplied. Two implementations pass the
 * same contract (blob-storage.contract.ts): the filesystem (`FsBlobStorage`, one machine) and S3-compatible object
 * storage (`S3BlobStorage`, many machines); `createBlobStorage` picks one from the configuration.
 */
export interface BlobStorage {
  /** Stores (or replaces) the whole blob; a reader never sees half of it. */
  put(key: string, data: Buffer): Promise<void>;
  /** The whole blob; rejects with BlobNotFoundError when there is none. */
  get(key: string): Promise<Buffer>;
  /** The blob as a stream; a missing blob is an 'error' event (BlobNotFoundError). */
  stream(key: string): Readable;
  /** False for a missing blob (or a key nothing can be stored under); rejects when the storage cannot be asked. */
  exists(key: string): Promise<boolean>;
  /** Deleting a missing blob is fine (purges are retried). */
  delete(key: string): Promise<void>;
  /** Readiness: resolves when the storage can be used now (the folder is writable, the bucket answers). */
  check?(): Promise<void>;
}

/** There is no blob under this key. */
export class BlobNotFoundError extends Error {
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`blob not found: ${key}`, options);
    this.name = 'BlobNotFoundError';
  }
}

export function isBlobNotFound(err: unknown): err is BlobNotFoundError {
  return err instanceof BlobNotFoundError;
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
    const p = this.path(key);
    try {
      return await readFile(p);
    } catch (err) {
      throw isMissingFile(err) ? new BlobNotFoundError(key, { cause: err }) : err;
    }
  }

  stream(key: string): Readable {
    const p = this.path(key);
    const out = new PassThrough();
    const file = createReadStream(p);
    file.on('error', (err) => out.destroy(isMissingFile(err) ? new BlobNotFoundError(key, { cause: err }) : err));
    out.on('close', () => file.destroy());
    return file.pipe(out);
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

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }
}

function isMissingFile(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

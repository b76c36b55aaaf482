import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { BlobNotFoundError, assertValidKey, type BlobStorage } from './blob-storage.js';

export interface S3BlobStorageOptions {
  bucket: string;
  region: string;
  /** e.g. http://minio:9000; unset = the provider's endpoint for the region */
  endpoint?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  /** path-style URLs (http://host/bucket/key): MinIO, s3rver and most self-hosted stores */
  forcePathStyle: boolean;
  /** Abandon a request that has not connected / answered in time (default 5 s / 60 s); the SDK retries it. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Open connections per process (default 64: the workers' puts and a service's concurrent image requests). */
  maxSockets?: number;
}

/** What the SDK throws: a service error with its name and HTTP status, or a network error with a code. */
interface S3ErrorLike {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isMissingObject(err: unknown): boolean {
  const e = err as S3ErrorLike | undefined;
  if (!e) return false;
  // a missing bucket is a configuration fault, not a missing blob
  if (e.name === 'NoSuchBucket' || e.Code === 'NoSuchBucket') return false;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/**
 * Blobs as objects of one private S3-compatible bucket (MinIO, AWS S3, a cloud's S3 API), under exactly their key.
 * Nothing here ever sets an ACL or makes a URL: the bucket stays private and every image reaches a browser through
 * the authorised handler of material-service. A put carries Content-MD5 (the store checks the bytes it received);
 * the SDK's newer CRC trailers are only sent where an operation requires them, which every S3-compatible store
 * understands.
 */
export class S3BlobStorage implements BlobStorage {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(opts: S3BlobStorageOptions) {
    this.bucket = opts.bucket;
    // The SDK is pinned (3.1175.0, the last line for Node 20: TOOLCHAIN.md); its warning that later releases need Node 22
    // would be printed by every process at boot. An operator can still turn it on by setting the variable to false.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 };
    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
        requestTimeout: opts.requestTimeoutMs ?? 60_000,
        httpAgent: agent,
        httpsAgent: agent,
      },
    };
    if (opts.endpoint) config.endpoint = opts.endpoint;
    this.client = new S3Client(config);
  }

  async put(key: string, data: Buffer): Promise<void> {
    assertValidKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: data,
        ContentLength: data.length,
        ContentType: 'application/octet-stream',
        ContentMD5: createHash('md5').update(data).digest('base64'),
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new BlobNotFoundError(key);
      const bytes = await res.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw isMissingObject(err) ? new BlobNotFoundError(key, { cause: err }) : err;
    }
  }

  stream(key: string): Readable {
    assertValidKey(key);
    const out = new PassThrough();
    const abort = new AbortController();
    out.on('close', () => abort.abort());
    this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: abort.signal }).then(
      (res) => {
        const body = res.Body;
        if (!(body instanceof Readable)) {
          out.destroy(new Error(`unexpected S3 response body for ${key}`));
          return;
        }
        if (out.destroyed) {
          body.destroy();
          return;
        }
        body.on('error', (err) => out.destroy(err));
        out.on('close', () => body.destroy());
        body.pipe(out);
      },
      (err: unknown) => {
        if (!out.destroyed) out.destroy(isMissingObject(err) ? new BlobNotFoundError(key, { cause: err }) : (err as Error));
      },
    );
    return out;
  }

  async exists(key: string): Promise<boolean> {
    try {
      assertValidKey(key);
    } catch {
      return false; // nothing can be stored under it (as FsBlobStorage)
    }
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      // only "not there" is false: an unreachable store is an error, never "missing"
      if (isMissingObject(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      // S3 answers 204 for a key that is not there; some stores answer 404
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isMissingObject(err)) throw err;
    }
  }

  /** The bucket exists and these credentials may use it. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  close(): void {
    this.client.destroy();
  }
}

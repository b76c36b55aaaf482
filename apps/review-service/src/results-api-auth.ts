import type { Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import {
  RESULTS_API_AUTH_ERRORS,
  RESULTS_API_HEADERS,
  RESULTS_API_MAX_SKEW_SECONDS,
  RESULTS_API_NONCE_TTL_SECONDS,
  type ResultsApiAuthErrorCode,
} from '@exam/api';
import type { ResultsApiClient } from '@exam/config';
import { DomainError } from '@exam/domain';
import { EMPTY_BODY_SHA256, signatureMatches } from '@exam/auth';

export interface ResultsApiAuthOptions {
  clients: readonly ResultsApiClient[];
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX; each test run has its own) */
  keyPrefix: string;
  now: () => Date;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The results-API client whose signature this request carries (set by resultsApiAuth). */
    resultsClient?: ResultsApiClient;
  }
}

const refuse = (code: ResultsApiAuthErrorCode): DomainError => new DomainError(code, RESULTS_API_AUTH_ERRORS[code], 401);

const TIMESTAMP = /^\d{1,12}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

/** The Redis key that remembers a nonce of a key id. */
export const nonceKey = (prefix: string, keyId: string, nonce: string) => `${prefix}:results-api:nonce:${keyId}:${nonce}`;

/**
 * Signed-request authentication of the results API (no session, no CSRF): the key id must be known, the timestamp
 * within 5 minutes of the server's clock, the HMAC-SHA256 signature right (constant-time compare) and the nonce new
 * (remembered in Redis with SET NX for 10 minutes). Each refusal is a 401 with its own code. The checks run in that
 * order, so only a correctly signed request can use up a nonce.
 */
export function resultsApiAuth(opts: ResultsApiAuthOptions): RequestHandler {
  const byKey = new Map(opts.clients.map((c) => [c.keyId, c]));
  return async (req: Request, _res, next) => {
    const keyId = req.get(RESULTS_API_HEADERS.keyId);
    const timestamp = req.get(RESULTS_API_HEADERS.timestamp);
    const nonce = req.get(RESULTS_API_HEADERS.nonce);
    const signature = req.get(RESULTS_API_HEADERS.signature);
    if (!keyId || !timestamp || !nonce || !signature) throw refuse('SIGNATURE_HEADERS_MISSING');
    if (!TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) throw refuse('SIGNATURE_HEADERS_INVALID');
    // the API takes no body: the signature covers the SHA-256 of the empty body
    if (Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding')) {
      throw new DomainError('BODY_NOT_ALLOWED', '该接口不接受请求体', 400);
    }
    const client = byKey.get(keyId);
    if (!client) throw refuse('UNKNOWN_KEY');
    const skew = Math.abs(Number(timestamp) - Math.floor(opts.now().getTime() / 1000));
    if (skew > RESULTS_API_MAX_SKEW_SECONDS) throw refuse('CLOCK_SKEW');
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const parts = {
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      timestamp,
      nonce,
      bodySha256: EMPTY_BODY_SHA256,
    };
    if (!signatureMatches(client.secret, parts, signature)) throw refuse('BAD_SIGNATURE');
    const fresh = await opts.redis.set(nonceKey(opts.keyPrefix, keyId, nonce), '1', 'EX', RESULTS_API_NONCE_TTL_SECONDS, 'NX');
    if (fresh !== 'OK') throw refuse('NONCE_REPLAYED');
    req.resultsClient = client;
    next();
  };
}

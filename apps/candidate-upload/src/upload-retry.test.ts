import { describe, expect, it } from 'vitest';
import { CSRF_HEADER as API_CSRF_HEADER, IDEMPOTENCY_HEADER as API_IDEMPOTENCY_HEADER, csrfCookieName } from '@exam/api';
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  RETRY_DELAYS_MS,
  canRetryManually,
  failureText,
  isTransient,
  newIdempotencyKey,
  nextRetryDelay,
  type UploadFailure,
} from './upload-retry';
import { CSRF_COOKIES, CSRF_HEADER } from './upload-transport';

const network: UploadFailure = { kind: 'network' };
const http = (status: number, message = '失败'): UploadFailure => ({ kind: 'http', status, code: `E${status}`, message });

describe('retry policy', () => {
  it('retries network errors three times, after 1 s, 2 s and 4 s, then leaves it to 重试', () => {
    expect(RETRY_DELAYS_MS).toEqual([1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((n) => nextRetryDelay(network, n))).toEqual([1000, 2000, 4000, null]);
    expect(canRetryManually(network)).toBe(true);
  });

  it('retries gateway and unavailable answers automatically, but not refusals', () => {
    for (const status of [408, 502, 503, 504]) expect(isTransient(http(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413, 415, 429, 500]) expect(nextRetryDelay(http(status), 0)).toBeNull();
    expect(nextRetryDelay({ kind: 'aborted' }, 0)).toBeNull();
  });

  it('offers 重试 for what may pass later, not for what cannot', () => {
    expect(canRetryManually(http(429))).toBe(true); // 本小时上传次数已达上限
    expect(canRetryManually(http(503))).toBe(true);
    expect(canRetryManually(http(500))).toBe(true);
    expect(canRetryManually(http(409))).toBe(false); // category full, window closed …
    expect(canRetryManually(http(415))).toBe(false);
    expect(canRetryManually({ kind: 'aborted' })).toBe(false);
  });

  it("shows the server's own message, a Chinese one for network errors", () => {
    expect(failureText(http(409, '该类别已达上传上限'))).toBe('该类别已达上传上限');
    expect(failureText(network)).toMatch(/网络/);
  });
});

describe('idempotency key', () => {
  it('is 24 characters the server accepts, different every time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toHaveLength(24);
      expect(key).toMatch(IDEMPOTENCY_KEY_PATTERN);
    }
    // every byte value maps into the alphabet
    expect(newIdempotencyKey((b) => b.fill(255))).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(newIdempotencyKey((b) => b.fill(0))).toBe('A'.repeat(24));
  });

  it('goes in the header @exam/api names, next to the CSRF header apiFetch sends', () => {
    expect(IDEMPOTENCY_HEADER).toBe(API_IDEMPOTENCY_HEADER);
    expect(CSRF_HEADER).toBe(API_CSRF_HEADER);
    expect([...CSRF_COOKIES]).toEqual([csrfCookieName(true), csrfCookieName(false)]);
  });
});

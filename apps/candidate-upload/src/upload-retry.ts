/**
 * How an upload that failed is tried again. Every upload carries an idempotency key made once per chosen file
 * and sent again on each retry: the server stores the image once per key and answers a repeat with the first
 * result, so retrying after a dropped connection (the image may have arrived, only the answer was lost) never
 * stores it twice.
 */

/** Header name of the key; the same value as IDEMPOTENCY_HEADER in @exam/api (a test keeps them equal). Kept
 * here so the remote's bundle does not pull in @exam/api's zod schemas for one string. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** What the server accepts as a key. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** Waits before the automatic retries: 1 s, 2 s, 4 s; after the third the candidate gets a 重试 button. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];

/** Why one attempt failed. */
export type UploadFailure =
  /** no answer: connection dropped or refused, offline, stalled */
  | { kind: 'network' }
  /** an answer with an error status */
  | { kind: 'http'; status: number; code: string; message: string; retryAfterSeconds?: number }
  /** the candidate pressed 取消 */
  | { kind: 'aborted' };

/** Statuses worth trying again without the candidate doing anything: the request may well pass next time. */
const TRANSIENT_STATUSES = new Set([408, 502, 503, 504]);

/** Whether the failure is retried automatically (network errors and gateway/service-unavailable answers). */
export function isTransient(failure: UploadFailure): boolean {
  return failure.kind === 'network' || (failure.kind === 'http' && TRANSIENT_STATUSES.has(failure.status));
}

/**
 * Milliseconds to wait before the next automatic attempt, or null when the candidate decides (重试) or the
 * failure is final. `retriesDone` counts the automatic retries already made for this round.
 */
export function nextRetryDelay(failure: UploadFailure, retriesDone: number, delays: readonly number[] = RETRY_DELAYS_MS): number | null {
  if (!isTransient(failure)) return null;
  return delays[retriesDone] ?? null;
}

/**
 * Whether 重试 is offered once the automatic retries are over: for anything that may pass later (network,
 * 5xx, 429 too many uploads this hour), not for a refusal that a retry cannot change (wrong format, category
 * full, window closed…).
 */
export function canRetryManually(failure: UploadFailure): boolean {
  if (failure.kind === 'aborted') return false;
  if (failure.kind === 'network') return true;
  return failure.status === 429 || failure.status === 408 || failure.status >= 500;
}

export const NETWORK_FAILURE_TEXT = '网络连接中断，图片未能上传';

/** What the candidate reads about a failure. */
export function failureText(failure: UploadFailure): string {
  switch (failure.kind) {
    case 'network':
      return NETWORK_FAILURE_TEXT;
    case 'aborted':
      return '已取消上传';
    case 'http':
      return failure.message || '上传失败，请稍后重试';
  }
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A random key of 24 characters of [A-Za-z0-9_-] (144 bits). crypto.getRandomValues, not randomUUID: the latter
 * exists only in secure contexts, and a phone may reach a development machine over plain http on the LAN.
 */
export function newIdempotencyKey(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(24));
  let key = '';
  for (const byte of bytes) key += KEY_ALPHABET[byte & 63];
  return key;
}

import type { ImageView } from '@exam/api';
import { UNAUTHORIZED_EVENT, readCookie } from '@exam/session';
import { IDEMPOTENCY_HEADER, type UploadFailure } from './upload-retry';

export const UPLOAD_PATH = '/api/material/images';
/** Same values as CSRF_HEADER / csrfCookieName() of @exam/api (a test keeps them equal; see IDEMPOTENCY_HEADER). */
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_COOKIES = ['__Host-exam_csrf', 'exam_csrf'] as const;
/**
 * No progress event and no answer for this long: the connection is treated as dropped (mobile networks hang more
 * often than they fail). Generous, because the socket buffer may swallow the whole body at once and then say nothing
 * while it drains: 200 KB over 60 s is ~27 kbit/s, and the server cuts any request after 2 minutes anyway.
 */
export const STALL_MS = 60_000;

/** One attempt failed; `failure` says how. */
export class UploadAttemptError extends Error {
  override readonly name = 'UploadAttemptError';
  constructor(readonly failure: UploadFailure) {
    super(failure.kind === 'http' ? failure.message : failure.kind);
  }
}

export interface SendUploadOptions {
  categoryCode: string;
  file: File;
  idempotencyKey: string;
  /** bytes of the request body sent so far, and its total */
  onProgress(sent: number, total: number): void;
  signal: AbortSignal;
}

function errorBody(text: string): { code: string; message: string } | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') return { code: error.code, message: error.message };
  } catch {
    // not JSON: a proxy's error page
  }
  return null;
}

/**
 * POST /api/material/images as multipart (categoryCode first, then the file) through XMLHttpRequest, which
 * reports upload progress (fetch does not, short of request streams). Sends what apiFetch sends on a write —
 * the session cookie (same origin) and the CSRF cookie echoed in its header — plus the idempotency key.
 * Resolves with the stored image (201, or the first result again for a repeated key).
 */
export function sendUpload({ categoryCode, file, idempotencyKey, onProgress, signal }: SendUploadOptions): Promise<ImageView> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new UploadAttemptError({ kind: 'aborted' }));
      return;
    }
    const form = new FormData();
    form.set('categoryCode', categoryCode);
    form.set('file', file, file.name);

    const xhr = new XMLHttpRequest();
    let settled = false;
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (failure: UploadFailure) => finish(() => reject(new UploadAttemptError(failure)));
    const watchStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        fail({ kind: 'network' });
        xhr.abort();
      }, STALL_MS);
    };
    const onAbort = () => {
      fail({ kind: 'aborted' });
      xhr.abort();
    };
    signal.addEventListener('abort', onAbort);

    xhr.open('POST', UPLOAD_PATH);
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = CSRF_COOKIES.map((name) => readCookie(name)).find((value) => value !== null);
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.setRequestHeader(IDEMPOTENCY_HEADER, idempotencyKey);

    xhr.upload.onprogress = (e) => {
      watchStall();
      onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    };
    xhr.onprogress = watchStall;
    xhr.onerror = () => fail({ kind: 'network' });
    xhr.ontimeout = () => fail({ kind: 'network' });
    xhr.onabort = () => fail({ kind: 'aborted' });
    xhr.onload = () => {
      const { status } = xhr;
      const text = xhr.responseText;
      if (status >= 200 && status < 300) {
        try {
          const body = JSON.parse(text) as ImageView;
          finish(() => resolve(body));
        } catch {
          fail({ kind: 'http', status, code: 'INVALID_RESPONSE', message: '服务暂时不可用，请稍后重试' });
        }
        return;
      }
      if (status === 0) {
        fail({ kind: 'network' });
        return;
      }
      if (status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: { path: UPLOAD_PATH } }));
      const error = errorBody(text);
      const retryAfter = Number(xhr.getResponseHeader('retry-after'));
      fail({
        kind: 'http',
        status,
        code: error?.code ?? `HTTP_${status}`,
        message: error?.message ?? (status >= 500 ? '服务暂时不可用，请稍后重试' : '上传失败，请稍后重试'),
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      });
    };
    watchStall();
    xhr.send(form);
  });
}

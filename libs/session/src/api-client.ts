import { CSRF_HEADER, csrfCookieName, type ApiError } from '@exam/api';

/** Fired on window when any API call answers 401, so the session can drop the user. */
export const UNAUTHORIZED_EVENT = 'exam:unauthorized';

const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';
const UNAVAILABLE_MESSAGE = '服务暂时不可用，请稍后重试';

/** An API failure with the server's Chinese message (or a generic Chinese one). */
export class ApiClientError extends Error {
  override readonly name = 'ApiClientError';
  constructor(
    /** HTTP status; 0 when the request never got an answer */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiClientError(value: unknown): value is ApiClientError {
  return value instanceof ApiClientError;
}

/** Reads a cookie readable by scripts (the CSRF cookie is; the session cookie is not). */
export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function isApiErrorBody(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

export interface ApiFetchInit extends Omit<RequestInit, 'body'> {
  /** Sent as JSON (sets Content-Type). */
  json?: unknown;
  /** Any other body (FormData for uploads: the browser sets the multipart boundary). */
  body?: BodyInit | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Calls a same-origin API route (e.g. `/api/material/dossier`): sends cookies, echoes the CSRF cookie
 * in the CSRF header on writes, parses JSON, and turns `{ error: { code, message } }` answers into ApiClientError.
 * Resolves to `undefined` for 204 responses.
 */
export async function apiFetch<T>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const { json, body, headers: initHeaders, ...rest } = init;
  const method = (rest.method ?? (json !== undefined || body ? 'POST' : 'GET')).toUpperCase();
  const headers = new Headers(initHeaders);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  let requestBody: BodyInit | null | undefined = body;
  if (json !== undefined) {
    headers.set('content-type', 'application/json');
    requestBody = JSON.stringify(json);
  }
  if (!SAFE_METHODS.has(method)) {
    // `__Host-exam_csrf` over https (COOKIE_SECURE), `exam_csrf` over plain http in development
    const csrf = readCookie(csrfCookieName(true)) ?? readCookie(csrfCookieName(false));
    if (csrf) headers.set(CSRF_HEADER, csrf);
  }

  let response: Response;
  try {
    response = await fetch(path, { ...rest, method, headers, body: requestBody, credentials: 'same-origin' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiClientError(0, 'NETWORK_ERROR', NETWORK_MESSAGE, error);
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (!response.ok) {
    if (response.status === 401 && typeof window !== 'undefined') {
      window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: { path } }));
    }
    if (isApiErrorBody(parsed)) {
      throw new ApiClientError(response.status, parsed.error.code, parsed.error.message, parsed.error.details);
    }
    throw new ApiClientError(response.status, `HTTP_${response.status}`, UNAVAILABLE_MESSAGE);
  }
  if (parsed === undefined && text) {
    throw new ApiClientError(response.status, 'INVALID_RESPONSE', UNAVAILABLE_MESSAGE);
  }
  return parsed as T;
}

/** `path?a=1&b=2`, leaving out undefined, null and empty values. */
export function withQuery(path: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

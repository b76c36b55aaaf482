import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { locales, ZodError, type ZodType } from 'zod';
import { DomainError } from '@exam/domain';
import type { ApiError } from '@exam/api';
import { isDependencyUnavailable, SERVICE_UNAVAILABLE_CODE, SERVICE_UNAVAILABLE_MESSAGE } from './unavailable.js';

// zod's built-in messages (a missing field, a wrong type) in Chinese, for this parse only (no global config);
// messages written in a schema take precedence.
const zhCN = locales.zhCN().localeError;

/** Sees each schema `parse` is given, and the value (see observeParse). */
export type ParseObserver = (schema: ZodType<unknown>, value: unknown) => void;
const parseObservers = new Set<ParseObserver>();

/**
 * For tests: calls `observer` with every schema and value `parse` is given until the returned function is called
 * (the route fuzz learns which schemas each route reads this way).
 */
export function observeParse(observer: ParseObserver): () => void {
  parseObservers.add(observer);
  return () => void parseObservers.delete(observer);
}

/** Parses `value` with `schema`; on failure throws the ZodError, which the error handler answers with 400. */
export function parse<T>(schema: ZodType<T>, value: unknown): T {
  for (const observe of parseObservers) observe(schema, value);
  return schema.parse(value, { error: zhCN });
}

/** A service-specific translation of foreign errors (e.g. multer's) into a DomainError; undefined = not mine. */
export type ErrorMapper = (err: unknown) => DomainError | undefined;

/** An http-errors style error (body-parser, router): a 4xx `status`/`statusCode`, optionally a `type`. */
interface HttpClientError {
  status: number;
  type?: string;
}
function asHttpClientError(err: unknown): HttpClientError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  return typeof e.type === 'string' ? { status, type: e.type } : { status };
}

const clientError = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });

/** Maps an error to its HTTP status and public body. Returns undefined for unexpected errors (→ 500). */
export function toErrorResponse(err: unknown, mapper?: ErrorMapper): { status: number; body: ApiError } | undefined {
  const mapped = mapper?.(err) ?? err;
  if (mapped instanceof DomainError) {
    const error: ApiError['error'] = { code: mapped.code, message: mapped.message };
    if (mapped.details !== undefined) error.details = mapped.details;
    return { status: mapped.status, body: { error } };
  }
  if (mapped instanceof ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of mapped.issues) {
      const key = issue.path.map(String).join('.') || '_';
      fields[key] ??= issue.message;
    }
    const first = mapped.issues[0]?.message ?? '请求参数不正确';
    return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: first, details: { fields } } } };
  }
  // A %-escape in the URL that does not decode (express fails while matching a route parameter).
  if (mapped instanceof URIError) return clientError(400, 'BAD_URL', '请求地址编码不正确');
  const http = asHttpClientError(mapped);
  if (http) {
    switch (http.type) {
      case 'entity.parse.failed':
        return clientError(400, 'BAD_JSON', '请求格式不正确');
      case 'entity.too.large':
        return clientError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大');
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return clientError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求内容的编码不受支持');
    }
    if (http.status === 413) return clientError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大');
    if (http.status === 415) return clientError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求内容格式不受支持');
    if (http.status === 404) return clientError(404, 'NOT_FOUND', '接口不存在');
    return clientError(http.status, 'BAD_REQUEST', '请求格式不正确');
  }
  // Postgres or Redis unreachable (restart, failover): 503, and the client may retry (unavailable.ts)
  if (isDependencyUnavailable(mapped)) return { status: 503, body: { error: { code: SERVICE_UNAVAILABLE_CODE, message: SERVICE_UNAVAILABLE_MESSAGE } } };
  return undefined;
}

const INTERNAL: ApiError = { error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试' } };

/**
 * The one error handler: DomainError → its status, zod → 400, bad JSON or URL → 400, too large → 413, other
 * client errors of express and its parsers → their 4xx, else 500 (logged).
 */
export function errorHandler(mapper?: ErrorMapper): ErrorRequestHandler {
  return (err: unknown, req: Request, res, next) => {
    if (res.headersSent) {
      req.log?.error({ err }, 'error after response started');
      next(err);
      return;
    }
    const known = toErrorResponse(err, mapper);
    if (known) {
      res.status(known.status).json(known.body);
      return;
    }
    // pino-http logs the request line with this error (message and stack) once the 500 is sent.
    res.err = err instanceof Error ? err : new Error(String(err));
    if (!req.log) console.error('unhandled error', err);
    res.status(500).json(INTERNAL);
  };
}

/** JSON 404 for unknown routes. */
export function notFoundHandler(): RequestHandler {
  return (_req, res) => {
    const body: ApiError = { error: { code: 'NOT_FOUND', message: '接口不存在' } };
    res.status(404).json(body);
  };
}

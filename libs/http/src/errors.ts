import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { locales, ZodError, type ZodType } from 'zod';
import { DomainError } from '@exam/domain';
import type { ApiError } from '@exam/api';

// zod's built-in messages (a missing field, a wrong type) in Chinese, for this parse only (no global config);
// messages written in a schema take precedence.
const zhCN = locales.zhCN().localeError;

/** Parses `value` with `schema`; on failure throws the ZodError, which the error handler answers with 400. */
export function parse<T>(schema: ZodType<T>, value: unknown): T {
  return schema.parse(value, { error: zhCN });
}

/** A service-specific translation of foreign errors (e.g. multer's) into a DomainError; undefined = not mine. */
export type ErrorMapper = (err: unknown) => DomainError | undefined;

interface BodyParserError {
  type: string;
  status: number;
}
function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as BodyParserError).type === 'string' &&
    typeof (err as BodyParserError).status === 'number'
  );
}

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
  if (isBodyParserError(mapped)) {
    if (mapped.type === 'entity.parse.failed') {
      return { status: 400, body: { error: { code: 'BAD_JSON', message: '请求格式不正确' } } };
    }
    if (mapped.type === 'entity.too.large') {
      return { status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' } } };
    }
    if (mapped.status >= 400 && mapped.status < 500) {
      return { status: mapped.status, body: { error: { code: 'BAD_REQUEST', message: '请求格式不正确' } } };
    }
  }
  return undefined;
}

const INTERNAL: ApiError = { error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试' } };

/** The one error handler: DomainError → its status, zod → 400, bad JSON → 400, too large → 413, else 500 (logged). */
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

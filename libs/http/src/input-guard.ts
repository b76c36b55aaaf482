// Input that no route can use is refused at the door with a 400, before it reaches a schema, a service or the
// database: a NUL character (PostgreSQL rejects it in text and the query failed with a 500), a lone UTF-16
// surrogate (written to the database as U+FFFD), an undecodable %-escape in the path, and a body of a type
// no parser of ours reads (415).
import type { Request, RequestHandler } from 'express';
import { DomainError } from '@exam/domain';

/** Where a bad string was found. */
export type InputLocation = 'path' | 'query' | 'body';

const LOCATION_LABEL: Record<InputLocation, string> = { path: '请求地址', query: '查询参数', body: '提交内容' };

/** Content types the services read: JSON (express.json) and multipart uploads (multer, per route). */
export const ACCEPTED_BODY_TYPES = ['application/json', 'multipart/form-data'] as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` can be stored and shown as text: no NUL character, no lone UTF-16 surrogate. */
export function isValidText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/**
 * The path (e.g. `marks.0.reasonText`, `_` for the value itself) of the first string — object key or value —
 * in `value` that is not valid text; undefined when every string is. Iterative, so a deeply nested JSON body
 * cannot overflow the stack.
 */
export function findInvalidText(value: unknown): string | undefined {
  // Each entry knows its parent, so the path is only built for the bad string (copying it per level is O(depth²)).
  interface Entry {
    v: unknown;
    key: string;
    parent: Entry | undefined;
  }
  const pathOf = (e: Entry | undefined, key?: string): string => {
    const keys = key === undefined ? [] : [key];
    for (let x = e; x?.parent; x = x.parent) keys.push(x.key);
    const path = keys.reverse().join('.') || '_';
    return path.length > 200 ? `${path.slice(0, 200)}…` : path;
  };
  const stack: Entry[] = [{ v: value, key: '', parent: undefined }];
  while (stack.length) {
    const e = stack.pop()!;
    const v = e.v;
    if (typeof v === 'string') {
      if (!isValidText(v)) return pathOf(e);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: String(i), parent: e });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (!isValidText(k)) return pathOf(e, [...k].map((c) => (isValidText(c) ? c : '?')).join(''));
        stack.push({ v: child, key: k, parent: e });
      }
    }
  }
  return undefined;
}

/** The 400 for input holding a NUL character or a lone surrogate. */
export function invalidTextError(location: InputLocation, field: string): DomainError {
  return new DomainError('INVALID_CHARACTERS', `${LOCATION_LABEL[location]}中含有无效字符（如空字符），请删除后重试`, 400, {
    location,
    field,
  });
}

/** Throws INVALID_CHARACTERS (400) when any string in `value` holds a NUL character or a lone surrogate. */
export function assertValidText(value: unknown, location: InputLocation): void {
  const field = findInvalidText(value);
  if (field !== undefined) throw invalidTextError(location, field);
}

export const badUrlError = () => new DomainError('BAD_URL', '请求地址编码不正确', 400);

/**
 * Checks what every route will read from the URL: each path segment must decode (`%E0%A4%A` does not: express
 * would fail while matching a route parameter) to valid text, and so must every query key and value.
 */
export function guardUrl(): RequestHandler {
  return (req, _res, next) => {
    for (const segment of req.path.split('/')) {
      if (!segment.includes('%')) continue;
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw badUrlError();
      }
      if (!isValidText(decoded)) throw invalidTextError('path', segment);
    }
    assertValidText(req.query, 'query');
    next();
  };
}

/** A request carries a body when it is chunked or declares a non-zero length (browsers send `Content-Length: 0` on empty POSTs). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return !(length === 0);
}

function mediaTypeOf(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A body of a type the services do not read answers 415 (before anything reads it). */
export function guardBodyType(): RequestHandler {
  return (req, _res, next) => {
    if (hasBody(req) && !(ACCEPTED_BODY_TYPES as readonly string[]).includes(mediaTypeOf(req))) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', '请求内容格式不受支持，请以 JSON 提交', 415);
    }
    next();
  };
}

/** After the JSON parser: every string of the parsed body must be valid text. */
export function guardJsonBody(): RequestHandler {
  return (req: Request, _res, next) => {
    if (req.body !== undefined) assertValidText(req.body, 'body');
    next();
  };
}

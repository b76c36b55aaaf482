// Postgres or Redis unreachable (restart, failover, network): the request cannot be served now but may succeed in a
// moment. The error handler answers these with 503 SERVICE_UNAVAILABLE instead of 500, and the service recovers by
// itself once the dependency is back (pg's pool and ioredis reconnect; nothing in the process is restarted).
import type { RequestHandler } from 'express';
import { DomainError } from '@exam/domain';
import { isRedisLost } from '@exam/queue';

export const SERVICE_UNAVAILABLE_CODE = 'SERVICE_UNAVAILABLE';
export const SERVICE_UNAVAILABLE_MESSAGE = '服务暂时不可用，请稍后重试';

export function serviceUnavailable(): DomainError {
  return new DomainError(SERVICE_UNAVAILABLE_CODE, SERVICE_UNAVAILABLE_MESSAGE, 503);
}

/** Prisma error codes meaning "no usable connection to the database" (not a problem of the query itself). */
const PRISMA_UNAVAILABLE_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out
  'P1017', // server has closed the connection
  'P2024', // timed out fetching a connection from the pool
]);
/** Driver-adapter (`@prisma/adapter-pg`) error kinds of the same meaning. */
const ADAPTER_UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/**
 * SQLSTATEs: 08xxx connection exceptions, 57P01 admin_shutdown (server stopping), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up / shutting down), 53300 too_many_connections.
 */
const PG_UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
/** Node socket errors on the way to Postgres or Redis. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * ioredis (no offline queue, retries exhausted, command timeout, closed), rate-limiter-flexible (`rejectIfRedisNotReady`)
 * and pg (pool/connection) messages.
 */
const UNAVAILABLE_MESSAGES = [
  /^Stream isn't writeable and enableOfflineQueue options is false/,
  /^Redis connection is not ready$/,
  /^Reached the max retries per request limit/,
  /^Command timed out$/,
  /^Connection is closed\.?$/,
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
];

interface ErrorLike {
  /** AWS SDK v3 (object storage): 'server' for the store's own 5xx (SlowDown, InternalError, ServiceUnavailable) */
  $fault?: unknown;
  name?: unknown;
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function isUnavailableOne(e: ErrorLike): boolean {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'PrismaClientInitializationError') return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  // the object store answered 5xx after the SDK's own retries: the store is in trouble, not the request
  if (e.$fault === 'server') return true;
  if (code && name.startsWith('PrismaClient') && PRISMA_UNAVAILABLE_CODES.has(code)) return true;
  if (typeof e.kind === 'string') {
    if (ADAPTER_UNAVAILABLE_KINDS.has(e.kind)) return true;
    if (e.kind === 'postgres' && code && PG_UNAVAILABLE_STATES.test(code)) return true;
  }
  if (code && SOCKET_CODES.has(code)) return true;
  // a pg DatabaseError carries its SQLSTATE in `code` and a `severity`
  if (code && 'severity' in e && PG_UNAVAILABLE_STATES.test(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((re) => re.test(message));
}

/**
 * True when `err` says Postgres or Redis cannot be reached right now (rather than that the request or the code is
 * wrong). Looks through `cause` and Prisma's `meta.driverAdapterError` chains.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e) || seen.size > 8) continue;
    seen.add(e);
    const x = e as ErrorLike;
    if (isUnavailableOne(x)) return true;
    queue.push(x.cause, x.meta?.driverAdapterError);
  }
  return false;
}

/**
 * Refuses a request with 503 while this Redis connection is lost (it was ready and is reconnecting) — for writes
 * whose work must be queued (an upload the image worker has to process), so nothing is accepted that would then
 * sit unprocessed. A connection still making its first connection lets the request through (its commands wait).
 */
export function requireRedisReady(redis: { status: string }): RequestHandler {
  return (_req, _res, next) => {
    next(isRedisLost(redis) ? serviceUnavailable() : undefined);
  };
}

import { describe, expect, it } from 'vitest';
import { DomainError } from '@exam/domain';
import { toErrorResponse } from './errors.js';
import { isDependencyUnavailable } from './unavailable.js';

const named = (name: string, props: Record<string, unknown> = {}, message = 'x') => Object.assign(new Error(message), { name }, props);

describe('dependency unavailable → 503', () => {
  it('recognises Postgres and Redis being away, as Prisma, pg, ioredis and the rate limiter report it', () => {
    const unavailable = [
      named('PrismaClientKnownRequestError', { code: 'P1001' }), // can't reach the server
      named('PrismaClientKnownRequestError', { code: 'P1017' }), // server closed the connection
      named('PrismaClientKnownRequestError', { code: 'P2024' }), // pool timeout
      // a raw query cut by `pg_ctl stop -m fast`
      named('PrismaClientKnownRequestError', {
        code: 'P2010',
        meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '57P01', severity: 'FATAL' } } },
      }),
      named('PrismaClientKnownRequestError', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } }),
      named('DriverAdapterError', { cause: { kind: 'ConnectionClosed' } }),
      named('PrismaClientInitializationError'),
      named('error', { code: '57P03', severity: 'FATAL' }, 'the database system is starting up'),
      named('Error', { code: 'ECONNREFUSED', syscall: 'connect' }),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
      new Error('Connection is closed.'),
      new Error('Redis connection is not ready'),
      named('MaxRetriesPerRequestError', {}, 'Reached the max retries per request limit (which is 1).'),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('wrapped'), { cause: new Error('Command timed out') }),
      // the object store's own 5xx after the SDK's retries (S3 SlowDown / InternalError)
      named('SlowDown', { $fault: 'server', $metadata: { httpStatusCode: 503 } }, 'Please reduce your request rate.'),
    ];
    for (const e of unavailable) expect(isDependencyUnavailable(e), String(e)).toBe(true);
  });

  it('leaves every other error alone', () => {
    const others = [
      new Error('boom'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      named('PrismaClientKnownRequestError', { code: 'P2002' }), // unique violation
      named('PrismaClientKnownRequestError', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '23505' } } } }),
      named('error', { code: '40001', severity: 'ERROR' }, 'could not serialize access'),
      new DomainError('NOT_FOUND', '记录不存在', 404),
      named('AccessDenied', { $fault: 'client', $metadata: { httpStatusCode: 403 } }, 'Access Denied'), // a misconfiguration: 500, loudly
      'a string',
      null,
    ];
    for (const e of others) expect(isDependencyUnavailable(e), String(e)).toBe(false);
  });

  it('answers in the one error shape with a Chinese message', () => {
    expect(toErrorResponse(named('PrismaClientKnownRequestError', { code: 'P1001' }))).toEqual({
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' } },
    });
    expect(toErrorResponse(new Error('boom'))).toBeUndefined();
  });
});

import { Redis, type RedisOptions } from 'ioredis';

/**
 * One ioredis connection. Workers need `maxRetriesPerRequest: null` (BullMQ blocks on it);
 * producers fail fast instead so an HTTP request is not held when Redis is down.
 * Connections you create are yours to `quit()`: BullMQ's close() does not close them.
 */
export function createRedisConnection(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
    ...extra,
  });
}

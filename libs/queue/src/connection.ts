import { Redis, type RedisOptions } from 'ioredis';

/** A command on a producer connection that gets no answer within this long fails ("Command timed out"). */
export const PRODUCER_COMMAND_TIMEOUT_MS = 2_000;
/** The longest wait between two reconnection attempts while Redis is away. */
export const RECONNECT_MAX_DELAY_MS = 1_000;

/**
 * Connection options by role.
 * - `worker`: BullMQ Workers block on their connection, so commands wait for Redis (`maxRetriesPerRequest: null`,
 *   offline queue on) — a worker simply resumes when Redis is back.
 * - `producer`: the request path (services: enqueueing, login throttle, readiness) and the workers' own enqueueing.
 *   It fails fast instead of holding a request while Redis is down: once connected, no offline queue (a command
 *   issued while the connection is not ready fails at once — see createRedisConnection), one retry at most, and a
 *   command timeout for a Redis that accepts the connection but does not answer. Reconnection itself goes on in the
 *   background as usual.
 */
export function redisOptionsFor(role: 'producer' | 'worker'): RedisOptions {
  // reconnect attempts 50 ms, 100 ms, … then every second (ioredis' default backs off to 2 s): back soon after Redis is
  const retryStrategy = (times: number) => Math.min(times * 50, RECONNECT_MAX_DELAY_MS);
  if (role === 'worker') return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, retryStrategy };
  return {
    retryStrategy,
    maxRetriesPerRequest: 1,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    connectTimeout: 5_000,
    enableReadyCheck: true,
    lazyConnect: false,
  };
}

const connectedOnce = new WeakSet<object>();

/**
 * One ioredis connection (options: `redisOptionsFor(role)`). A producer connection queues the commands issued before
 * its FIRST connection (a process starting next to Redis does not fail its first requests; with Redis down at
 * start they fail after one retry) and turns the offline queue off once ready: from then on, while Redis is away,
 * commands fail at once (the error handler answers 503) instead of waiting for Redis to come back.
 * Connections you create are yours to `quit()`: BullMQ's close() does not close them.
 */
export function createRedisConnection(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { ...redisOptionsFor(role), ...extra });
  redis.once('ready', () => {
    connectedOnce.add(redis);
    if (role === 'producer' && extra.enableOfflineQueue === undefined) redis.options.enableOfflineQueue = false;
  });
  return redis;
}

/**
 * True when this connection (one of createRedisConnection's) was ready once and is not now: Redis is away, and
 * the connection is reconnecting. A connection still making its first connection is not "lost".
 */
export function isRedisLost(redis: { status: string }): boolean {
  return connectedOnce.has(redis) && redis.status !== 'ready';
}

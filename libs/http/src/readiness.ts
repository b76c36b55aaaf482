import { isRedisLost } from '@exam/queue';

/** A readiness probe: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessResult {
  ok: boolean;
  checks: Record<string, 'ok' | 'fail'>;
  failed: string[];
  errors: Record<string, unknown>;
}

const TIMEOUT_MS = 3000;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check in parallel (each with a timeout). */
export async function runReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = TIMEOUT_MS): Promise<ReadinessResult> {
  const names = Object.keys(checks);
  const settled = await Promise.allSettled(names.map((n) => withTimeout(Promise.resolve().then(checks[n]), timeoutMs)));
  const result: ReadinessResult = { ok: true, checks: {}, failed: [], errors: {} };
  settled.forEach((s, i) => {
    const name = names[i] as string;
    if (s.status === 'fulfilled') {
      result.checks[name] = 'ok';
    } else {
      result.ok = false;
      result.checks[name] = 'fail';
      result.failed.push(name);
      result.errors[name] = s.reason;
    }
  });
  return result;
}

/** `SELECT 1` through Prisma (anything with `$queryRaw`). */
export function pgReadiness(prisma: { $queryRaw: (query: TemplateStringsArray) => PromiseLike<unknown> }): ReadinessCheck {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
}

/**
 * `PING` through ioredis (anything with `ping()`). A connection that was lost (Redis down, reconnecting) fails at
 * once instead of waiting for the timeout (a worker connection would hold the PING until Redis is back).
 */
export function redisReadiness(redis: { ping: () => Promise<string>; status?: string }): ReadinessCheck {
  return async () => {
    if (redis.status !== undefined && isRedisLost(redis as { status: string })) throw new Error(`redis connection ${redis.status}`);
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING answer`);
  };
}

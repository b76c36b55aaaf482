import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LoginStepName } from '@exam/api';

/** A staff login between the right password and the session: which account, and which step it is at. */
export interface PendingLogin {
  userId: string;
  step: LoginStepName;
}

export interface PendingLoginStore {
  /** Returns the opaque token for the HttpOnly pending-login cookie. */
  start(p: PendingLogin): Promise<string>;
  get(token: string): Promise<PendingLogin | null>;
  /** Moves the login on to its next step (same token). */
  advance(token: string, step: LoginStepName): Promise<void>;
  end(token: string): Promise<void>;
}

/** 10 minutes to finish the second factor. Only sha256(token) is a Redis key. */
export const PENDING_LOGIN_SECONDS = 600;

export function createPendingLoginStore(redis: Redis, prefix: string): PendingLoginStore {
  const key = (token: string) => `${prefix}:pending-login:${createHash('sha256').update(token).digest('hex')}`;
  return {
    async start(p) {
      const token = randomBytes(32).toString('base64url');
      await redis.set(key(token), JSON.stringify(p), 'EX', PENDING_LOGIN_SECONDS);
      return token;
    },
    async get(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const raw = await redis.get(key(token));
      if (!raw) return null;
      const v = JSON.parse(raw) as Partial<PendingLogin>;
      return typeof v.userId === 'string' && typeof v.step === 'string' ? { userId: v.userId, step: v.step } : null;
    },
    async advance(token, step) {
      const raw = await redis.get(key(token));
      if (!raw) return;
      const v = JSON.parse(raw) as PendingLogin;
      await redis.set(key(token), JSON.stringify({ ...v, step }), 'KEEPTTL');
    },
    async end(token) {
      await redis.del(key(token));
    },
  };
}

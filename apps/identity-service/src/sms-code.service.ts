import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '@exam/db';
import type { SmsCodeSent } from '@exam/api';
import { DomainError, newUuidV7 } from '@exam/domain';
import { ACCOUNT_CODE_TEMPLATE, type SmsSender } from '@exam/notify';

export type CodePurpose = 'ACTIVATE' | 'RESET_PASSWORD';

/** A code lives 5 minutes and survives 5 wrong tries; a new one may be asked for after a minute, 10 a day. */
export const SMS_CODE_RULES = Object.freeze({ ttlSeconds: 300, maxAttempts: 5, resendSeconds: 60, perDay: 10 });

export interface SmsCodeService {
  /** Makes a new code (the earlier ones of the same purpose stop working) and texts it to `phone`. */
  send(candidate: { id: string; phone: string }, purpose: CodePurpose): Promise<SmsCodeSent>;
  /** true once for the right code of the candidate's newest live code; every call counts toward its 5 tries. */
  consume(candidateId: string, purpose: CodePurpose, code: string): Promise<boolean>;
}

/** 138****5678: enough for the candidate to recognise their number, not enough to learn it. */
export function maskPhone(phone: string): string {
  const p = phone.replace(/\s+/g, '');
  return p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****';
}

export function createSmsCodeService(deps: {
  prisma: PrismaClient;
  redis: Redis;
  prefix: string;
  sms: SmsSender;
  /** 32-byte service secret (base64); the code-hash key is derived from it (HKDF) */
  secretB64: string;
  now?: () => Date;
}): SmsCodeService {
  const { prisma, sms } = deps;
  const now = deps.now ?? (() => new Date());
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(deps.secretB64, 'base64'), Buffer.alloc(0), 'exam sms-code v1', 32));
  // keyed: a leaked table of code hashes cannot be brute-forced over the 10^6 codes without the key
  const hash = (rowId: string, code: string) => createHmac('sha256', key).update(`${rowId}:${code}`).digest('hex');
  const common = { storeClient: deps.redis, rejectIfRedisNotReady: true } as const;
  const perMinute = new RateLimiterRedis({ ...common, keyPrefix: `${deps.prefix}:sms-code:min`, points: 1, duration: SMS_CODE_RULES.resendSeconds });
  const perDay = new RateLimiterRedis({ ...common, keyPrefix: `${deps.prefix}:sms-code:day`, points: SMS_CODE_RULES.perDay, duration: 86_400 });

  async function take(limiter: RateLimiterRedis, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const secs = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      const wait = secs < 120 ? `${secs} 秒` : `${Math.ceil(secs / 3600)} 小时`;
      throw new DomainError('CODE_THROTTLED', `验证码发送过于频繁，请 ${wait}后再获取`, 429, { retryAfterSeconds: secs });
    }
  }

  return {
    async send(candidate, purpose) {
      const k = `${purpose}:${candidate.id}`;
      await take(perMinute, k);
      try {
        await take(perDay, k);
      } catch (e) {
        await perMinute.reward(k, 1);
        throw e;
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const at = now();
      const row = await prisma.$transaction(async (tx) => {
        await tx.verificationCode.updateMany({
          where: { candidateId: candidate.id, purpose, consumedAt: null },
          data: { consumedAt: at },
        });
        const id = newUuidV7(); // known before the insert: the hash binds the code to its row
        return tx.verificationCode.create({
          data: { id, candidateId: candidate.id, purpose, codeHash: hash(id, code), expiresAt: new Date(at.getTime() + SMS_CODE_RULES.ttlSeconds * 1000) },
          select: { id: true },
        });
      });
      try {
        await sms.send({
          to: candidate.phone,
          templateCode: ACCOUNT_CODE_TEMPLATE,
          params: { code, action: purpose === 'ACTIVATE' ? '账号激活' : '找回密码' },
        });
      } catch {
        // never leave a live code nobody received; the candidate may ask again at once
        await prisma.verificationCode.updateMany({ where: { id: row.id }, data: { consumedAt: now() } });
        await Promise.all([perMinute.reward(k, 1), perDay.reward(k, 1)]);
        throw new DomainError('SMS_UNAVAILABLE', '短信发送失败，请稍后重试', 503);
      }
      return { phone: maskPhone(candidate.phone), expiresInSeconds: SMS_CODE_RULES.ttlSeconds, resendInSeconds: SMS_CODE_RULES.resendSeconds };
    },

    async consume(candidateId, purpose, code) {
      const at = now();
      const row = await prisma.verificationCode.findFirst({
        where: { candidateId, purpose, consumedAt: null, expiresAt: { gt: at } },
        orderBy: { createdAt: 'desc' },
        select: { id: true, codeHash: true },
      });
      if (!row) return false;
      // count the try first (atomically): the 6th try of a code fails even if right, however the tries race
      const counted = await prisma.verificationCode.updateMany({
        where: { id: row.id, consumedAt: null, attempts: { lt: SMS_CODE_RULES.maxAttempts } },
        data: { attempts: { increment: 1 } },
      });
      if (counted.count !== 1) return false;
      const given = Buffer.from(hash(row.id, code), 'utf8');
      const stored = Buffer.from(row.codeHash, 'utf8');
      if (given.length !== stored.length || !timingSafeEqual(given, stored)) return false;
      const used = await prisma.verificationCode.updateMany({ where: { id: row.id, consumedAt: null }, data: { consumedAt: at } });
      return used.count === 1;
    },
  };
}

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@exam/db';
import { LAUNCH_ERRORS, LAUNCH_LINK_MALFORMED_MESSAGE, type LaunchLinkRequest, type SessionUser } from '@exam/api';
import { DomainError } from '@exam/domain';
import type { Logger } from '@exam/http';
import {
  candidateSessionUser,
  launchNonceTtlSeconds,
  verifyLaunchLink,
  writeAudit,
  type AuthThrottle,
  type LaunchKeyring,
  type LaunchLinkFields,
  type LaunchRefusal,
  type NewSession,
  type SessionService,
} from '@exam/auth';
import { candidateAccount } from './identity.service.js';

/**
 * Consumes the registration system's signed launch link (docs/INTEGRATION.md §1):
 * verify (libs/auth, pure) → the nonce remembered in Redis (SET NX, until the link has expired) → the candidate of
 * that exam year → a session (activated) or the activation step (not activated). Every refusal: a specific Chinese
 * 4xx, an audit row and a warning, never with the signature.
 */
export interface LaunchLinkServiceDeps {
  prisma: PrismaClient;
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX) */
  prefix: string;
  sessions: SessionService;
  throttle: AuthThrottle;
  /** LAUNCH_LINK_KEYS parsed; empty: every link is refused as unknown-key */
  keys: LaunchKeyring;
  logger: Logger;
  now?: () => Date;
}

export type LaunchOutcome =
  | { kind: 'session'; user: SessionUser; session: NewSession; account: string }
  | { kind: 'activate'; registrationNo: string };

export interface LaunchLinkService {
  launch(input: LaunchLinkRequest, ctx: { ip: string }): Promise<LaunchOutcome>;
}

const AGAIN = '请回到报名系统重新点击【上传相关材料】，或直接用报名号和密码登录。';

/** Why a link was refused → the code and message the page shows (docs/INTEGRATION.md §1 "What the candidate sees"). */
const REFUSALS: Record<LaunchRefusal | 'USED' | 'NO_CANDIDATE', () => DomainError> = {
  MALFORMED: () => new DomainError(LAUNCH_ERRORS.INVALID, LAUNCH_LINK_MALFORMED_MESSAGE, 400, { reason: 'MALFORMED' }),
  BAD_SIGNATURE: () =>
    new DomainError(LAUNCH_ERRORS.INVALID, `链接无效：链接内容被修改或签名不正确。${AGAIN}`, 400, { reason: 'BAD_SIGNATURE' }),
  TOO_FAR_FUTURE: () =>
    new DomainError(LAUNCH_ERRORS.INVALID, `链接无效：链接的有效期不正确（最长 10 分钟）。${AGAIN}`, 400, { reason: 'TOO_FAR_FUTURE' }),
  UNKNOWN_KEY: () =>
    new DomainError(LAUNCH_ERRORS.UNKNOWN_KEY, `链接无效：签名密钥未知或已停用。${AGAIN}`, 400, { reason: 'UNKNOWN_KEY' }),
  EXPIRED: () => new DomainError(LAUNCH_ERRORS.EXPIRED, `链接已过期（有效期 10 分钟）。${AGAIN}`, 410, { reason: 'EXPIRED' }),
  USED: () => new DomainError(LAUNCH_ERRORS.USED, `链接已被使用，每个链接只能使用一次。${AGAIN}`, 409, { reason: 'USED' }),
  NO_CANDIDATE: () =>
    new DomainError(
      LAUNCH_ERRORS.NO_CANDIDATE,
      '未找到报名信息：本系统中没有该报名号的考生（考区可能尚未导入报名名单）。请稍后再试或联系报考考点。',
      404,
      { reason: 'NO_CANDIDATE' },
    ),
};

/** The Redis key remembering a used nonce: hashed, so whatever a link carries never becomes a key name. */
export const launchNonceKey = (prefix: string, kid: string, nonce: string) =>
  `${prefix}:launch-nonce:${createHash('sha256').update(`${kid}\n${nonce}`).digest('hex')}`;

export function createLaunchLinkService(deps: LaunchLinkServiceDeps): LaunchLinkService {
  const { prisma, redis, prefix, sessions, throttle, keys, logger } = deps;
  const now = deps.now ?? (() => new Date());

  const refuse = async (
    reason: keyof typeof REFUSALS,
    ctx: { ip: string },
    extra: { kid?: string; registrationNo?: string; examYear?: string; candidateId?: string | null },
  ): Promise<never> => {
    logger.warn({ reason, kid: extra.kid ?? null, ip: ctx.ip }, 'launch link refused');
    await writeAudit(prisma, {
      actorType: 'CANDIDATE',
      actorId: extra.candidateId ?? null,
      action: 'identity.launch_refused',
      targetType: 'candidate',
      targetId: extra.candidateId ?? null,
      candidateId: extra.candidateId ?? null,
      ip: ctx.ip,
      details: { reason, kid: extra.kid ?? null, account: extra.registrationNo ?? null, examYear: extra.examYear ?? null },
    });
    throw REFUSALS[reason]();
  };

  /** The candidate of that 报名号 in the exam year of that code (codes are unique per district: more than one → refused). */
  const findCandidate = async (link: LaunchLinkFields) => {
    const found = await prisma.candidate.findMany({
      where: { registrationNo: link.registrationNo, examYear: { code: link.examYear } },
      include: { site: { select: { name: true } }, examYear: { select: { districtCode: true } } },
      take: 2,
    });
    return found.length === 1 ? found[0]! : null;
  };

  return {
    async launch(input, ctx) {
      // counted per client IP (its own account bucket and the IP/network buckets of every auth route) before judging
      const attempt = await throttle.begin({ action: 'login', account: `launch:${ctx.ip}`, ip: ctx.ip });
      const nowSeconds = Math.floor(now().getTime() / 1000);
      const verdict = verifyLaunchLink(input, keys, nowSeconds);
      if (!verdict.ok) {
        await throttle.failed(attempt);
        return refuse(verdict.reason, ctx, {
          ...(verdict.kid ? { kid: verdict.kid } : {}),
          ...(verdict.reason === 'MALFORMED' ? {} : { registrationNo: input.rn, examYear: input.yr }),
        });
      }
      const { link } = verdict;
      const who = { kid: link.kid, registrationNo: link.registrationNo, examYear: link.examYear };
      // once: the first request that stores the nonce wins, however many race
      const stored = await redis.set(launchNonceKey(prefix, link.kid, link.nonce), '1', 'EX', launchNonceTtlSeconds(link, nowSeconds), 'NX');
      if (stored !== 'OK') {
        await throttle.failed(attempt);
        return refuse('USED', ctx, who);
      }
      const c = await findCandidate(link);
      if (!c) {
        await throttle.failed(attempt);
        return refuse('NO_CANDIDATE', ctx, who);
      }
      await throttle.succeeded(attempt);
      if (!c.passwordHash) {
        // no session: the candidate still proves the phone on file (SMS code) and sets a password at 账号激活
        await writeAudit(prisma, {
          actorType: 'CANDIDATE',
          actorId: c.id,
          action: 'identity.launch_to_activation',
          targetType: 'candidate',
          targetId: c.id,
          candidateId: c.id,
          ip: ctx.ip,
          details: { method: 'launch-link', kid: link.kid },
        });
        return { kind: 'activate', registrationNo: c.registrationNo };
      }
      const session = await sessions.create({ role: 'CANDIDATE', candidateId: c.id });
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c.id,
        action: 'identity.login',
        targetType: 'candidate',
        targetId: c.id,
        candidateId: c.id,
        ip: ctx.ip,
        details: { method: 'launch-link', kid: link.kid },
      });
      return { kind: 'session', user: candidateSessionUser(c), session, account: candidateAccount(c.registrationNo) };
    },
  };
}

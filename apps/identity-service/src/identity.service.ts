import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@exam/db';
import type { ActivateRequest, LoginRequest, SessionUser } from '@exam/api';
import { DomainError } from '@exam/domain';
import {
  candidateSessionUser,
  failureUpdate,
  hashIdNumber,
  hashPassword,
  idNumberHashEquals,
  isLocked,
  lockMinutesLeft,
  needsRehash,
  staffSessionUser,
  throttledError,
  verifyPassword,
  writeAudit,
  type LoginThrottle,
  type NewSession,
  type SessionService,
} from '@exam/auth';

export interface IdentityServiceDeps {
  prisma: PrismaClient;
  sessions: SessionService;
  throttle: LoginThrottle;
  /** ID_HASH_KEY (base64) for the ID-number look-up hash. */
  idHashKey: string;
  now?: () => Date;
}

export interface LoginResult {
  user: SessionUser;
  session: NewSession;
}

export interface IdentityService {
  login(input: LoginRequest, ip: string): Promise<LoginResult>;
  activate(input: ActivateRequest, ip: string): Promise<LoginResult>;
}

const authFailed = () => new DomainError('AUTH_FAILED', '账号或密码错误', 401);
const activationFailed = () => new DomainError('ACTIVATION_FAILED', '报名号或身份证件号码不正确', 400);
const notActivated = () => new DomainError('NOT_ACTIVATED', '首次登录请先激活账号', 409);
const alreadyActivated = () => new DomainError('ALREADY_ACTIVATED', '账号已激活，请直接登录', 409);
const disabled = () => new DomainError('ACCOUNT_DISABLED', '账号已停用，请联系管理员', 403);

const candidateInclude = {
  site: { select: { name: true } },
  examYear: { select: { districtCode: true } },
} as const;

export function createIdentityService(deps: IdentityServiceDeps): IdentityService {
  const { prisma, sessions, throttle } = deps;
  const now = deps.now ?? (() => new Date());
  // Unknown accounts spend the same scrypt time as known ones (no timing oracle for account existence).
  let dummyHash: Promise<string> | undefined;
  const burnHashTime = async (password: string) => {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
  };

  /** The candidate with this registration number in the most recent exam year. */
  const findCandidate = (registrationNo: string) =>
    prisma.candidate.findFirst({
      where: { registrationNo },
      orderBy: [{ examYear: { uploadStart: 'desc' } }, { createdAt: 'desc' }],
      include: candidateInclude,
    });

  async function candidateFailure(id: string): Promise<void> {
    const { failedLogins } = await prisma.candidate.update({
      where: { id },
      data: { failedLogins: { increment: 1 } },
      select: { failedLogins: true },
    });
    const upd = failureUpdate(failedLogins, now());
    if (upd.lockedUntil) await prisma.candidate.update({ where: { id }, data: upd });
  }
  async function userFailure(id: string): Promise<void> {
    const { failedLogins } = await prisma.user.update({
      where: { id },
      data: { failedLogins: { increment: 1 } },
      select: { failedLogins: true },
    });
    const upd = failureUpdate(failedLogins, now());
    if (upd.lockedUntil) await prisma.user.update({ where: { id }, data: upd });
  }

  async function loginCandidate(registrationNo: string, password: string, ip: string): Promise<LoginResult> {
    const key = `cand:${registrationNo}`;
    await throttle.check(key, ip);
    const c = await findCandidate(registrationNo);
    const fail = async (reason: string) => {
      await throttle.recordFailure(key, ip);
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c?.id ?? null,
        action: 'identity.login_failed',
        targetType: 'candidate',
        targetId: c?.id ?? null,
        candidateId: c?.id ?? null,
        ip,
        details: { reason, account: registrationNo },
      });
      return authFailed();
    };
    if (!c) {
      await burnHashTime(password);
      throw await fail('unknown_account');
    }
    if (isLocked(c, now())) throw throttledError(lockMinutesLeft(c.lockedUntil as Date, now()));
    if (!c.passwordHash) throw notActivated();
    if (!(await verifyPassword(password, c.passwordHash))) {
      await candidateFailure(c.id);
      throw await fail('bad_password');
    }
    await throttle.reset(key);
    const data: { failedLogins?: number; lockedUntil?: null; passwordHash?: string } = {};
    if (c.failedLogins !== 0 || c.lockedUntil) Object.assign(data, { failedLogins: 0, lockedUntil: null });
    if (needsRehash(c.passwordHash)) data.passwordHash = await hashPassword(password);
    if (Object.keys(data).length) await prisma.candidate.update({ where: { id: c.id }, data });
    const session = await sessions.create({ role: 'CANDIDATE', candidateId: c.id });
    await writeAudit(prisma, {
      actorType: 'CANDIDATE',
      actorId: c.id,
      action: 'identity.login',
      targetType: 'candidate',
      targetId: c.id,
      candidateId: c.id,
      ip,
    });
    return { user: candidateSessionUser(c), session };
  }

  async function loginStaff(username: string, password: string, ip: string): Promise<LoginResult> {
    const key = `staff:${username.toLowerCase()}`;
    await throttle.check(key, ip);
    const u = await prisma.user.findUnique({ where: { username }, include: { site: { select: { name: true } } } });
    const fail = async (reason: string) => {
      await throttle.recordFailure(key, ip);
      await writeAudit(prisma, {
        actorType: 'STAFF',
        actorId: u?.id ?? null,
        action: 'identity.login_failed',
        targetType: 'user',
        targetId: u?.id ?? null,
        ip,
        details: { reason, account: username },
      });
      return authFailed();
    };
    if (!u) {
      await burnHashTime(password);
      throw await fail('unknown_account');
    }
    if (isLocked(u, now())) throw throttledError(lockMinutesLeft(u.lockedUntil as Date, now()));
    if (!(await verifyPassword(password, u.passwordHash))) {
      await userFailure(u.id);
      throw await fail('bad_password');
    }
    if (u.disabledAt) {
      await writeAudit(prisma, {
        actorType: 'STAFF',
        actorId: u.id,
        action: 'identity.login_failed',
        targetType: 'user',
        targetId: u.id,
        ip,
        details: { reason: 'disabled' },
      });
      throw disabled();
    }
    await throttle.reset(key);
    const data: { failedLogins?: number; lockedUntil?: null; passwordHash?: string } = {};
    if (u.failedLogins !== 0 || u.lockedUntil) Object.assign(data, { failedLogins: 0, lockedUntil: null });
    if (needsRehash(u.passwordHash)) data.passwordHash = await hashPassword(password);
    if (Object.keys(data).length) await prisma.user.update({ where: { id: u.id }, data });
    const session = await sessions.create({ role: u.role, userId: u.id });
    await writeAudit(prisma, { actorType: 'STAFF', actorId: u.id, action: 'identity.login', targetType: 'user', targetId: u.id, ip });
    return { user: staffSessionUser(u), session };
  }

  return {
    login(input, ip) {
      return input.kind === 'candidate'
        ? loginCandidate(input.registrationNo, input.password, ip)
        : loginStaff(input.username, input.password, ip);
    },

    async activate(input, ip) {
      const key = `cand:${input.registrationNo}`;
      await throttle.check(key, ip);
      const c = await findCandidate(input.registrationNo);
      const idHash = hashIdNumber(deps.idHashKey, input.idNumber);
      if (!c || !idNumberHashEquals(idHash, c.idNumberHash)) {
        await throttle.recordFailure(key, ip);
        await writeAudit(prisma, {
          actorType: 'CANDIDATE',
          actorId: c?.id ?? null,
          action: 'identity.activate_failed',
          targetType: 'candidate',
          targetId: c?.id ?? null,
          candidateId: c?.id ?? null,
          ip,
          details: { reason: c ? 'id_number_mismatch' : 'unknown_account', account: input.registrationNo },
        });
        throw activationFailed();
      }
      // Only someone who knows the ID number learns that the account is already active.
      if (c.passwordHash) throw alreadyActivated();
      if (isLocked(c, now())) throw throttledError(lockMinutesLeft(c.lockedUntil as Date, now()));
      const passwordHash = await hashPassword(input.password);
      const at = now();
      const updated = await prisma.candidate.updateMany({
        where: { id: c.id, passwordHash: null },
        data: { passwordHash, activatedAt: at, failedLogins: 0, lockedUntil: null },
      });
      if (updated.count !== 1) throw alreadyActivated();
      await throttle.reset(key);
      const session = await sessions.create({ role: 'CANDIDATE', candidateId: c.id });
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c.id,
        action: 'identity.activate',
        targetType: 'candidate',
        targetId: c.id,
        candidateId: c.id,
        ip,
      });
      return { user: candidateSessionUser(c), session };
    },
  };
}

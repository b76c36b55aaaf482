import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@exam/db';
import type {
  ActivateRequest,
  ChangePasswordRequest,
  LoginRequest,
  LoginStep,
  SessionUser,
  SmsCodeRequest,
  SmsCodeSent,
  TotpEnrollRequest,
  TotpLoginRequest,
} from '@exam/api';
import { DomainError } from '@exam/domain';
import {
  assertAcceptablePassword,
  candidateSessionUser,
  hashIdNumber,
  hashPassword,
  hashRecoveryCode,
  idNumberHashEquals,
  needsRehash,
  newRecoveryCodes,
  newTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  staffSessionUser,
  totpUri,
  verifyPassword,
  verifyTotp,
  writeAudit,
  type AuthAction,
  type AuthThrottle,
  type NewSession,
  type SessionService,
} from '@exam/auth';
import type { PendingLoginStore } from './pending-login.js';
import type { CodePurpose, SmsCodeService } from './sms-code.service.js';

export interface IdentityServiceDeps {
  prisma: PrismaClient;
  sessions: SessionService;
  throttle: AuthThrottle;
  pending: PendingLoginStore;
  codes: SmsCodeService;
  /** ID_HASH_KEY (base64): the ID-number look-up hash, and (through HKDF) the TOTP-secret sealing key. */
  idHashKey: string;
  now?: () => Date;
}

/** Who is asking, as the routes know it. */
export interface RequestContext {
  ip: string;
  /** The device id of this browser's device-trust cookie if it names `account` (see libs/auth device-trust). */
  trustedDevice(account: string): string | null;
}

/** A finished login: the session to set, and the account key the browser's device cookie should remember. */
export interface SessionOutcome {
  kind: 'session';
  user: SessionUser;
  session: NewSession;
  account: string;
}
/** A staff login waiting for its next step; `pendingToken` is set when a new pending login began. */
export interface StepOutcome {
  kind: 'step';
  step: LoginStep;
  pendingToken?: string;
}
export type LoginOutcome = SessionOutcome | StepOutcome;

export interface IdentityService {
  login(input: LoginRequest, ctx: RequestContext): Promise<LoginOutcome>;
  /** TOTP step: the authenticator code or one recovery code. */
  verifySecondFactor(pendingToken: string | undefined, input: TotpLoginRequest, ctx: RequestContext): Promise<LoginOutcome>;
  /** TOTP_ENROLL step: the first code proves the app holds the secret; answers the recovery codes once. */
  enrollSecondFactor(
    pendingToken: string | undefined,
    input: TotpEnrollRequest,
    ctx: RequestContext,
  ): Promise<LoginOutcome & { recoveryCodes: string[] }>;
  /** CHANGE_PASSWORD step (an admin reset the password). */
  changePassword(pendingToken: string | undefined, input: ChangePasswordRequest, ctx: RequestContext): Promise<SessionOutcome>;
  /** Texts a code to the phone on file for activation or a password reset. */
  sendCode(purpose: CodePurpose, input: SmsCodeRequest, ctx: RequestContext): Promise<SmsCodeSent>;
  activate(input: ActivateRequest, ctx: RequestContext): Promise<SessionOutcome>;
  resetPassword(input: ActivateRequest, ctx: RequestContext): Promise<SessionOutcome>;
}

const CANDIDATE_AUTH_FAILED = '报名号或密码错误。首次登录请先激活账号';
const authFailed = (message: string) => new DomainError('AUTH_FAILED', message, 401);
const activationFailed = () => new DomainError('ACTIVATION_FAILED', '报名号或身份证件号码不正确', 400);
const alreadyActivated = () => new DomainError('ALREADY_ACTIVATED', '账号已激活，请直接登录；忘记密码可通过“找回密码”重置', 409);
const notActivated = () => new DomainError('NOT_ACTIVATED', '账号尚未激活，请先激活账号', 409);
const noPhone = () => new DomainError('NO_PHONE', '报名信息中没有手机号，无法发送验证码，请联系报考考点', 409);
const codeInvalid = () => new DomainError('CODE_INVALID', '验证码不正确或已过期，请重新获取', 400, { field: 'code' });
const disabled = () => new DomainError('ACCOUNT_DISABLED', '账号已停用，请联系管理员', 403);
const loginExpired = () => new DomainError('LOGIN_EXPIRED', '登录已超时，请重新登录', 401);
const totpInvalid = () => new DomainError('TOTP_INVALID', '验证码不正确，请输入身份验证器当前显示的 6 位数字', 401, { field: 'code' });

const candidateInclude = {
  site: { select: { name: true } },
  examYear: { select: { districtCode: true } },
} as const;
const userInclude = { site: { select: { name: true } } } as const;

export const candidateAccount = (registrationNo: string) => `cand:${registrationNo}`;
export const staffAccount = (username: string) => `staff:${username.trim().toLowerCase()}`;

export function createIdentityService(deps: IdentityServiceDeps): IdentityService {
  const { prisma, sessions, throttle, pending, codes } = deps;
  const now = deps.now ?? (() => new Date());
  // Unknown and not-yet-activated accounts spend the same scrypt time as a wrong password: no timing oracle.
  let dummyHash: Promise<string> | undefined;
  const checkPassword = async (password: string, hash: string | null | undefined): Promise<boolean> => {
    if (hash) return verifyPassword(password, hash);
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return false;
  };

  /** The candidate with this registration number in the most recent exam year. */
  const findCandidate = (registrationNo: string) =>
    prisma.candidate.findFirst({
      where: { registrationNo },
      orderBy: [{ examYear: { uploadStart: 'desc' } }, { createdAt: 'desc' }],
      include: candidateInclude,
    });

  const begin = (action: AuthAction, account: string, ctx: RequestContext) =>
    throttle.begin({ action, account, ip: ctx.ip, trustedDevice: ctx.trustedDevice(account) });

  async function candidateSession(c: NonNullable<Awaited<ReturnType<typeof findCandidate>>>, ctx: RequestContext, action: string) {
    const session = await sessions.create({ role: 'CANDIDATE', candidateId: c.id });
    await writeAudit(prisma, {
      actorType: 'CANDIDATE',
      actorId: c.id,
      action,
      targetType: 'candidate',
      targetId: c.id,
      candidateId: c.id,
      ip: ctx.ip,
    });
    return { kind: 'session', user: candidateSessionUser(c), session, account: candidateAccount(c.registrationNo) } as const;
  }

  async function loginCandidate(registrationNo: string, password: string, ctx: RequestContext): Promise<LoginOutcome> {
    const account = candidateAccount(registrationNo);
    const attempt = await begin('login', account, ctx);
    const c = await findCandidate(registrationNo);
    if (!(await checkPassword(password, c?.passwordHash))) {
      await throttle.failed(attempt);
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c?.id ?? null,
        action: 'identity.login_failed',
        targetType: 'candidate',
        targetId: c?.id ?? null,
        candidateId: c?.id ?? null,
        ip: ctx.ip,
        details: { reason: !c ? 'unknown_account' : c.passwordHash ? 'bad_password' : 'not_activated', account: registrationNo },
      });
      // one answer for an unknown 报名号, a wrong password and an account not activated yet
      throw authFailed(CANDIDATE_AUTH_FAILED);
    }
    const found = c as NonNullable<typeof c>;
    await throttle.succeeded(attempt);
    if (needsRehash(found.passwordHash as string)) {
      await prisma.candidate.update({ where: { id: found.id }, data: { passwordHash: await hashPassword(password) } });
    }
    return candidateSession(found, ctx, 'identity.login');
  }

  async function staffSession(userId: string, ctx: RequestContext): Promise<SessionOutcome> {
    const u = await prisma.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude });
    if (u.disabledAt) throw disabled();
    const session = await sessions.create({ role: u.role, userId: u.id });
    await writeAudit(prisma, { actorType: 'STAFF', actorId: u.id, action: 'identity.login', targetType: 'user', targetId: u.id, ip: ctx.ip });
    return { kind: 'session', user: staffSessionUser(u), session, account: staffAccount(u.username) };
  }

  /** After the second factor: the password change an admin asked for, or the session. */
  async function afterSecondFactor(token: string, userId: string, ctx: RequestContext): Promise<LoginOutcome> {
    const u = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { mustChangePassword: true } });
    if (u.mustChangePassword) {
      await pending.advance(token, 'CHANGE_PASSWORD');
      return { kind: 'step', step: { step: 'CHANGE_PASSWORD' } };
    }
    await pending.end(token);
    return staffSession(userId, ctx);
  }

  async function enrollmentFor(u: { id: string; username: string }): Promise<LoginStep> {
    // a fresh secret at every enrolment start; it only counts once a code from it was accepted
    const secret = newTotpSecret();
    await prisma.user.update({
      where: { id: u.id },
      data: { totpSecretEnc: sealTotpSecret(deps.idHashKey, u.id, secret), totpLastStep: null },
    });
    return { step: 'TOTP_ENROLL', enrollment: { secret, otpauthUrl: totpUri(secret, u.username) } };
  }

  async function loginStaff(username: string, password: string, ctx: RequestContext): Promise<LoginOutcome> {
    const account = staffAccount(username);
    const attempt = await begin('login', account, ctx);
    const u = await prisma.user.findUnique({ where: { username: username.trim() }, include: userInclude });
    if (!(await checkPassword(password, u?.passwordHash))) {
      await throttle.failed(attempt);
      await writeAudit(prisma, {
        actorType: 'STAFF',
        actorId: u?.id ?? null,
        action: 'identity.login_failed',
        targetType: 'user',
        targetId: u?.id ?? null,
        ip: ctx.ip,
        details: { reason: u ? 'bad_password' : 'unknown_account', account: username },
      });
      throw authFailed('用户名或密码错误');
    }
    const found = u as NonNullable<typeof u>;
    await throttle.succeeded(attempt);
    if (found.disabledAt) {
      await writeAudit(prisma, {
        actorType: 'STAFF',
        actorId: found.id,
        action: 'identity.login_failed',
        targetType: 'user',
        targetId: found.id,
        ip: ctx.ip,
        details: { reason: 'disabled' },
      });
      throw disabled();
    }
    if (needsRehash(found.passwordHash)) {
      await prisma.user.update({ where: { id: found.id }, data: { passwordHash: await hashPassword(password) } });
    }
    const step: LoginStep = found.totpEnabledAt ? { step: 'TOTP' } : await enrollmentFor(found);
    const pendingToken = await pending.start({ userId: found.id, step: step.step });
    return { kind: 'step', step, pendingToken };
  }

  async function pendingAt(token: string | undefined, step: LoginStep['step']) {
    const p = token ? await pending.get(token) : null;
    if (!p || !token) throw loginExpired();
    if (p.step !== step) throw new DomainError('LOGIN_STEP', '登录步骤不正确，请重新登录', 409);
    return { token, userId: p.userId };
  }

  /** Check of a candidate's 报名号 + ID number (counted in the action's buckets). */
  async function provenCandidate(action: AuthAction, input: SmsCodeRequest, ctx: RequestContext) {
    const account = candidateAccount(input.registrationNo);
    const attempt = await begin(action, account, ctx);
    const c = await findCandidate(input.registrationNo);
    if (!c || !idNumberHashEquals(hashIdNumber(deps.idHashKey, input.idNumber), c.idNumberHash)) {
      await throttle.failed(attempt);
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c?.id ?? null,
        action: `identity.${action.replace('-', '_')}_failed`,
        targetType: 'candidate',
        targetId: c?.id ?? null,
        candidateId: c?.id ?? null,
        ip: ctx.ip,
        details: { reason: c ? 'id_number_mismatch' : 'unknown_account', account: input.registrationNo },
      });
      throw activationFailed();
    }
    return { c, attempt };
  }

  /** Activation and reset: ID number + the SMS code + an acceptable new password. */
  async function setPasswordWithCode(purpose: CodePurpose, input: ActivateRequest, ctx: RequestContext): Promise<SessionOutcome> {
    // the password rule first: a weak password must not use up the code
    assertAcceptablePassword(input.password, { registrationNo: input.registrationNo, idNumber: input.idNumber });
    const action: AuthAction = purpose === 'ACTIVATE' ? 'activate' : 'reset';
    const { c, attempt } = await provenCandidate(action, input, ctx);
    if (purpose === 'ACTIVATE' && c.passwordHash) {
      await throttle.succeeded(attempt);
      throw alreadyActivated();
    }
    if (purpose === 'RESET_PASSWORD' && !c.passwordHash) {
      await throttle.succeeded(attempt);
      throw notActivated();
    }
    if (!(await codes.consume(c.id, purpose, input.code))) {
      await throttle.failed(attempt);
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c.id,
        action: `identity.${action.replace('-', '_')}_failed`,
        targetType: 'candidate',
        targetId: c.id,
        candidateId: c.id,
        ip: ctx.ip,
        details: { reason: 'bad_code' },
      });
      throw codeInvalid();
    }
    await throttle.succeeded(attempt);
    const passwordHash = await hashPassword(input.password);
    if (purpose === 'ACTIVATE') {
      const updated = await prisma.candidate.updateMany({
        where: { id: c.id, passwordHash: null },
        data: { passwordHash, activatedAt: now() },
      });
      if (updated.count !== 1) throw alreadyActivated();
      return candidateSession(c, ctx, 'identity.activate');
    }
    await prisma.candidate.update({ where: { id: c.id }, data: { passwordHash } });
    // whoever knew the old password is logged out everywhere
    await sessions.revokeAllFor({ role: 'CANDIDATE', candidateId: c.id });
    return candidateSession(c, ctx, 'identity.password_reset');
  }

  return {
    login(input, ctx) {
      return input.kind === 'candidate'
        ? loginCandidate(input.registrationNo, input.password, ctx)
        : loginStaff(input.username, input.password, ctx);
    },

    async verifySecondFactor(token, input, ctx) {
      const p = await pendingAt(token, 'TOTP');
      const u = await prisma.user.findUniqueOrThrow({
        where: { id: p.userId },
        select: { id: true, username: true, totpSecretEnc: true, totpLastStep: true },
      });
      const attempt = await begin('totp', staffAccount(u.username), ctx);
      let ok = false;
      let how = 'totp';
      if ('code' in input) {
        const secret = u.totpSecretEnc ? openTotpSecret(deps.idHashKey, u.id, u.totpSecretEnc) : null;
        const step = secret ? await verifyTotp(secret, input.code, u.totpLastStep, now()) : null;
        if (step !== null) {
          // a step is accepted once, even when two requests carry the same code at the same time
          const stored = await prisma.user.updateMany({
            where: { id: u.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
            data: { totpLastStep: step },
          });
          ok = stored.count === 1;
        }
      } else {
        how = 'recovery_code';
        const used = await prisma.recoveryCode.updateMany({
          where: { userId: u.id, codeHash: hashRecoveryCode(input.recoveryCode), usedAt: null },
          data: { usedAt: now() },
        });
        ok = used.count === 1;
      }
      if (!ok) {
        await throttle.failed(attempt);
        await writeAudit(prisma, {
          actorType: 'STAFF',
          actorId: u.id,
          action: 'identity.second_factor_failed',
          targetType: 'user',
          targetId: u.id,
          ip: ctx.ip,
          details: { how },
        });
        if ('recoveryCode' in input) throw new DomainError('TOTP_INVALID', '恢复码不正确或已使用', 401, { field: 'recoveryCode' });
        throw totpInvalid();
      }
      await throttle.succeeded(attempt);
      if (how === 'recovery_code') {
        const left = await prisma.recoveryCode.count({ where: { userId: u.id, usedAt: null } });
        await writeAudit(prisma, {
          actorType: 'STAFF',
          actorId: u.id,
          action: 'identity.recovery_code_used',
          targetType: 'user',
          targetId: u.id,
          ip: ctx.ip,
          details: { left },
        });
      }
      return afterSecondFactor(p.token, u.id, ctx);
    },

    async enrollSecondFactor(token, input, ctx) {
      const p = await pendingAt(token, 'TOTP_ENROLL');
      const u = await prisma.user.findUniqueOrThrow({
        where: { id: p.userId },
        select: { id: true, username: true, totpSecretEnc: true, totpEnabledAt: true },
      });
      if (u.totpEnabledAt) throw new DomainError('LOGIN_STEP', '身份验证器已绑定，请重新登录', 409);
      const attempt = await begin('totp', staffAccount(u.username), ctx);
      const secret = u.totpSecretEnc ? openTotpSecret(deps.idHashKey, u.id, u.totpSecretEnc) : null;
      const step = secret ? await verifyTotp(secret, input.code, null, now()) : null;
      if (step === null) {
        await throttle.failed(attempt);
        throw totpInvalid();
      }
      await throttle.succeeded(attempt);
      const recoveryCodes = newRecoveryCodes();
      const at = now();
      await prisma.$transaction([
        prisma.user.update({ where: { id: u.id }, data: { totpEnabledAt: at, totpLastStep: step } }),
        prisma.recoveryCode.deleteMany({ where: { userId: u.id } }),
        prisma.recoveryCode.createMany({ data: recoveryCodes.map((c) => ({ userId: u.id, codeHash: hashRecoveryCode(c) })) }),
      ]);
      await writeAudit(prisma, { actorType: 'STAFF', actorId: u.id, action: 'identity.totp_enrolled', targetType: 'user', targetId: u.id, ip: ctx.ip });
      return { ...(await afterSecondFactor(p.token, u.id, ctx)), recoveryCodes };
    },

    async changePassword(token, input, ctx) {
      const p = await pendingAt(token, 'CHANGE_PASSWORD');
      const u = await prisma.user.findUniqueOrThrow({ where: { id: p.userId }, select: { id: true, username: true, passwordHash: true } });
      assertAcceptablePassword(input.password, { username: u.username });
      if (await verifyPassword(input.password, u.passwordHash)) {
        throw new DomainError('PASSWORD_WEAK', '新密码不能与管理员设置的临时密码相同', 400, { field: 'password' });
      }
      await prisma.user.update({ where: { id: u.id }, data: { passwordHash: await hashPassword(input.password), mustChangePassword: false } });
      await sessions.revokeAllFor({ role: 'ADMIN', userId: u.id });
      await writeAudit(prisma, { actorType: 'STAFF', actorId: u.id, action: 'identity.password_changed', targetType: 'user', targetId: u.id, ip: ctx.ip });
      await pending.end(p.token);
      return staffSession(u.id, ctx);
    },

    async sendCode(purpose, input, ctx) {
      const { c, attempt } = await provenCandidate('sms-code', input, ctx);
      await throttle.succeeded(attempt);
      if (purpose === 'ACTIVATE' && c.passwordHash) throw alreadyActivated();
      if (purpose === 'RESET_PASSWORD' && !c.passwordHash) throw notActivated();
      if (!c.phone) throw noPhone();
      const sent = await codes.send({ id: c.id, phone: c.phone }, purpose);
      await writeAudit(prisma, {
        actorType: 'CANDIDATE',
        actorId: c.id,
        action: 'identity.code_sent',
        targetType: 'candidate',
        targetId: c.id,
        candidateId: c.id,
        ip: ctx.ip,
        details: { purpose },
      });
      return sent;
    },

    activate: (input, ctx) => setPasswordWithCode('ACTIVATE', input, ctx),
    resetPassword: (input, ctx) => setPasswordWithCode('RESET_PASSWORD', input, ctx),
  };
}

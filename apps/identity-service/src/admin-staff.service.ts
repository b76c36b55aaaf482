import { randomInt } from 'node:crypto';
import { Prisma, type PrismaClient } from '@exam/db';
import type {
  AdminExamYearView,
  AdminSiteView,
  CreateSiteRequest,
  CreateStaffRequest,
  OneTimePasswordResponse,
  RenameSiteRequest,
  StaffAccountResponse,
  StaffAccountView,
  StaffListQuery,
  StaffRole,
  StaffStatus,
} from '@exam/api';
import { DomainError, notFound } from '@exam/domain';
import { assertAcceptablePassword, hashPassword, writeAudit, type SessionService } from '@exam/auth';

/** The district admin who asks (from the session). */
export interface AdminActor {
  userId: string;
  districtCode: string;
  ip: string | null;
}

export interface AdminStaffDeps {
  prisma: PrismaClient;
  sessions: SessionService;
  now?: () => Date;
}

/** 考点与账号: exam sites and staff accounts of the admin's own district. Anything of another district is 404. */
export interface AdminStaffService {
  listExamYears(actor: AdminActor): Promise<AdminExamYearView[]>;
  listSites(actor: AdminActor): Promise<AdminSiteView[]>;
  createSite(actor: AdminActor, input: CreateSiteRequest): Promise<AdminSiteView>;
  renameSite(actor: AdminActor, siteId: string, input: RenameSiteRequest): Promise<AdminSiteView>;
  listStaff(actor: AdminActor, query: { role?: StaffRole; siteId?: string; status: 'active' | 'disabled' | 'all' }): Promise<StaffAccountView[]>;
  createStaff(actor: AdminActor, input: CreateStaffRequest): Promise<OneTimePasswordResponse>;
  resetPassword(actor: AdminActor, userId: string): Promise<OneTimePasswordResponse>;
  resetSecondFactor(actor: AdminActor, userId: string): Promise<StaffAccountResponse>;
  disable(actor: AdminActor, userId: string): Promise<StaffAccountResponse>;
  enable(actor: AdminActor, userId: string): Promise<StaffAccountResponse>;
}
export type { StaffListQuery };

/** Letters and digits that cannot be mistaken for each other when read aloud or copied by hand (no 0/O, 1/l/I). */
const LETTERS = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const ALPHABET = LETTERS + DIGITS;

/**
 * A one-time password: 3 groups of 4 from ALPHABET (about 70 bits), with letters and digits, that passes the password
 * policy for this account (a draw that does not is drawn again).
 */
export function generateOneTimePassword(username: string): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
    chars[randomInt(12)] = DIGITS[randomInt(DIGITS.length)];
    const password = `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
    if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) continue;
    try {
      assertAcceptablePassword(password, { username });
      return password;
    } catch {
      // drawn again
    }
  }
}

const staffSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  districtCode: true,
  siteId: true,
  disabledAt: true,
  mustChangePassword: true,
  totpEnabledAt: true,
  createdAt: true,
  site: { select: { name: true } },
} as const;
type StaffRow = Prisma.UserGetPayload<{ select: typeof staffSelect }>;

function statusOf(u: Pick<StaffRow, 'disabledAt' | 'mustChangePassword'>): StaffStatus {
  if (u.disabledAt) return 'DISABLED';
  return u.mustChangePassword ? 'MUST_CHANGE_PASSWORD' : 'ACTIVE';
}

function staffView(u: StaffRow, actor: AdminActor): StaffAccountView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as StaffRole,
    siteId: u.siteId,
    siteName: u.site?.name ?? null,
    status: statusOf(u),
    disabledAt: u.disabledAt?.toISOString() ?? null,
    mustChangePassword: u.mustChangePassword,
    totpEnrolled: u.totpEnabledAt !== null,
    createdAt: u.createdAt.toISOString(),
    self: u.id === actor.userId,
  };
}

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
const siteCodeTaken = (code: string) =>
  new DomainError('SITE_CODE_TAKEN', `考点代码「${code}」在本考区已存在，请换一个`, 409, { field: 'code' });
const usernameTaken = (username: string) =>
  new DomainError('USERNAME_TAKEN', `用户名「${username}」已被使用，请换一个`, 409, { field: 'username' });
const selfRefused = (what: string) => new DomainError('SELF_ACTION_REFUSED', `不能${what}自己的账号，请由其他管理员操作`, 409);

export function createAdminStaffService(deps: AdminStaffDeps): AdminStaffService {
  const { prisma, sessions } = deps;
  const now = deps.now ?? (() => new Date());

  const audit = (actor: AdminActor, action: string, targetType: string, targetId: string, details?: Record<string, unknown>) =>
    writeAudit(prisma, { actorType: 'STAFF', actorId: actor.userId, action, targetType, targetId, ip: actor.ip, ...(details ? { details } : {}) });

  /** A staff account of the actor's district (candidates never are), else 404. */
  async function accountOf(actor: AdminActor, userId: string): Promise<StaffRow> {
    const u = await prisma.user.findFirst({ where: { id: userId, districtCode: actor.districtCode }, select: staffSelect });
    if (!u) throw notFound('账号');
    return u;
  }
  async function siteOf(actor: AdminActor, siteId: string) {
    const s = await prisma.examSite.findFirst({ where: { id: siteId, districtCode: actor.districtCode } });
    if (!s) throw notFound('考点');
    return s;
  }
  async function siteView(id: string): Promise<AdminSiteView> {
    const s = await prisma.examSite.findUniqueOrThrow({ where: { id }, include: { _count: { select: { users: true } } } });
    return { id: s.id, code: s.code, name: s.name, createdAt: s.createdAt.toISOString(), reviewerCount: s._count.users };
  }
  const endSessions = (userId: string) => sessions.revokeAllFor({ role: 'ADMIN', userId });

  return {
    async listExamYears(actor) {
      const years = await prisma.examYear.findMany({
        where: { districtCode: actor.districtCode },
        orderBy: [{ uploadStart: 'desc' }, { createdAt: 'desc' }],
        select: { id: true, code: true, name: true, uploadStart: true, uploadEnd: true },
      });
      return years.map((y) => ({ ...y, uploadStart: y.uploadStart.toISOString(), uploadEnd: y.uploadEnd.toISOString() }));
    },

    async listSites(actor) {
      const sites = await prisma.examSite.findMany({
        where: { districtCode: actor.districtCode },
        orderBy: [{ code: 'asc' }],
        include: { _count: { select: { users: true } } },
      });
      return sites.map((s) => ({ id: s.id, code: s.code, name: s.name, createdAt: s.createdAt.toISOString(), reviewerCount: s._count.users }));
    },

    async createSite(actor, input) {
      const taken = await prisma.examSite.findFirst({
        where: { districtCode: actor.districtCode, code: { equals: input.code, mode: 'insensitive' } },
        select: { id: true },
      });
      if (taken) throw siteCodeTaken(input.code);
      let id: string;
      try {
        ({ id } = await prisma.examSite.create({ data: { districtCode: actor.districtCode, code: input.code, name: input.name }, select: { id: true } }));
      } catch (e) {
        if (isUniqueViolation(e)) throw siteCodeTaken(input.code);
        throw e;
      }
      await audit(actor, 'admin.site_created', 'site', id, { code: input.code, name: input.name });
      return siteView(id);
    },

    async renameSite(actor, siteId, input) {
      const s = await siteOf(actor, siteId);
      if (s.name !== input.name) {
        await prisma.examSite.update({ where: { id: s.id }, data: { name: input.name } });
        await audit(actor, 'admin.site_renamed', 'site', s.id, { from: s.name, to: input.name });
      }
      return siteView(s.id);
    },

    async listStaff(actor, query) {
      if (query.siteId) await siteOf(actor, query.siteId);
      const rows = await prisma.user.findMany({
        where: {
          districtCode: actor.districtCode,
          ...(query.role ? { role: query.role } : { role: { not: 'CANDIDATE' } }),
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...(query.status === 'active' ? { disabledAt: null } : query.status === 'disabled' ? { disabledAt: { not: null } } : {}),
        },
        orderBy: [{ role: 'asc' }, { username: 'asc' }],
        select: staffSelect,
      });
      return rows.map((u) => staffView(u, actor));
    },

    async createStaff(actor, input) {
      const siteId = input.role === 'SITE_REVIEWER' ? (await siteOf(actor, input.siteId)).id : null;
      if (await prisma.user.findUnique({ where: { username: input.username }, select: { id: true } })) throw usernameTaken(input.username);
      const oneTimePassword = generateOneTimePassword(input.username);
      let id: string;
      try {
        ({ id } = await prisma.user.create({
          data: {
            username: input.username,
            displayName: input.displayName,
            role: input.role,
            districtCode: actor.districtCode,
            siteId,
            passwordHash: await hashPassword(oneTimePassword),
            mustChangePassword: true,
          },
          select: { id: true },
        }));
      } catch (e) {
        if (isUniqueViolation(e)) throw usernameTaken(input.username);
        throw e;
      }
      await audit(actor, 'admin.staff_created', 'user', id, { username: input.username, role: input.role, siteId });
      return { account: staffView(await accountOf(actor, id), actor), oneTimePassword };
    },

    async resetPassword(actor, userId) {
      const u = await accountOf(actor, userId);
      if (u.id === actor.userId) throw selfRefused('重置');
      const oneTimePassword = generateOneTimePassword(u.username);
      await prisma.user.update({
        where: { id: u.id },
        data: { passwordHash: await hashPassword(oneTimePassword), mustChangePassword: true, failedLogins: 0, lockedUntil: null },
      });
      const ended = await endSessions(u.id);
      await audit(actor, 'admin.staff_password_reset', 'user', u.id, { username: u.username, sessionsEnded: ended });
      return { account: staffView(await accountOf(actor, u.id), actor), oneTimePassword };
    },

    async resetSecondFactor(actor, userId) {
      const u = await accountOf(actor, userId);
      if (u.id === actor.userId) throw selfRefused('重置');
      await prisma.$transaction([
        prisma.user.update({ where: { id: u.id }, data: { totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null } }),
        prisma.recoveryCode.deleteMany({ where: { userId: u.id } }),
      ]);
      const ended = await endSessions(u.id);
      await audit(actor, 'admin.staff_totp_reset', 'user', u.id, { username: u.username, sessionsEnded: ended });
      return { account: staffView(await accountOf(actor, u.id), actor), sessionsEnded: ended };
    },

    async disable(actor, userId) {
      const u = await accountOf(actor, userId);
      if (u.id === actor.userId) throw selfRefused('停用');
      if (!u.disabledAt) await prisma.user.update({ where: { id: u.id }, data: { disabledAt: now() } });
      // the session store also refuses a disabled account's cookie; the rows end here too, so enabling does not revive them
      const ended = await endSessions(u.id);
      await audit(actor, 'admin.staff_disabled', 'user', u.id, { username: u.username, sessionsEnded: ended });
      return { account: staffView(await accountOf(actor, u.id), actor), sessionsEnded: ended };
    },

    async enable(actor, userId) {
      const u = await accountOf(actor, userId);
      if (u.disabledAt) {
        await prisma.user.update({ where: { id: u.id }, data: { disabledAt: null, failedLogins: 0, lockedUntil: null } });
        await audit(actor, 'admin.staff_enabled', 'user', u.id, { username: u.username });
      }
      return { account: staffView(await accountOf(actor, u.id), actor), sessionsEnded: 0 };
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@exam/db';
import type { Role, SessionUser } from '@exam/api';
import type { AuthContext, Principal } from './auth-context.js';

export interface SessionServiceOptions {
  /** A session unused for this long is dead. */
  idleMinutes: number;
  /** A session dies this long after login, used or not. */
  absoluteHours: number;
  /** Injectable clock (tests). */
  now?: () => Date;
}

export interface NewSession {
  /** Opaque cookie value (32 random bytes, base64url). Never stored: the row id is sha256(token). */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionService {
  /** Always a new session (rotation at login). */
  create(principal: Principal): Promise<NewSession>;
  /** The caller behind a cookie token, or null (unknown, revoked, expired, idle, disabled). */
  resolve(token: string): Promise<AuthContext | null>;
  /** Server-side logout of one session. */
  revoke(token: string): Promise<void>;
  /** Logs a principal out everywhere (e.g. after a password change). Returns the number of sessions revoked. */
  revokeAllFor(principal: Principal): Promise<number>;
  /** Deletes sessions that ended more than `olderThanHours` ago (housekeeping). */
  purgeExpired(olderThanHours?: number): Promise<number>;
}

/** What candidateSessionUser needs of a Candidate row. */
export interface CandidateWithScope {
  id: string;
  name: string;
  siteId: string;
  site: { name: string };
  examYear: { districtCode: string };
}
/** What staffSessionUser needs of a User row. */
export interface UserWithScope {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  districtCode: string;
  siteId: string | null;
  site: { name: string } | null;
}

export function candidateSessionUser(c: CandidateWithScope): SessionUser {
  return {
    id: c.id,
    role: 'CANDIDATE',
    displayName: c.name,
    districtCode: c.examYear.districtCode,
    siteId: c.siteId,
    siteName: c.site.name,
  };
}

export function staffSessionUser(u: UserWithScope): SessionUser {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    displayName: u.displayName,
    districtCode: u.districtCode,
    siteId: u.siteId,
    siteName: u.site?.name ?? null,
  };
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** lastSeenAt is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

export const sessionIdOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

export function createSessionService(prisma: PrismaClient, opts: SessionServiceOptions): SessionService {
  const now = opts.now ?? (() => new Date());
  const idleMs = opts.idleMinutes * 60_000;
  const absoluteMs = opts.absoluteHours * 3_600_000;

  return {
    async create(principal) {
      if (principal.role === 'CANDIDATE' ? !principal.candidateId : !principal.userId) {
        throw new Error('a session needs a candidateId (candidates) or a userId (staff)');
      }
      const token = newToken();
      const csrfToken = newToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + absoluteMs);
      await prisma.session.create({
        data: {
          id: sessionIdOf(token),
          role: principal.role,
          candidateId: principal.role === 'CANDIDATE' ? (principal.candidateId ?? null) : null,
          userId: principal.role === 'CANDIDATE' ? null : (principal.userId ?? null),
          csrfToken,
          createdAt: at,
          lastSeenAt: at,
          expiresAt,
        },
      });
      return { token, csrfToken, expiresAt };
    },

    async resolve(token) {
      if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
      const id = sessionIdOf(token);
      const s = await prisma.session.findUnique({
        where: { id },
        include: {
          candidate: {
            select: {
              id: true,
              name: true,
              siteId: true,
              site: { select: { name: true } },
              examYear: { select: { districtCode: true } },
            },
          },
          user: {
            select: {
              id: true,
              username: true,
              role: true,
              displayName: true,
              districtCode: true,
              siteId: true,
              disabledAt: true,
              site: { select: { name: true } },
            },
          },
        },
      });
      if (!s) return null;
      const at = now();
      if (s.revokedAt) return null;
      if (s.expiresAt.getTime() <= at.getTime()) return null;
      if (s.lastSeenAt.getTime() + idleMs <= at.getTime()) return null;

      let user: SessionUser;
      if (s.role === 'CANDIDATE') {
        if (!s.candidate) return null;
        user = candidateSessionUser(s.candidate);
      } else {
        if (!s.user || s.user.disabledAt || s.user.role !== s.role) return null;
        user = staffSessionUser(s.user);
      }

      if (at.getTime() - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        await prisma.session.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: at } });
      }
      const auth: AuthContext = { sessionId: id, role: s.role, user, csrfToken: s.csrfToken };
      if (s.role === 'CANDIDATE' && s.candidate) auth.candidateId = s.candidate.id;
      return auth;
    },

    async revoke(token) {
      if (typeof token !== 'string' || !TOKEN_RE.test(token)) return;
      await prisma.session.updateMany({ where: { id: sessionIdOf(token), revokedAt: null }, data: { revokedAt: now() } });
    },

    async revokeAllFor(principal) {
      const where = principal.role === 'CANDIDATE' ? { candidateId: principal.candidateId } : { userId: principal.userId };
      if (!where.candidateId && !('userId' in where && where.userId)) return 0;
      const r = await prisma.session.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: now() } });
      return r.count;
    },

    async purgeExpired(olderThanHours = 24) {
      const before = new Date(now().getTime() - olderThanHours * 3_600_000);
      const r = await prisma.session.deleteMany({
        where: { OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }, { lastSeenAt: { lt: new Date(before.getTime() - idleMs) } }] },
      });
      return r.count;
    },
  };
}

import { timingSafeEqual } from 'node:crypto';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import cookieParser from 'cookie-parser';
import { CSRF_HEADER, csrfCookieName, sessionCookieName, type Role } from '@exam/api';
import { DomainError } from '@exam/domain';
import type { AuthContext } from './auth-context.js';
import type { PrismaClient } from '@exam/db';
import { createSessionService, type NewSession, type SessionService } from './session.service.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated caller, set by authMiddleware when the session cookie is valid. */
    auth?: AuthContext;
  }
}

export interface AuthMiddlewareOptions {
  /** Whether cookies carry `Secure` (COOKIE_SECURE). */
  cookieSecure: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const parseCookies = cookieParser();

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the `exam_sid` cookie into `req.auth` (a stale cookie is cleared) and, when a session is present,
 * requires the `x-csrf-token` header to equal the session's CSRF token on POST/PUT/PATCH/DELETE.
 */
export function authMiddleware(sessions: SessionService, opts: AuthMiddlewareOptions): RequestHandler {
  const resolveAuth = async (req: Request, res: Response, next: NextFunction) => {
    const token = sessionToken(req, opts.cookieSecure);
    if (typeof token === 'string' && token !== '') {
      const auth = await sessions.resolve(token);
      if (auth) req.auth = auth;
      else clearSessionCookies(res, opts.cookieSecure);
    }
    if (req.auth && UNSAFE.has(req.method)) {
      const header = req.get(CSRF_HEADER);
      if (!header || !sameToken(header, req.auth.csrfToken)) {
        throw new DomainError('CSRF_FAILED', '页面已过期，请刷新后重试', 403);
      }
    }
    next();
  };
  return (req, res, next) => {
    if (req.cookies === undefined) {
      parseCookies(req, res, (err?: unknown) => (err ? next(err) : resolveAuth(req, res, next).catch(next)));
      return;
    }
    resolveAuth(req, res, next).catch(next);
  };
}

/** 401 UNAUTHENTICATED unless a session is present. */
export function requireAuth(): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) throw new DomainError('UNAUTHENTICATED', '请先登录', 401);
    next();
  };
}

/** 401 without a session; 403 FORBIDDEN when the caller's role is not one of `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) throw new DomainError('UNAUTHENTICATED', '请先登录', 401);
    if (!roles.includes(req.auth.role)) throw new DomainError('FORBIDDEN', '无权访问', 403);
    next();
  };
}

/** The session cookie's value, if the request carries one (under the name COOKIE_SECURE implies). */
export function sessionToken(req: Request, secure: boolean): string | undefined {
  const token: unknown = (req.cookies as Record<string, unknown> | undefined)?.[sessionCookieName(secure)];
  return typeof token === 'string' && token !== '' ? token : undefined;
}

function cookieOptions(secure: boolean, httpOnly: boolean): CookieOptions {
  return { httpOnly, secure, sameSite: 'lax', path: '/' };
}

/**
 * The session cookie (HttpOnly) and the CSRF cookie (readable by the page, echoed in x-csrf-token).
 * Browser-session cookies: no Expires/Max-Age, so closing the browser on a shared computer (a 网吧, a
 * school office) forgets them; the server still ends the session after SESSION_IDLE_MINUTES / SESSION_ABSOLUTE_HOURS.
 */
export function setSessionCookies(res: Response, session: NewSession, secure: boolean): void {
  res.cookie(sessionCookieName(secure), session.token, cookieOptions(secure, true));
  res.cookie(csrfCookieName(secure), session.csrfToken, cookieOptions(secure, false));
}

export function clearSessionCookies(res: Response, secure = false): void {
  res.clearCookie(sessionCookieName(secure), cookieOptions(secure, true));
  res.clearCookie(csrfCookieName(secure), cookieOptions(secure, false));
}

/** SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS and COOKIE_SECURE, as every service is given them. */
export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
  cookieSecure: boolean;
}

/** `authMiddleware` over a session service built from the service's settings: what a resource service mounts. */
export function sessionAuth(prisma: PrismaClient, settings: SessionSettings): RequestHandler {
  const sessions = createSessionService(prisma, { idleMinutes: settings.idleMinutes, absoluteHours: settings.absoluteHours });
  return authMiddleware(sessions, { cookieSecure: settings.cookieSecure });
}

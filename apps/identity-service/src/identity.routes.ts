import type { Router } from 'express';
import { activateSchema, loginSchema, SESSION_COOKIE, type MeResponse } from '@exam/api';
import { parse } from '@exam/http';
import { clearSessionCookies, requireAuth, setSessionCookies, type SessionService } from '@exam/auth';
import type { IdentityService, LoginResult } from './identity.service.js';

export interface IdentityRoutesDeps {
  identity: IdentityService;
  sessions: SessionService;
  cookieSecure: boolean;
}

/** Routes under /api/identity (authMiddleware runs before them). */
export function identityRoutes(router: Router, deps: IdentityRoutesDeps): void {
  const { identity, sessions, cookieSecure } = deps;

  const startSession = async (req: { cookies?: Record<string, unknown> }, res: Parameters<typeof setSessionCookies>[0], r: LoginResult) => {
    // Rotation: the session the browser had before (if any) ends; the new one gets fresh tokens.
    const old = req.cookies?.[SESSION_COOKIE];
    if (typeof old === 'string') await sessions.revoke(old);
    setSessionCookies(res, r.session, cookieSecure);
    const body: MeResponse = { user: r.user };
    res.json(body);
  };

  router.post('/login', async (req, res) => {
    const input = parse(loginSchema, req.body);
    const result = await identity.login(input, req.ip ?? '');
    await startSession(req, res, result);
  });

  router.post('/activate', async (req, res) => {
    const input = parse(activateSchema, req.body);
    const result = await identity.activate(input, req.ip ?? '');
    await startSession(req, res, result);
  });

  router.post('/logout', async (req, res) => {
    const token = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
    if (typeof token === 'string') await sessions.revoke(token);
    clearSessionCookies(res, cookieSecure);
    res.status(204).end();
  });

  router.get('/me', requireAuth(), (req, res) => {
    const body: MeResponse = { user: req.auth!.user };
    res.json(body);
  });
}

import type { Request, Response, Router } from 'express';
import {
  activateSchema,
  changePasswordSchema,
  loginSchema,
  passwordResetSchema,
  smsCodeRequestSchema,
  totpEnrollSchema,
  totpLoginSchema,
  type LoginResponse,
  type MeResponse,
  type TotpEnrollResponse,
} from '@exam/api';
import { parse } from '@exam/http';
import { clearSessionCookies, requireAuth, sessionToken, setSessionCookies, type DeviceTrust, type SessionService } from '@exam/auth';
import { PENDING_LOGIN_SECONDS } from './pending-login.js';
import type { IdentityService, LoginOutcome, RequestContext } from './identity.service.js';

export interface IdentityRoutesDeps {
  identity: IdentityService;
  sessions: SessionService;
  devices: DeviceTrust;
  cookieSecure: boolean;
}

/** The HttpOnly cookie holding a staff login between the password and the second factor. */
export const PENDING_COOKIE = 'exam_pending';
export const pendingCookieName = (secure: boolean) => (secure ? `__Host-${PENDING_COOKIE}` : PENDING_COOKIE);

/**
 * Every route is counted before it is judged (libs/auth auth-throttle) and answers in the one error shape.
 * The route table is what the authorisation and fuzz tests walk.
 */
export function identityRoutes(router: Router, deps: IdentityRoutesDeps): void {
  const { identity, sessions, devices, cookieSecure } = deps;
  const pendingName = pendingCookieName(cookieSecure);

  const ctx = (req: Request): RequestContext => ({
    ip: req.ip ?? '',
    trustedDevice: (account) => devices.trustedDevice(req, account),
  });
  const pendingToken = (req: Request): string | undefined => {
    const v: unknown = (req.cookies as Record<string, unknown> | undefined)?.[pendingName];
    return typeof v === 'string' ? v : undefined;
  };

  /** Sets cookies for the outcome and returns the body: the user (a session began) or the next step. */
  const finish = async (req: Request, res: Response, outcome: LoginOutcome): Promise<LoginResponse> => {
    if (outcome.kind === 'step') {
      if (outcome.pendingToken) {
        res.cookie(pendingName, outcome.pendingToken, {
          httpOnly: true,
          secure: cookieSecure,
          sameSite: 'strict',
          path: '/',
          maxAge: PENDING_LOGIN_SECONDS * 1000,
        });
      }
      return outcome.step;
    }
    // Rotation: the session the browser had before (if any) ends; the new one gets fresh tokens.
    const old = sessionToken(req, cookieSecure);
    if (old) await sessions.revoke(old);
    setSessionCookies(res, outcome.session, cookieSecure);
    res.clearCookie(pendingName, { httpOnly: true, secure: cookieSecure, sameSite: 'strict', path: '/' });
    devices.remember(req, res, outcome.account);
    const body: MeResponse = { user: outcome.user };
    return body;
  };

  router.post('/login', async (req, res) => {
    const input = parse(loginSchema, req.body);
    res.json(await finish(req, res, await identity.login(input, ctx(req))));
  });

  router.post('/login/totp', async (req, res) => {
    const input = parse(totpLoginSchema, req.body);
    res.json(await finish(req, res, await identity.verifySecondFactor(pendingToken(req), input, ctx(req))));
  });

  router.post('/login/totp-enroll', async (req, res) => {
    const input = parse(totpEnrollSchema, req.body);
    const { recoveryCodes, ...outcome } = await identity.enrollSecondFactor(pendingToken(req), input, ctx(req));
    const body: TotpEnrollResponse = { ...(await finish(req, res, outcome as LoginOutcome)), recoveryCodes };
    res.json(body);
  });

  router.post('/login/password', async (req, res) => {
    const input = parse(changePasswordSchema, req.body);
    res.json(await finish(req, res, await identity.changePassword(pendingToken(req), input, ctx(req))));
  });

  router.post('/activate/code', async (req, res) => {
    const input = parse(smsCodeRequestSchema, req.body);
    res.json(await identity.sendCode('ACTIVATE', input, ctx(req)));
  });

  router.post('/activate', async (req, res) => {
    const input = parse(activateSchema, req.body);
    res.json(await finish(req, res, await identity.activate(input, ctx(req))));
  });

  router.post('/password-reset/code', async (req, res) => {
    const input = parse(smsCodeRequestSchema, req.body);
    res.json(await identity.sendCode('RESET_PASSWORD', input, ctx(req)));
  });

  router.post('/password-reset', async (req, res) => {
    const input = parse(passwordResetSchema, req.body);
    res.json(await finish(req, res, await identity.resetPassword(input, ctx(req))));
  });

  router.post('/logout', async (req, res) => {
    const token = sessionToken(req, cookieSecure);
    if (token) await sessions.revoke(token);
    clearSessionCookies(res, cookieSecure);
    res.status(204).end();
  });

  router.get('/me', requireAuth(), (req, res) => {
    const body: MeResponse = { user: req.auth!.user };
    res.json(body);
  });
}

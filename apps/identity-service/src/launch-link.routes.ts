import type { Router } from 'express';
import { launchLinkSchema, type LaunchResponse } from '@exam/api';
import { parse } from '@exam/http';
import { clearSessionCookies, sessionToken, setSessionCookies, type DeviceTrust, type SessionService } from '@exam/auth';
import type { LaunchLinkService } from './launch-link.service.js';

export interface LaunchLinkRoutesDeps {
  launch: LaunchLinkService;
  sessions: SessionService;
  devices: DeviceTrust;
  cookieSecure: boolean;
}

/**
 * POST /launch: the shell's /launch page sends the link's parameters here. A POST, not the link's GET: link scanners,
 * chat previews and prefetching fetch GETs, and must neither use up the single-use link nor start a session.
 */
export function launchLinkRoutes(router: Router, deps: LaunchLinkRoutesDeps): void {
  const { launch, sessions, devices, cookieSecure } = deps;

  router.post('/launch', async (req, res) => {
    const input = parse(launchLinkSchema, req.body);
    const outcome = await launch.launch(input, { ip: req.ip ?? '' });
    // the link names who is at this browser now: whoever was logged in here before is logged out
    const old = sessionToken(req, cookieSecure);
    if (old) await sessions.revoke(old);
    if (outcome.kind === 'activate') {
      if (old) clearSessionCookies(res, cookieSecure);
      const body: LaunchResponse = { next: 'ACTIVATE', registrationNo: outcome.registrationNo };
      res.json(body);
      return;
    }
    // the same cookies as a password login, fresh tokens
    setSessionCookies(res, outcome.session, cookieSecure);
    devices.remember(req, res, outcome.account);
    const body: LaunchResponse = { next: 'UPLOAD', user: outcome.user };
    res.json(body);
  });
}

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createLogger, createServiceApp } from '@exam/http';
import type { AuthContext } from './auth-context.js';
import { authMiddleware, requireRole } from './auth.middleware.js';
import type { SessionService } from './session.service.js';

const reviewer: AuthContext = {
  sessionId: 's1',
  role: 'SITE_REVIEWER',
  csrfToken: 'csrf-token-1',
  user: { id: 'u1', role: 'SITE_REVIEWER', displayName: '审核员', districtCode: '120000', siteId: 'site-a', siteName: '考点' },
};
// A stand-in session store for the transport logic only; sessions themselves are tested against Postgres.
const sessions = {
  resolve: async (token: string) => (token === 'good' ? reviewer : null),
} as unknown as SessionService;

const app = createServiceApp({
  service: 'review',
  logger: createLogger('t', 'silent'),
  readiness: {},
  beforeRoutes: (r) => r.use(authMiddleware(sessions, { cookieSecure: true })),
  routes: (r) => {
    r.get('/district-only', requireRole('DISTRICT_REVIEWER', 'ADMIN'), (_req, res) => res.json({ ok: true }));
    r.post('/site-action', requireRole('SITE_REVIEWER'), (req, res) => res.json({ by: req.auth?.user.id }));
  },
});

describe('authMiddleware and requireRole', () => {
  it('401 without a session, 403 with the wrong role, passes with the right one and its CSRF token', async () => {
    expect((await request(app).get('/api/review/district-only')).body.error.code).toBe('UNAUTHENTICATED');
    const wrongRole = await request(app).get('/api/review/district-only').set('cookie', '__Host-exam_sid=good');
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toEqual({ error: { code: 'FORBIDDEN', message: '无权访问' } });
    const noCsrf = await request(app).post('/api/review/site-action').set('cookie', '__Host-exam_sid=good');
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
    const ok = await request(app).post('/api/review/site-action').set('cookie', '__Host-exam_sid=good').set('x-csrf-token', 'csrf-token-1');
    expect(ok.body).toEqual({ by: 'u1' });
  });

  it('clears a cookie that no longer matches a session (with the configured Secure flag and its __Host- name)', async () => {
    const res = await request(app).get('/api/review/district-only').set('cookie', '__Host-exam_sid=stale');
    expect(res.status).toBe(401);
    const set = (res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(set).toMatch(/__Host-exam_sid=;.*Secure/);
    expect(set).toMatch(/__Host-exam_csrf=;/);
  });
});

import type { Request, Router } from 'express';
import { outboxFilterSchema, outboxListQuerySchema, resendFailedSchema } from '@exam/api';
import { requireRole, type AuthContext } from '@exam/auth';
import { parse } from '@exam/http';
import { DomainError } from '@exam/domain';
import type { NotificationDeps } from './notification-deps.js';
import { listOutbox, outboxCounts, resendFailed, resendOne } from './outbox-status.service.js';

const authOf = (req: Request): AuthContext => {
  if (!req.auth) throw new DomainError('UNAUTHENTICATED', '请先登录', 401);
  return req.auth;
};

/** /api/notification/admin/outbox…: the district admin's delivery status and re-send (ADMIN, own district). */
export function outboxStatusRoutes(deps: NotificationDeps) {
  return (router: Router): void => {
    const admin = requireRole('ADMIN');

    router.get('/admin/outbox/counts', admin, async (req, res) => {
      res.json(await outboxCounts(deps, authOf(req).user.districtCode, parse(outboxFilterSchema, req.query)));
    });

    router.get('/admin/outbox', admin, async (req, res) => {
      const { cursor, limit, ...rest } = req.query;
      const page = parse(outboxListQuerySchema, { cursor, limit });
      res.json(await listOutbox(deps, authOf(req).user.districtCode, parse(outboxFilterSchema, rest), page));
    });

    router.post('/admin/outbox/resend-failed', admin, async (req, res) => {
      const body = parse(resendFailedSchema, req.body);
      res.json(await resendFailed(deps, authOf(req), body.filter, body.confirmCount, req.ip ?? null));
    });

    router.post('/admin/outbox/:id/resend', admin, async (req, res) => {
      res.json(await resendOne(deps, authOf(req), String(req.params.id), req.ip ?? null));
    });
  };
}

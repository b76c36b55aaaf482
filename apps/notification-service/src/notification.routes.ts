import type { Router } from 'express';
import { inboxQuerySchema, notificationPreferencesSchema, type InboxUnreadResponse } from '@exam/api';
import { requireRole } from '@exam/auth';
import { parse } from '@exam/http';
import { DomainError } from '@exam/domain';
import { countUnread, listInbox, markAllRead, markRead } from './inbox.service.js';
import { getPreferences, putPreferences } from './preferences.service.js';
import { recordReceiptPush } from './sms-receipts.service.js';
import type { NotificationDeps } from './notification-deps.js';
import { queueHealth } from './queue-health.service.js';
import { outboxStatusRoutes } from './outbox-status.routes.js';
import { operationsRoutes } from './operations.routes.js';

/** /api/notification: the candidate's inbox and the admin's queue health. */
export function notificationRoutes(deps: NotificationDeps) {
  return (router: Router): void => {
    const candidate = requireRole('CANDIDATE');
    const candidateIdOf = (id: string | undefined): string => {
      if (!id) throw new DomainError('FORBIDDEN', '无权访问', 403);
      return id;
    };

    router.get('/inbox', candidate, async (req, res) => {
      const { cursor } = parse(inboxQuerySchema, req.query);
      res.json(await listInbox(deps.prisma, candidateIdOf(req.auth?.candidateId), cursor));
    });

    router.get('/inbox/unread', candidate, async (req, res) => {
      const body: InboxUnreadResponse = { unread: await countUnread(deps.prisma, candidateIdOf(req.auth?.candidateId)) };
      res.json(body);
    });

    router.post('/inbox/read-all', candidate, async (req, res) => {
      await markAllRead(deps.prisma, candidateIdOf(req.auth?.candidateId), deps.now());
      res.status(204).end();
    });

    router.post('/inbox/:id/read', candidate, async (req, res) => {
      await markRead(deps.prisma, candidateIdOf(req.auth?.candidateId), String(req.params.id), deps.now());
      res.status(204).end();
    });

    // 通知设置: the candidate's own preferences only (mandatory notices cannot be muted)
    router.get('/preferences', candidate, async (req, res) => {
      res.json(await getPreferences(deps, candidateIdOf(req.auth?.candidateId)));
    });

    router.put('/preferences', candidate, async (req, res) => {
      const body = parse(notificationPreferencesSchema, req.body);
      res.json(await putPreferences(deps, candidateIdOf(req.auth?.candidateId), body, req.ip ?? null));
    });

    // The SMS provider's delivery-receipt push (Aliyun SmsReport): no session; the secret path segment is the proof.
    router.post('/sms-receipts/:token', async (req, res) => {
      res.json(await recordReceiptPush(deps, String(req.params.token), req.body));
    });

    router.get('/health/queues', requireRole('ADMIN'), async (_req, res) => {
      res.json(await queueHealth(deps.producer));
    });

    // 通知发送状态: the admin's district only (outbox-status.routes.ts)
    outboxStatusRoutes(deps)(router);

    // 运维: the read-only queue dashboard (bull-board) and the audit-log search (operations.routes.ts)
    operationsRoutes(deps)(router);
  };
}

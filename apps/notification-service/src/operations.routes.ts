import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { NextFunction, Request, Response, Router } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BULL_BOARD_PATH, QUEUE_LABELS, auditSearchQuerySchema } from '@exam/api';
import { requireRole, writeAudit, type AuthContext } from '@exam/auth';
import { parse } from '@exam/http';
import { DomainError } from '@exam/domain';
import { QUEUE_NAMES } from '@exam/queue';
import type { NotificationDeps } from './notification-deps.js';
import { searchAudit } from './audit-search.service.js';

/** bull-board's mount point inside the service router (/api/notification + this = BULL_BOARD_PATH). */
const BOARD_MOUNT = '/admin/queues';

/**
 * The Content-Security-Policy of the dashboard's responses only (the rest of the site keeps the gateway's and
 * helmet's stricter ones): bull-board's page and its scripts come from this path ('self'); its HTML carries inline
 * style attributes and a <style> element, so styles need 'unsafe-inline' (as the shell's own policy already allows);
 * no inline or foreign scripts, no eval, no framing, no form posts elsewhere. Its Google Fonts link is refused (the
 * page falls back to system fonts): the dashboard makes no request off our origin.
 */
export const BULL_BOARD_CSP = [
  `default-src 'self'`,
  `script-src 'self'`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data:`,
  `font-src 'self' data:`,
  `connect-src 'self'`,
  `object-src 'none'`,
  `frame-src 'none'`,
  `base-uri 'self'`,
  `form-action 'self'`,
  `frame-ancestors 'none'`,
].join('; ');

const authOf = (req: Request): AuthContext => {
  if (!req.auth) throw new DomainError('UNAUTHENTICATED', '请先登录', 401);
  return req.auth;
};

/** The dashboard, read-only, over every queue of QUEUE_NAMES under the run's prefix (the producer's queues). */
function bullBoardRouter(deps: NotificationDeps) {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  // resolved here rather than by bull-board's own eval(require.resolve) so the bundled service finds it too
  const uiBasePath = dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));
  createBullBoard({
    queues: QUEUE_NAMES.map(
      (name) => new BullMQAdapter(deps.producer.queue(name), { readOnlyMode: true, displayName: `${QUEUE_LABELS[name] ?? name}（${name}）` }),
    ),
    // @bull-board/express 9.10.1 carries its own copy of @bull-board/api 9.10.1: the same adapter interface, a separate
    // declaration (the page and API are served by the root @bull-board/api and @bull-board/ui 9.10.2, which match)
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiBasePath, uiConfig: { boardTitle: '队列面板', locale: { lng: 'zh-CN' } } },
  });
  return serverAdapter.getRouter();
}

/**
 * /api/notification/admin/queues/* (the bull-board dashboard) and /api/notification/admin/audit (the audit-log
 * search): ADMIN only. The dashboard is read-only — see docs/ARCHITECTURE.md (运维) for why.
 */
export function operationsRoutes(deps: NotificationDeps) {
  return (router: Router): void => {
    const admin = requireRole('ADMIN');

    router.get('/admin/audit', admin, async (req, res) => {
      const q = parse(auditSearchQuerySchema, req.query);
      const auth = authOf(req);
      const result = await searchAudit(deps, auth.user.districtCode, q);
      // the first page of a search is a read of who did what: recorded (the following pages are the same search)
      if (!q.cursor) {
        await writeAudit(deps.prisma, {
          actorType: 'STAFF',
          actorId: auth.user.id,
          action: 'ops.audit_search',
          targetType: 'AuditLog',
          ip: req.ip ?? null,
          details: {
            candidate: q.candidate,
            actor: q.actor,
            action: q.action,
            from: q.from,
            to: q.to,
          },
        });
      }
      res.json(result);
    });

    const board = bullBoardRouter(deps);
    const boardGuard = async (req: Request, res: Response, next: NextFunction) => {
      // read-only: nothing but GET/HEAD reaches bull-board (its pause/retry/clean/remove routes are PUT/POST/DELETE)
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new DomainError('READ_ONLY', '队列面板为只读，不能在此重试、清理或删除任务', 405);
      }
      res.setHeader('Content-Security-Policy', BULL_BOARD_CSP);
      const isPage = !req.path.startsWith('/api/') && !req.path.startsWith('/static/');
      if (isPage) {
        const auth = authOf(req);
        await writeAudit(deps.prisma, {
          actorType: 'STAFF',
          actorId: auth.user.id,
          action: 'ops.queue_dashboard_view',
          targetType: 'Queue',
          ip: req.ip ?? null,
        });
      }
      next();
    };
    router.use(BOARD_MOUNT, admin, boardGuard, board);
  };
}

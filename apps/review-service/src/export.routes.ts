import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { CSRF_HEADER, exportQuerySchema } from '@exam/api';
import { requireRole, type AuthContext } from '@exam/auth';
import { DomainError } from '@exam/domain';
import { parse } from '@exam/http';
import { exportProgress, exportResults, type ExportTarget } from './export.service.js';
import type { ReviewDeps } from './review-deps.js';
import { districtScope } from './review-scope.js';

const authOf = (req: Request): AuthContext => req.auth as AuthContext; // set: requireRole ran first

function target(res: Response): ExportTarget {
  return {
    out: res,
    start(fileName, title, contentType) {
      res.status(200);
      res.setHeader('Content-Type', contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(title)}`);
    },
  };
}

/**
 * A full-number export is a GET (the browser streams it) that must still come from our page: it needs the CSRF
 * header, as writes do, so a link on another site cannot make an admin's browser produce (and audit) one.
 */
function assertSamePage(req: Request): void {
  const header = Buffer.from(req.get(CSRF_HEADER) ?? '', 'utf8');
  const token = Buffer.from(authOf(req).csrfToken, 'utf8');
  if (header.length !== token.length || !timingSafeEqual(header, token)) {
    throw new DomainError('CSRF_FAILED', '页面已过期，请刷新后重试', 403);
  }
}

/**
 * /api/review/admin/exports/…: the district admin's 结果导出 (own district only), .xlsx or CSV streamed to the
 * response. `full=1` (results only) puts full ID numbers in the file: audited, and only from our page.
 */
export function exportRoutes(deps: ReviewDeps) {
  return (router: Router): void => {
    const admin = requireRole('ADMIN');

    router.get('/admin/exports/results', admin, async (req, res) => {
      const query = parse(exportQuerySchema, req.query);
      const full = query.full === '1';
      if (full) assertSamePage(req);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId);
      await exportResults(deps, authOf(req), scope, { format: query.format, full, ip: req.ip ?? null }, target(res));
    });

    router.get('/admin/exports/progress', admin, async (req, res) => {
      const query = parse(exportQuerySchema, req.query);
      if (query.full === '1') throw new DomainError('EXPORT_NO_ID_NUMBERS', '各考点进度不含身份证号，无需导出完整号码', 400);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId);
      await exportProgress(deps, authOf(req), scope, { format: query.format, ip: req.ip ?? null }, target(res));
    });
  };
}

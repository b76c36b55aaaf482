import type { Request, Router } from 'express';
import { requireRole, type AuthContext } from '@exam/auth';
import { parse } from '@exam/http';
import { listCandidates } from './candidate-list.service.js';
import { districtProgress } from './progress.service.js';
import type { ReviewDeps } from './review-deps.js';
import { districtScope, reviewListQuerySchema, siteScope } from './review-scope.js';

const authOf = (req: Request): AuthContext => req.auth as AuthContext; // set: requireRole ran first

/** /api/review: work lists and progress. Review actions (pass / return / reject) mount here next. */
export function reviewRoutes(deps: ReviewDeps) {
  return (router: Router): void => {
    const site = requireRole('SITE_REVIEWER');
    const district = requireRole('DISTRICT_REVIEWER', 'ADMIN');

    router.get('/site/candidates', site, async (req, res) => {
      const query = parse(reviewListQuerySchema, req.query);
      const scope = await siteScope(deps.prisma, authOf(req), query.examYearId);
      res.json(await listCandidates(deps.prisma, scope, query));
    });

    router.get('/district/candidates', district, async (req, res) => {
      const query = parse(reviewListQuerySchema, req.query);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId, query.siteId);
      res.json(await listCandidates(deps.prisma, scope, query));
    });

    router.get('/district/progress', district, async (req, res) => {
      const query = parse(reviewListQuerySchema.pick({ examYearId: true }), req.query);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId);
      res.json(await districtProgress(deps.prisma, scope));
    });
  };
}

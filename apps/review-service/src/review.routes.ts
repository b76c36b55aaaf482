import type { Request, Router } from 'express';
import { publishSchema, queueNextSchema, reviewDecisionSchema } from '@exam/api';
import { requireRole, type AuthContext } from '@exam/auth';
import { parse } from '@exam/http';
import { listCandidates } from './candidate-list.service.js';
import { decideDossier } from './review-decision.service.js';
import { getReviewDossier, revealIdNumber } from './review-dossier.service.js';
import { districtProgress, statusCounts } from './progress.service.js';
import { publicationStatus, publishResults } from './publication.service.js';
import { claimNextDossier } from './review-queue.service.js';
import { rosterRoutes } from './roster.routes.js';
import type { ReviewDeps } from './review-deps.js';
import { districtScope, reviewListQuerySchema, siteScope } from './review-scope.js';

const authOf = (req: Request): AuthContext => req.auth as AuthContext; // set: requireRole ran first
const yearQuery = reviewListQuerySchema.pick({ examYearId: true });
const districtCountsQuery = reviewListQuerySchema.pick({ examYearId: true, siteId: true });

/**
 * /api/review: work lists, counts and progress, one dossier, decisions, 发布结果. Every route names its roles;
 * every dossier is reached through its scope (a site reviewer's own site, district staff's district).
 * /admin/roster-imports…: the district admin's roster import (roster.routes.ts).
 * The authorisation matrix test (review-authz.test.ts) lists each of these routes.
 */
export function reviewRoutes(deps: ReviewDeps) {
  return (router: Router): void => {
    const site = requireRole('SITE_REVIEWER');
    const district = requireRole('DISTRICT_REVIEWER', 'ADMIN');
    const reviewer = requireRole('SITE_REVIEWER', 'DISTRICT_REVIEWER', 'ADMIN');
    const decider = requireRole('SITE_REVIEWER', 'DISTRICT_REVIEWER');

    router.get('/site/candidates', site, async (req, res) => {
      const query = parse(reviewListQuerySchema, req.query);
      const scope = await siteScope(deps.prisma, authOf(req), query.examYearId);
      res.json(await listCandidates(deps.prisma, scope, query));
    });

    router.get('/site/counts', site, async (req, res) => {
      const query = parse(yearQuery, req.query);
      res.json(await statusCounts(deps.prisma, await siteScope(deps.prisma, authOf(req), query.examYearId)));
    });

    router.get('/district/candidates', district, async (req, res) => {
      const query = parse(reviewListQuerySchema, req.query);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId, query.siteId);
      res.json(await listCandidates(deps.prisma, scope, query));
    });

    router.get('/district/counts', district, async (req, res) => {
      const query = parse(districtCountsQuery, req.query);
      res.json(await statusCounts(deps.prisma, await districtScope(deps.prisma, authOf(req), query.examYearId, query.siteId)));
    });

    router.get('/district/progress', district, async (req, res) => {
      const query = parse(yearQuery, req.query);
      const scope = await districtScope(deps.prisma, authOf(req), query.examYearId);
      res.json(await districtProgress(deps.prisma, scope));
    });

    router.get('/district/publication', district, async (req, res) => {
      const query = parse(yearQuery, req.query);
      res.json(await publicationStatus(deps, await districtScope(deps.prisma, authOf(req), query.examYearId)));
    });

    router.post('/district/publish', district, async (req, res) => {
      const body = parse(publishSchema, req.body ?? {});
      const scope = await districtScope(deps.prisma, authOf(req), body.examYearId);
      res.json(await publishResults(deps, authOf(req), scope, body.confirmOpen, req.ip ?? null));
    });

    router.post('/queue/next', decider, async (req, res) => {
      const body = parse(queueNextSchema, req.body ?? {});
      const auth = authOf(req);
      const scope =
        auth.role === 'SITE_REVIEWER' ? await siteScope(deps.prisma, auth) : await districtScope(deps.prisma, auth, undefined, body.siteId);
      res.json(await claimNextDossier(deps, auth, scope, { skip: body.skip }));
    });

    router.get('/dossiers/:id', reviewer, async (req, res) => {
      res.json(await getReviewDossier(deps, authOf(req), String(req.params.id)));
    });

    router.post('/dossiers/:id/decision', decider, async (req, res) => {
      const body = parse(reviewDecisionSchema, req.body ?? {});
      res.json(await decideDossier(deps, authOf(req), String(req.params.id), body, req.ip ?? null));
    });

    router.post('/dossiers/:id/id-number', reviewer, async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ idNumber: await revealIdNumber(deps, authOf(req), String(req.params.id), req.ip ?? null) });
    });

    // the district admin's roster import (ADMIN only)
    rosterRoutes(deps)(router);
  };
}

import type { Router } from 'express';
import { resultsQuerySchema } from '@exam/api';
import type { PrismaClient } from '@exam/db';
import { parse } from '@exam/http';
import { resultsApiAuth, type ResultsApiAuthOptions } from './results-api-auth.js';
import { resultsApiReferenceHtml } from './results-api-reference.js';
import { resultsOpenApiDocument } from './results-api-openapi.js';
import { publishedResultsPage } from './results-api.service.js';

export interface ResultsApiDeps extends ResultsApiAuthOptions {
  prisma: PrismaClient;
}

/**
 * /api/review/v1: the results API of the registration system (signed requests, no session, no CSRF — GET only),
 * its OpenAPI 3.1 document and a reference page (both public: they describe, they hold no data).
 */
export function resultsApiRoutes(deps: ResultsApiDeps) {
  return (router: Router): void => {
    router.get('/v1/openapi.json', (_req, res) => {
      res.json(resultsOpenApiDocument());
    });
    router.get('/v1/docs', (_req, res) => {
      res.type('html').send(resultsApiReferenceHtml());
    });
    router.get('/v1/results', resultsApiAuth(deps), async (req, res) => {
      const query = parse(resultsQuerySchema, req.query);
      res.json(await publishedResultsPage(deps.prisma, req.resultsClient!.districtCode, query));
    });
  };
}

import express, { type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.js';
import { requestId } from './request-id.js';
import { errorHandler, notFoundHandler, type ErrorMapper } from './errors.js';
import { runReadiness, type ReadinessCheck } from './readiness.js';
import { guardBodyType, guardJsonBody, guardUrl } from './input-guard.js';
import { METRICS_PATH, createServiceMetrics, type ServiceMetrics } from './metrics.js';

export type ServiceName = 'identity' | 'material' | 'review' | 'notification';

export interface ServiceAppOptions {
  service: ServiceName;
  logger: Logger;
  /** Named readiness checks, run by /readyz (e.g. { db: pgReadiness(prisma), redis: redisReadiness(redis) }). */
  readiness: Record<string, ReadinessCheck>;
  /** Express `trust proxy` (true, a hop count or e.g. 'loopback, uniquelocal'), so req.ip is the client's address behind the gateway. */
  trustProxy?: boolean | string | number;
  /** Mounts the service's routes on the router that lives at /api/<service>. */
  routes: (router: Router) => void;
  /** Middleware for the service router before its routes (e.g. authMiddleware). Health routes come first. */
  beforeRoutes?: (router: Router) => void;
  /** Translates service-specific errors (e.g. multer's) into DomainErrors for the error handler. */
  mapError?: ErrorMapper;
  /** JSON body limit (default 100kb). */
  jsonLimit?: string;
  /** The service's metrics (default: a fresh registry); pass one to register the service's own metrics on it. */
  metrics?: ServiceMetrics;
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

function healthRoutes(router: Router, readiness: Record<string, ReadinessCheck>, logger: Logger): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const r = await runReadiness(readiness);
    if (r.ok) {
      res.json({ status: 'ok', checks: r.checks });
      return;
    }
    for (const name of r.failed) logger.warn({ check: name, err: r.errors[name] }, 'readiness check failed');
    res.status(503).json({ status: 'unavailable', checks: r.checks, failed: r.failed });
  });
}

/**
 * The Express app of one service: security headers, request ids, JSON access logs, input guards, a JSON body parser,
 * the service's routes under /api/<service>, /healthz and /readyz (at / and under /api/<service>), Prometheus
 * /metrics (at / only), a JSON 404 and the single error handler.
 */
export function createServiceApp(opts: ServiceAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // `true` would believe X-Forwarded-For from anyone: it means the gateway on loopback. runService narrows it to GATEWAY_ADDRESSES.
  app.set('trust proxy', opts.trustProxy === true ? 'loopback' : (opts.trustProxy ?? false));
  app.set('query parser', 'simple');

  // request latency by route pattern, served at /metrics (the root, never under /api: the gateway does not forward it)
  const metrics = opts.metrics ?? createServiceMetrics(opts.service);
  app.use(metrics.middleware);
  app.use(requestId());
  const isProbe = (url: string | undefined) => /(^|\/)(healthz|readyz)$/.test(pathOf(url));
  app.use(
    pinoHttp({
      logger: opts.logger,
      genReqId: (req) => req.id,
      wrapSerializers: false,
      serializers: {
        req: (req: Request) => ({ id: req.id, method: req.method, path: pathOf(req.originalUrl ?? req.url) }),
        res: (res: Response) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: (req, res) => `${req.method} ${pathOf((req as Request).originalUrl ?? req.url)} ${res.statusCode}`,
      customErrorMessage: (req, res) => `${req.method} ${pathOf((req as Request).originalUrl ?? req.url)} ${res.statusCode}`,
      autoLogging: { ignore: (req) => isProbe(req.url) || pathOf(req.url) === METRICS_PATH },
      quietReqLogger: true,
    }),
  );
  app.use(helmet());
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Bad input answers 400/413/415 here, before any route: an undecodable or NUL-bearing URL, a body type we do
  // not read, malformed or oversized JSON, NUL characters or lone surrogates in the JSON (input-guard.ts).
  app.use(guardUrl());
  app.use(guardBodyType());
  app.use(express.json({ limit: opts.jsonLimit ?? '100kb' }));
  app.use(guardJsonBody());
  app.use(cookieParser());

  const root = express.Router();
  healthRoutes(root, opts.readiness, opts.logger);
  root.get(METRICS_PATH, metrics.handler);
  app.use(root);

  const router = express.Router();
  metrics.markRouter(router);
  healthRoutes(router, opts.readiness, opts.logger);
  opts.beforeRoutes?.(router);
  opts.routes(router);
  app.use(`/api/${opts.service}`, router);

  app.use(notFoundHandler());
  app.use(errorHandler(opts.mapError));
  return app;
}

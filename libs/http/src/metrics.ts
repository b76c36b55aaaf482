// Prometheus metrics (prom-client): every service answers GET /metrics at its root — never under /api/<service>, so
// the gateway, which forwards /api/<service>/… only, never exposes it — with a request-latency histogram labelled by
// the Express route pattern (`/api/material/images/:id/:variant`, never the URL with its ids) and the process's own
// metrics (CPU, memory, event-loop lag, GC). The workers serve the same text on their health port.
import type { Request, RequestHandler, Router } from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_PATH = '/metrics';

/** Seconds: a page's API calls are tens of ms, an upload a few hundred, anything over 2 s is a problem. */
export const HTTP_LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The route label of a request no route matched (404s, input-guard refusals before routing). */
export const UNMATCHED_ROUTE = '(unmatched)';

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (process_cpu_*, process_resident_memory_bytes, nodejs_eventloop_lag_*, nodejs_gc_*…):
 * collected once per process, however many registries show them.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The Prometheus text of `registries` plus the process's own metrics. */
export async function renderMetrics(registries: readonly Registry[]): Promise<{ contentType: string; body: string }> {
  // each registry renders itself (its default labels, e.g. `service`, are applied there; Registry.merge would drop them)
  const all = [...registries, processMetrics()];
  const texts = await Promise.all(all.map((r) => r.metrics()));
  return { contentType: all[0]!.contentType, body: texts.map((t) => t.trimEnd()).filter(Boolean).join('\n\n') + '\n' };
}

const ROUTE_BASE = Symbol('exam.metrics.routeBase');
type WithRouteBase = Request & { [ROUTE_BASE]?: string };

/** `req.route.path` as a label: a string pattern, or the patterns of an array route. */
function pattern(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(String).join('|');
  return path instanceof RegExp ? String(path) : undefined;
}

/** The matched route's full pattern (mount path + route path), or UNMATCHED_ROUTE. Never the request's URL. */
export function routeLabel(req: Request): string {
  const route = pattern((req.route as { path?: unknown } | undefined)?.path);
  if (route === undefined) return UNMATCHED_ROUTE;
  const base = (req as WithRouteBase)[ROUTE_BASE] ?? '';
  return base + (route === '/' && base ? '' : route);
}

export interface ServiceMetrics {
  /** The service's registry: `service` is a default label; a service may register its own metrics on it. */
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** First middleware of the app: times every request and observes it when the response is done. */
  middleware: RequestHandler;
  /**
   * First middleware of a mounted router: remembers its mount path, so that the route label is the full pattern even
   * when the router was left by an error before the response was written.
   */
  markRouter(router: Router): void;
  /** GET /metrics. */
  handler: RequestHandler;
}

const IGNORED = /(^|\/)(healthz|readyz|metrics)$/;

/** Metrics of one service app (a fresh registry: apps built side by side in tests do not collide). */
export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the service to the last byte of its response, by Express route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [...HTTP_LATENCY_BUCKETS],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const path = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
      if (IGNORED.test(path)) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // a client that went away before the answer was written: 499, as nginx logs it
      const status = res.writableFinished ? String(res.statusCode) : '499';
      httpDuration.observe({ method: req.method, route: routeLabel(req), status_code: status }, seconds);
    });
    next();
  };

  return {
    registry,
    httpDuration,
    middleware,
    markRouter(router) {
      router.use((req, _res, next) => {
        (req as WithRouteBase)[ROUTE_BASE] = req.baseUrl;
        next();
      });
    },
    handler: (_req, res, next) => {
      renderMetrics([registry]).then(({ contentType, body }) => {
        res.setHeader('Content-Type', contentType);
        res.send(body);
      }, next);
    },
  };
}

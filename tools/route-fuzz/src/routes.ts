// The routes of an Express 5 app, read from its router stack (router 2.x layers), and a per-route count of the
// requests that reached each of its handlers, so the fuzz can prove it drove every route to its own handler.
import type { Express } from 'express';

type Handle = ((...args: unknown[]) => unknown) & { stack?: Layer[] };
interface Layer {
  name: string;
  /** route handlers: the lower-case method they serve (undefined: every method) */
  method?: string;
  handle: Handle;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined>; stack: Layer[] };
}

export interface AppRoute {
  /** upper case, e.g. POST */
  method: string;
  /** full path with parameters, e.g. /api/review/dossiers/:id/decision */
  path: string;
  /** `${method} ${path}` */
  key: string;
  /** parameter names in path order */
  params: string[];
  /** how many requests reached each handler of the route (the last one is the route's own) */
  reached: number[];
}

const PARAM = /[:*]([A-Za-z0-9_]+)/g;

function mountPath(layer: Layer): string {
  const p = layer.rawPath;
  if (p === undefined || p === '/') return '';
  if (typeof p !== 'string') throw new Error(`route fuzz: cannot read the mount path of layer ${layer.name} (${String(p)})`);
  return p.replace(/\/$/, '');
}

/**
 * Every route of `app` (every method of every `router.METHOD(path, …)` layer, through mounted routers), with each
 * route handler wrapped to count the requests that reach it. Throws on a layer it cannot read (a RegExp or array
 * path), so a route is never silently left out.
 */
export function instrumentRoutes(app: Express): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path, methods, stack: handlers } = layer.route;
        if (typeof path !== 'string') throw new Error(`route fuzz: route path ${String(path)} under ${prefix} is not a string`);
        const full = `${prefix}${path}`;
        const params = [...full.matchAll(PARAM)].map((m) => m[1]!);
        for (const [m, on] of Object.entries(methods)) {
          if (!on || m === '_all') continue;
          const method = m.toUpperCase();
          const key = `${method} ${full}`;
          // the same method and path may be registered twice (e.g. a limiter before the route): one route, all handlers
          let route = routes.find((r) => r.key === key);
          if (!route) {
            route = { method, path: full, key, params, reached: [] };
            routes.push(route);
          }
          const own = handlers.filter((h) => h.method === undefined || h.method === m);
          const offset = route.reached.length;
          route.reached.push(...own.map(() => 0));
          own.forEach((h, i) => {
            const inner = h.handle;
            const counted = route;
            // same arity as a plain handler (router skips functions of arity 4 as error handlers)
            h.handle = function (this: unknown, req: { method: string }, res: unknown, next: unknown) {
              const asked = req.method === 'HEAD' && method === 'GET' ? 'GET' : req.method;
              if (asked === method) counted.reached[offset + i] = (counted.reached[offset + i] ?? 0) + 1;
              return inner.call(this, req, res, next);
            } as Handle;
          });
        }
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, prefix + mountPath(layer));
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return routes;
}

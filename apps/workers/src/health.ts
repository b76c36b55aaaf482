import type { AddressInfo } from 'node:net';
import { createHttpServer, runReadiness, type ReadinessCheck } from '@exam/http';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (the process is up), `/readyz` (every dependency answers) and, given `metrics`, Prometheus `/metrics` on a
 * plain node http server.
 */
export async function startHealthServer(
  port: number,
  host: string,
  checks: Record<string, ReadinessCheck>,
  opts: { metrics?: () => Promise<{ contentType: string; body: string }> } = {},
): Promise<HealthServer> {
  // request, header and keep-alive timeouts of every server of the system (SERVER_TIMEOUTS)
  const server = createHttpServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: { code: 'METHOD_NOT_ALLOWED', message: '不支持的请求方法' } });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path === '/readyz') {
      runReadiness(checks).then(
        (r) => send(r.ok ? 200 : 503, { status: r.ok ? 'ok' : 'unavailable', checks: r.checks }),
        () => send(503, { status: 'unavailable' }),
      );
      return;
    }
    if (path === '/metrics' && opts.metrics) {
      opts.metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => send(500, { error: { code: 'INTERNAL', message: '服务器内部错误' } }),
      );
      return;
    }
    send(404, { error: { code: 'NOT_FOUND', message: '资源不存在' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

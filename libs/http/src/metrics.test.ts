import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@exam/domain';
import { Counter } from 'prom-client';
import { UNMATCHED_ROUTE, createLogger, createServiceApp, createServiceMetrics } from './index.js';

const silent = createLogger('test', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));

function buildApp(metrics = createServiceMetrics('material')) {
  const app = createServiceApp({
    service: 'material',
    logger: silent,
    readiness: {},
    metrics,
    routes: (r) => {
      r.get('/images/:id/:variant', (req, res) => void res.json({ id: req.params['id'] }));
      r.get('/dossier', (_req, res) => void res.json({ ok: true }));
      r.post('/dossier/submit', () => {
        throw new DomainError('WINDOW_CLOSED', '上传时间已截止', 409);
      });
      r.get('/slow', async (_req, res) => {
        await new Promise((ok) => setTimeout(ok, 30));
        res.json({ ok: true });
      });
    },
  });
  return { app, metrics };
}

/** `name{labels} value` lines of the text format. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(l)!;
      const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { labels, value: Number(m[2]) };
    });
}

describe('GET /metrics', () => {
  it('answers in the Prometheus text format with a latency histogram per route pattern, never the URL with its ids', async () => {
    const { app } = buildApp();
    const ids = ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c'];
    for (const id of ids) expect((await request(app).get(`/api/material/images/${id}/thumb?x=1`)).status).toBe(200);
    await request(app).get('/api/material/dossier');
    await request(app).post('/api/material/dossier/submit').set('content-type', 'application/json').send('{}');
    await request(app).get('/api/material/no/such/route');
    await request(app).get('/api/material/slow');

    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8/);
    const text = res.text;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).not.toContain(ids[0]);

    const counts = samples(text, 'http_request_duration_seconds_count');
    const count = (route: string, status: string, method = 'GET') =>
      counts.find((s) => s.labels['route'] === route && s.labels['status_code'] === status && s.labels['method'] === method)?.value;
    expect(count('/api/material/images/:id/:variant', '200')).toBe(2);
    expect(count('/api/material/dossier', '200')).toBe(1);
    // an error thrown by the route still carries its pattern; an unknown path is not a label of its own
    expect(count('/api/material/dossier/submit', '409', 'POST')).toBe(1);
    expect(count(UNMATCHED_ROUTE, '404')).toBe(1);
    expect(counts.every((s) => s.labels['service'] === 'material')).toBe(true);
    expect(counts.map((s) => s.labels['route'])).not.toContain('/api/material/no/such/route');

    // buckets are cumulative; the slow route is above 25 ms
    const slow = samples(text, 'http_request_duration_seconds_bucket').filter((s) => s.labels['route'] === '/api/material/slow');
    expect(slow.find((s) => s.labels['le'] === '0.025')?.value).toBe(0);
    expect(slow.find((s) => s.labels['le'] === '+Inf')?.value).toBe(1);
    // the process's own metrics too
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('probes and scrapes are not requests of the service', async () => {
    const { app } = buildApp();
    await request(app).get('/healthz');
    await request(app).get('/api/material/readyz');
    await request(app).get('/metrics');
    const text = (await request(app).get('/metrics')).text;
    expect(samples(text, 'http_request_duration_seconds_count')).toEqual([]);
  });

  it('lives at the service root only: /api/<service>/metrics (what the gateway forwards) is a 404', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/api/material/metrics');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('http_request_duration_seconds');
  });

  it('a service may add its own metrics to its registry', async () => {
    const metrics = createServiceMetrics('material');
    const uploads = new Counter({ name: 'exam_test_uploads_total', help: 'test', registers: [metrics.registry] });
    uploads.inc(3);
    const { app } = buildApp(metrics);
    expect(samples((await request(app).get('/metrics')).text, 'exam_test_uploads_total')).toEqual([{ labels: { service: 'material' }, value: 3 }]);
  });
});

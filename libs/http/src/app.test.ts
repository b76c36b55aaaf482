import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { z } from 'zod';
import { Redis } from 'ioredis';
import { DomainError } from '@exam/domain';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@exam/testing';
import { createPrismaClient } from '@exam/db';
import { createLogger, createServiceApp, parse, pgReadiness, redisReadiness, startHttpServer } from './index.js';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger('test', 'info', stream), lines };
}

const bodySchema = z.object({ name: z.string({ error: '请输入姓名' }).min(2, '姓名至少两个字') });

function buildApp(readiness: Record<string, () => Promise<void>> = {}) {
  const { logger, lines } = memoryLogger();
  const app = createServiceApp({
    service: 'material',
    logger,
    readiness,
    routes: (r) => {
      r.post('/echo', (req, res) => {
        const body = parse(bodySchema, req.body);
        res.json({ name: body.name });
      });
      r.get('/domain', () => {
        throw new DomainError('WINDOW_CLOSED', '上传时间已截止', 409, { until: 'x' });
      });
      r.get('/boom', async () => {
        throw new Error('secret internal detail');
      });
      r.get('/login', (req, res) => {
        req.log.info({ password: 'hunter2', user: { idNumber: '110101199001011234' } }, 'login attempt');
        res.cookie('exam_sid', 'abc').json({ ok: true });
      });
    },
  });
  return { app, lines };
}

describe('createServiceApp', () => {
  it('sets security headers, no-store and a request id', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/api/material/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a sane incoming request id and replaces an insane one', async () => {
    const { app } = buildApp();
    const ok = await request(app).get('/healthz').set('x-request-id', 'gw-1234567890');
    expect(ok.headers['x-request-id']).toBe('gw-1234567890');
    const bad = await request(app).get('/healthz').set('x-request-id', 'bad id <script>');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = buildApp();
    const res = await request(app).get('/api/material/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: '接口不存在' } });
  });

  it('maps validation errors to 400 with the first Chinese message and per-field details', async () => {
    const { app } = buildApp();
    const res = await request(app).post('/api/material/echo').send({ name: 'a' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: '姓名至少两个字', details: { fields: { name: '姓名至少两个字' } } },
    });
    const missing = await request(app).post('/api/material/echo').send({});
    expect(missing.body.error.message).toBe('请输入姓名');
    const wrongType = await request(app).post('/api/material/echo').send([1]);
    expect(wrongType.body.error.message).toMatch(/^无效输入/); // zod's own message, in Chinese
    expect(await request(app).post('/api/material/echo').send({ name: '张三' }).then((r) => r.body)).toEqual({ name: '张三' });
  });

  it('maps malformed JSON to 400 and oversized bodies to 413', async () => {
    const { app } = buildApp();
    const bad = await request(app).post('/api/material/echo').set('content-type', 'application/json').send('{"name":');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 'BAD_JSON', message: '请求格式不正确' } });
    const big = await request(app)
      .post('/api/material/echo')
      .send({ name: 'x'.repeat(101 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps DomainError to its status and hides unexpected errors behind a logged 500', async () => {
    const { app, lines } = buildApp();
    const d = await request(app).get('/api/material/domain');
    expect(d.status).toBe(409);
    expect(d.body).toEqual({ error: { code: 'WINDOW_CLOSED', message: '上传时间已截止', details: { until: 'x' } } });
    const boom = await request(app).get('/api/material/boom');
    expect(boom.status).toBe(500);
    expect(boom.body).toEqual({ error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试' } });
    expect(JSON.stringify(boom.body)).not.toContain('secret');
    const logged = lines.find((l) => (l['req'] as { path?: string } | undefined)?.path === '/api/material/boom');
    expect(logged).toMatchObject({ level: 'error', res: { statusCode: 500 } });
    expect((logged?.['err'] as { stack?: string })?.stack).toContain('secret internal detail');
  });

  it('logs one JSON line per request with id, method, path, status and duration, without secrets', async () => {
    const { app, lines } = buildApp();
    await request(app)
      .get('/api/material/login?registrationNo=123')
      .set('cookie', 'exam_sid=supersecret')
      .set('authorization', 'Bearer supersecret')
      .set('x-request-id', 'req-abcdefgh');
    const access = lines.find((l) => (l['req'] as { path?: string } | undefined)?.path === '/api/material/login');
    expect(access).toMatchObject({
      service: 'test',
      req: { id: 'req-abcdefgh', method: 'GET', path: '/api/material/login' },
      res: { statusCode: 200 },
    });
    expect(typeof access?.['responseTime']).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('supersecret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('110101199001011234');
    expect(text).not.toContain('registrationNo=123');
    const attempt = lines.find((l) => l['msg'] === 'login attempt');
    expect(attempt).toMatchObject({ reqId: 'req-abcdefgh', password: '[REDACTED]' });
  });
});

describe('readiness', () => {
  let db: TestDatabase | undefined;
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    redis.disconnect();
    await db?.drop();
  });

  it('reports every check; 503 names the failed ones', async () => {
    db = await createTestDatabase();
    const prisma = createPrismaClient(db.url);
    try {
      const { app } = buildApp({
        db: pgReadiness(prisma),
        redis: redisReadiness(redis),
        broken: () => Promise.reject(new Error('down')),
      });
      const res = await request(app).get('/api/material/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { db: 'ok', redis: 'ok', broken: 'fail' }, failed: ['broken'] });
      const healthy = buildApp({ db: pgReadiness(prisma), redis: redisReadiness(redis) });
      const ok = await request(healthy.app).get('/readyz');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ status: 'ok', checks: { db: 'ok', redis: 'ok' } });
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('startHttpServer', () => {
  it('lets an in-flight request finish on close and then stops accepting', async () => {
    const { logger } = memoryLogger();
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (entered = resolve));
    const app = createServiceApp({
      service: 'review',
      logger,
      readiness: {},
      routes: (r) =>
        r.get('/slow', async (_req, res) => {
          await new Promise<void>((resolve) => {
            release = resolve;
            entered();
          });
          res.json({ done: true });
        }),
    });
    const handle = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${handle.port}`;
    const inFlight = fetch(`${base}/api/review/slow`).then((r) => r.json());
    await arrived;
    const closed = handle.close();
    release();
    expect(await inFlight).toEqual({ done: true });
    await closed;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '@exam/testing';
import { createLogger, createServiceApp, findInvalidText, observeParse, parse, toErrorResponse } from './index.js';

// A route that does what the login did: it hands a string of the body straight to PostgreSQL, which refuses a
// NUL character in text ("invalid byte sequence for encoding UTF8: 0x00") — that was a 500.
let db: TestDatabase;
let client: pg.Client;
const echoSchema = z.object({ name: z.string().max(100_000) });

function buildApp() {
  return createServiceApp({
    service: 'identity',
    logger: createLogger('input-guard-test', 'silent'),
    readiness: {},
    routes: (r) => {
      r.post('/echo', async (req, res) => {
        const { name } = parse(echoSchema, req.body);
        const { rows } = await client.query<{ name: string }>('SELECT $1::text AS name', [name]);
        res.json(rows[0]);
      });
      r.get('/things/:id', async (req, res) => {
        const { rows } = await client.query<{ id: string }>('SELECT $1::text AS id', [req.params.id]);
        res.json(rows[0]);
      });
      r.get('/search', async (req, res) => {
        const { q } = parse(z.object({ q: z.string().optional() }), req.query);
        const { rows } = await client.query<{ q: string | null }>('SELECT $1::text AS q', [q ?? null]);
        res.json(rows[0]);
      });
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('input guard', () => {
  it('a NUL character in a JSON string answers 400 INVALID_CHARACTERS, not 500, and never reaches PostgreSQL', async () => {
    const app = buildApp();
    const res = await request(app)
      .post('/api/identity/echo')
      .set('content-type', 'application/json')
      .send('{"name":"a\\u0000"}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'INVALID_CHARACTERS', message: '提交内容中含有无效字符（如空字符），请删除后重试', details: { location: 'body', field: 'name' } },
    });
    expect((await request(app).post('/api/identity/echo').send({ name: '张三' })).body).toEqual({ name: '张三' });
  });

  it('a lone surrogate or a NUL in a nested value or a key answers 400 and names the field', async () => {
    const app = buildApp();
    const lone = await request(app).post('/api/identity/echo').set('content-type', 'application/json').send('{"name":"\\ud800x"}');
    expect(lone.status).toBe(400);
    expect(lone.body.error.details).toEqual({ location: 'body', field: 'name' });
    const nested = await request(app).post('/api/identity/echo').send({ name: 'ok', marks: [{ reasonText: 'x\u0000' }] });
    expect(nested.body.error.details).toEqual({ location: 'body', field: 'marks.0.reasonText' });
    const key = await request(app).post('/api/identity/echo').set('content-type', 'application/json').send('{"a\\u0000b":1}');
    expect(key.status).toBe(400);
    expect(key.body.error.code).toBe('INVALID_CHARACTERS');
    // a surrogate pair is fine
    expect((await request(app).post('/api/identity/echo').send({ name: '😀' })).body).toEqual({ name: '😀' });
  });

  it('a malformed % escape in a route parameter answers 400 BAD_URL, not 500', async () => {
    const app = buildApp();
    for (const bad of ['%E0%A4%A', '%ZZ', '%', '%ED%A0%80']) {
      const res = await request(app).get(`/api/identity/things/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body).toEqual({ error: { code: 'BAD_URL', message: '请求地址编码不正确' } });
    }
    expect((await request(app).get('/api/identity/things/%E5%BC%A0')).body).toEqual({ id: '张' });
  });

  it('a NUL character in a route parameter or a query (q=%00) answers 400, not 500', async () => {
    const app = buildApp();
    const param = await request(app).get('/api/identity/things/a%00b');
    expect(param.status).toBe(400);
    expect(param.body.error).toMatchObject({ code: 'INVALID_CHARACTERS', details: { location: 'path' } });
    const query = await request(app).get('/api/identity/search?q=%00');
    expect(query.status).toBe(400);
    expect(query.body).toEqual({
      error: { code: 'INVALID_CHARACTERS', message: '查询参数中含有无效字符（如空字符），请删除后重试', details: { location: 'query', field: 'q' } },
    });
    const key = await request(app).get('/api/identity/search?%00=1');
    expect(key.status).toBe(400);
    // a bad escape in a query is decoded leniently (U+FFFD), as browsers do: no error
    expect((await request(app).get('/api/identity/search?q=%E0%A4%A')).status).toBe(200);
  });

  it('answers a body of a type no service reads with 415, and an unsupported charset with 415', async () => {
    const app = buildApp();
    const text = await request(app).post('/api/identity/echo').set('content-type', 'text/plain').send('name=x');
    expect(text.status).toBe(415);
    expect(text.body).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '请求内容格式不受支持，请以 JSON 提交' } });
    const none = await request(app).post('/api/identity/echo').set('content-type', '').send(Buffer.from('{"name":"x"}'));
    expect(none.status).toBe(415);
    const charset = await request(app)
      .post('/api/identity/echo')
      .set('content-type', 'application/json; charset=koi8-r')
      .send('{"name":"x"}');
    expect(charset.status).toBe(415);
    expect(charset.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // an empty POST (Content-Length: 0, no type), as browsers send it, is not a body
    const empty = await request(app).post('/api/identity/echo');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('malformed, truncated or oversized JSON answers 400 / 413', async () => {
    const app = buildApp();
    for (const body of ['{"name":', '{"name":"x"', 'nul', '"just a string"', '{"name":"\\x"}']) {
      const res = await request(app).post('/api/identity/echo').set('content-type', 'application/json').send(body);
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toBe('BAD_JSON');
    }
    const big = await request(app).post('/api/identity/echo').send({ name: 'x'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('a deeply nested JSON body is walked without overflowing the stack', async () => {
    const app = buildApp();
    const deep = '['.repeat(40_000) + '"\\u0000"' + ']'.repeat(40_000);
    const res = await request(app).post('/api/identity/echo').set('content-type', 'application/json').send(deep);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CHARACTERS');
    expect(findInvalidText(JSON.parse('['.repeat(40_000) + '1' + ']'.repeat(40_000)))).toBeUndefined();
  });

  it('maps errors of express and its parsers to their 4xx and URIError to BAD_URL', () => {
    expect(toErrorResponse(new URIError('URI malformed'))).toEqual({
      status: 400,
      body: { error: { code: 'BAD_URL', message: '请求地址编码不正确' } },
    });
    const routerError = Object.assign(new Error("Failed to decode param '%E0'"), { status: 400, statusCode: 400 });
    expect(toErrorResponse(routerError)?.status).toBe(400);
    expect(JSON.stringify(toErrorResponse(routerError))).not.toContain('%E0');
    expect(toErrorResponse(Object.assign(new Error('aborted'), { status: 400, type: 'request.aborted' }))?.status).toBe(400);
    expect(toErrorResponse(Object.assign(new Error('x'), { status: 503 }))).toBeUndefined();
  });

  it('lets a test observe the schemas parse is given', () => {
    const seen: unknown[] = [];
    const stop = observeParse((schema, value) => seen.push([schema, value]));
    parse(echoSchema, { name: 'a' });
    stop();
    parse(echoSchema, { name: 'b' });
    expect(seen).toEqual([[echoSchema, { name: 'a' }]]);
  });
});

// The four requests of the hardening issue (item 5) that answered 500, sent to the real services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, serve, type Target } from './client.js';
import { startIdentity, startMaterial, startReview, type FuzzService } from './service-apps.js';

let identity: FuzzService;
let material: FuzzService;
let review: FuzzService;
const targets: Target[] = [];
const at = async (svc: FuzzService) => {
  const t = await serve((req, res) => svc.app(req, res));
  targets.push(t);
  return t;
};

beforeAll(async () => {
  [identity, material, review] = await Promise.all([startIdentity(), startMaterial(), startReview()]);
});
afterAll(async () => {
  for (const t of targets) await t.close();
  for (const s of [identity, material, review]) await s?.close();
});

describe('bad input that answered 500 (hardening item 5)', () => {
  it('a NUL character in the login JSON answers 400, not 500', async () => {
    const res = await send(await at(identity), {
      method: 'POST',
      path: '/api/identity/login',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"candidate","registrationNo":"a\\u0000","password":"x"}',
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'INVALID_CHARACTERS',
        message: '提交内容中含有无效字符（如空字符），请删除后重试',
        details: { location: 'body', field: 'registrationNo' },
      },
    });
  });

  it('a malformed % escape in a route parameter answers 400, not 500', async () => {
    const headers = await review.session('SITE_REVIEWER');
    const res = await send(await at(review), { method: 'GET', path: '/api/review/dossiers/%E0%A4%A', headers });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_URL', message: '请求地址编码不正确' } });
  });

  it('a multipart upload without a boundary or cut short answers 400, not 500', async () => {
    const target = await at(material);
    const headers = await material.session('CANDIDATE');
    const body = '------b\r\nContent-Disposition: form-data; name="categoryCode"\r\n\r\nID_CARD\r\n------b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n\xff\xd8';
    const noBoundary = await send(target, { method: 'POST', path: '/api/material/images', headers: { ...headers, 'content-type': 'multipart/form-data' }, body });
    expect(noBoundary.status).toBe(400);
    expect(JSON.parse(noBoundary.body).error.code).toBe('UPLOAD_INVALID');
    const cut = await send(target, { method: 'POST', path: '/api/material/images', headers: { ...headers, 'content-type': 'multipart/form-data; boundary=----b' }, body });
    expect(cut.status).toBe(400);
    expect(JSON.parse(cut.body).error.code).toBe('UPLOAD_INVALID');
  });

  it('q=%00 in the reviewer search answers 400, not 500', async () => {
    const target = await at(review);
    const site = await review.session('SITE_REVIEWER');
    const district = await review.session('DISTRICT_REVIEWER');
    for (const [path, headers] of [
      ['/api/review/site/candidates?q=%00', site],
      ['/api/review/district/candidates?q=%00', district],
    ] as const) {
      const res = await send(target, { method: 'GET', path, headers });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body)).toEqual({
        error: { code: 'INVALID_CHARACTERS', message: '查询参数中含有无效字符（如空字符），请删除后重试', details: { location: 'query', field: 'q' } },
      });
    }
  });
});

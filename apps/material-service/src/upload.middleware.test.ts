import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startMaterialTestApp } from './test-app.js';
import { IN_WINDOW, loginAs, makeJpeg, seedCandidate, seedSite, seedYear, type AuthHeaders } from '@exam/testing';

const t = await startMaterialTestApp();
afterAll(() => t.close());

let candidate: AuthHeaders;
let candidateId: string;
let jpeg: Buffer;

beforeAll(async () => {
  t.clock.set(IN_WINDOW);
  const year = await seedYear(t.prisma);
  const site = await seedSite(t.prisma);
  candidateId = (await seedCandidate(t.prisma, year, site)).id;
  candidate = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId });
  jpeg = await makeJpeg();
});

const BOUNDARY = '----exam-boundary-1234';
/** A well-formed multipart body with `categoryCode` and one JPEG, to be cut or altered. */
function multipartBody(categoryCode = 'ID_CARD'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="categoryCode"\r\n\r\n${categoryCode}\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    jpeg,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

const post = (contentType: string, body: Buffer) =>
  request(t.app).post('/api/material/images').set(candidate).set('content-type', contentType).send(body);

describe('upload middleware: a malformed multipart body answers 4xx, never 500', () => {
  it('a multipart body without a boundary answers 400 UPLOAD_INVALID, not 500', async () => {
    const res = await post('multipart/form-data', multipartBody());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'UPLOAD_INVALID', message: '上传内容不完整或格式不正确，请重新选择图片上传' } });
  });

  it('a multipart body cut short answers 400 UPLOAD_INVALID, not 500, and stores nothing', async () => {
    const whole = multipartBody();
    for (const cut of [10, 60, 200, whole.length - 10]) {
      const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, whole.subarray(0, cut));
      expect(res.status, `cut at ${cut}`).toBe(400);
      expect(res.body.error.code).toBe('UPLOAD_INVALID');
    }
    expect(await t.prisma.image.count({ where: { dossier: { candidateId } } })).toBe(0);
  });

  it('malformed part headers or a body of another boundary answer 400', async () => {
    const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, Buffer.from(`--${BOUNDARY}\r\nno colon here\r\n\r\nx\r\n--${BOUNDARY}--\r\n`));
    expect(res.status).toBe(400);
    const other = await post('multipart/form-data; boundary=other', multipartBody());
    expect(other.status).toBe(400);
  });

  it('a NUL character in a form field answers 400 INVALID_CHARACTERS', async () => {
    const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, multipartBody('ID_\u0000CARD'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_CHARACTERS', details: { location: 'body', field: 'categoryCode' } });
  });

  it('the same body, whole and with its boundary, is accepted', async () => {
    const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, multipartBody());
    expect(res.status).toBe(201);
  });
});

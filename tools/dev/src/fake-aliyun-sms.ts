import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Aliyun's SMS endpoint (dysmsapi SendSms, RPC style) for tests and offline development: it
 * checks each request's signature the way Aliyun documents it (written here on its own, not borrowed from the adapter,
 * so a signing bug in the adapter shows), records what was sent, and answers like the real API — `Code: OK` with a
 * BizId, or the error a test asks for.
 */

export interface FakeSmsRequest {
  method: string;
  params: Record<string, string>;
  /** the signature verified against the documented algorithm */
  signatureValid: boolean;
  at: Date;
}

/** What the next requests are answered with (in order; the last one repeats): a code other than OK is an error. */
export interface FakeSmsAnswer {
  status?: number;
  code: string;
  message?: string;
}

export interface FakeAliyunSms {
  url: string;
  requests: FakeSmsRequest[];
  /** answers for the coming requests, one each; once used up, requests are answered OK */
  answerNext(...answers: FakeSmsAnswer[]): void;
  close(): Promise<void>;
}

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** Aliyun's RPC signature, from its documentation (签名机制): HMAC-SHA1 over METHOD&%2F&encode(sorted query). */
export function documentedSignature(method: string, params: Record<string, string>, secret: string): string {
  const query = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`)
    .join('&');
  return createHmac('sha1', `${secret}&`).update(`${method}&${rfc3986('/')}&${rfc3986(query)}`).digest('base64');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeAliyunSms(opts: { accessKeyId: string; accessKeySecret: string; port?: number }): Promise<FakeAliyunSms> {
  const requests: FakeSmsRequest[] = [];
  const queue: FakeSmsAnswer[] = [];
  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
      const params = Object.fromEntries(new URLSearchParams(raw));
      const signatureValid =
        params['AccessKeyId'] === opts.accessKeyId &&
        params['SignatureMethod'] === 'HMAC-SHA1' &&
        params['SignatureVersion'] === '1.0' &&
        params['Signature'] === documentedSignature(req.method ?? 'GET', params, opts.accessKeySecret);
      requests.push({ method: req.method ?? 'GET', params, signatureValid, at: new Date() });
      const requestId = randomUUID().toUpperCase();
      if (!signatureValid) {
        answer(res, 400, { RequestId: requestId, Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
        return;
      }
      const next = queue.shift() ?? { code: 'OK' };
      if (next.code === 'OK') {
        answer(res, 200, { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: `${Date.now()}^${requests.length}` });
        return;
      }
      answer(res, next.status ?? 200, { RequestId: requestId, Code: next.code, Message: next.message ?? next.code });
    })().catch(() => answer(res, 500, { Code: 'InternalError', Message: 'fake failed' }));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    answerNext: (...answers) => void queue.push(...answers),
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

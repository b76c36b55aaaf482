// Drives every route of one service app with bad input: learns each route's roles (by asking as each role) and
// zod schemas (observeParse), then sends broken parameters, queries, JSON and multipart bodies, content types
// and cookies — unauthenticated and as each allowed role — and records every answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '@exam/api';
import { observeParse } from '@exam/http';
import { makeJpeg, type AuthHeaders } from '@exam/testing';
import { send, serve, type RawRequest, type RawResponse, type Target } from './client.js';
import { instrumentRoutes, type AppRoute } from './routes.js';
import { ROLES, type FuzzService } from './service-apps.js';
import { REMOVE, objectShape, pathsToBreak, validSamples, withValue, type Samples } from './zod-inputs.js';

/** 'none' (no session), a role's session, or one of the service's extra callers (e.g. a staff login between its steps) */
type Who = string;

export interface Finding {
  service: string;
  route: string;
  who: Who;
  label: string;
  request: string;
  status: number;
  /** the server-side error of a 5xx, when the error handler saw one */
  error?: string;
  body?: string;
}

export interface RouteReport {
  service: string;
  route: AppRoute;
  /** roles whose session gets past the route's guards (empty for public routes) */
  roles: Role[];
  /** extra callers of the service that get further than no session on a public route */
  extraCallers: string[];
  /** answered 401 without a session */
  needsAuth: boolean;
  schemas: { body: boolean; query: boolean; multipart: boolean };
  /** requests sent, per caller */
  sent: Partial<Record<Who, number>>;
  /** answers by status */
  statuses: Record<number, number>;
  ms: number;
}

export interface FuzzResult {
  requests: number;
  serverErrors: Finding[];
  /** 4xx answers of the app not in the one error shape with a Chinese message */
  badShapes: Finding[];
  /** requests the server closed without answering (a cut body, an early 413 while sending) */
  unanswered: number;
  routes: RouteReport[];
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MB = 1024 * 1024;

// ---------- the bad values ----------
/** Raw (already %-encoded) route parameter values. */
const BAD_PARAMS = [
  '%00', 'a%00b', '%E0%A4%A', '%ZZ', '%', '%ED%A0%80', '%C0%AF', '%FF', 'x'.repeat(3000), '..', '%2e%2e', '%2F', 'a%2Fb',
  '%E5%BC%A0%E4%B8%89', '%F0%9F%98%80', '0', '-1', '1e999', 'NaN', 'null', 'undefined', '__proto__', 'constructor',
  '%20', '%27%20OR%201%3D1--', '00000000-0000-0000-0000-000000000000', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
];
/** Raw query values. */
const BAD_QUERY_VALUES = [
  '%00', 'a%00b', '%E0%A4%A', '%ZZ', '%', '', 'x'.repeat(6000), '-1', '1e999', 'NaN', '%F0%9F%98%80', '%27%3B--',
  'null', '00000000-0000-0000-0000-000000000000', '9'.repeat(40),
];
/** Query strings for routes whose query schema is unknown. */
const GENERIC_QUERIES = ['q=%00', '%00=1', 'a=%E0%A4%A', 'limit=-1&cursor=%00', 'x=' + 'y'.repeat(6000), 'a[b]=1&a=2', '__proto__=1', '&&&=&=='];
/** JSON values put in place of each scalar field. */
const BAD_JSON_VALUES: unknown[] = [
  null, 0, -1, 1.5, 2 ** 53 + 2, true, '', 'a\u0000b', '\ud800x', 'x'.repeat(60_000), '张三😀', [], ['x'], {},
  '00000000-0000-0000-0000-000000000000', '9999-12-31T23:59:59.999Z', REMOVE,
];
/** …and in place of each object or array. */
const BAD_JSON_CONTAINERS: unknown[] = [null, 'x', 0, {}, [], [null], Array.from({ length: 2000 }, () => ({})), REMOVE];

function show(v: unknown): string {
  if (v === REMOVE) return '<removed>';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…(${s.length})` : s;
}

// ---------- multipart ----------
interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}
const BOUNDARY = '----route-fuzz-7d3a';
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

function fieldsOf(value: unknown): Part[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).map(([name, v]) => ({ name, value: typeof v === 'string' ? v : JSON.stringify(v) }));
}

function queryString(sample: Record<string, unknown>): string {
  return Object.entries(sample)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
}

// ---------- the run ----------
export async function fuzzService(svc: FuzzService, opts: { concurrency?: number } = {}): Promise<FuzzResult> {
  const concurrency = opts.concurrency ?? 6;
  const routes = instrumentRoutes(svc.app);
  // every route: reads first, writes after, deletes and logout last (they remove what other routes aim at)
  const order = (r: AppRoute) => (r.method === 'GET' ? 0 : r.method === 'DELETE' || /logout/.test(r.path) ? 2 : 1);
  routes.sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));

  const errorsById = new Map<string, string>();
  const target: Target = await serve((req: IncomingMessage, res: ServerResponse) => {
    res.on('finish', () => {
      if (res.statusCode < 500) return;
      const err = (res as ServerResponse & { err?: Error }).err;
      const id = res.getHeader('x-request-id');
      if (typeof id === 'string') errorsById.set(id, err ? `${err.message}\n${err.stack ?? ''}`.slice(0, 2000) : '(no error object)');
    });
    svc.app(req, res);
  });

  const jpeg = await makeJpeg(60, 40);
  const result: FuzzResult = { requests: 0, serverErrors: [], badShapes: [], unanswered: 0, routes: [] };

  const record = (route: AppRoute, who: Who, label: string, req: RawRequest, res: RawResponse) => {
    result.requests += 1;
    const report = result.routes.find((r) => r.route === route);
    if (report) report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    const request = `${req.method} ${req.path.length > 160 ? `${req.path.slice(0, 160)}…` : req.path}`;
    if (res.status === 0) result.unanswered += 1;
    if (res.status >= 500) {
      const id = res.headers['x-request-id'];
      const finding: Finding = { service: svc.name, route: route.key, who, label, request, status: res.status, body: res.body.slice(0, 300) };
      const error = typeof id === 'string' ? errorsById.get(id) : undefined;
      if (error) finding.error = error;
      result.serverErrors.push(finding);
    } else if (res.status >= 400 && req.method !== 'HEAD' && res.headers['x-request-id'] !== undefined) {
      // answered by the app (Node's own HTTP parser answers bare 400/431s without our headers)
      let ok = false;
      try {
        const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
        ok = typeof body.error?.code === 'string' && typeof body.error.message === 'string' && /[\u4e00-\u9fff]/.test(body.error.message);
      } catch {
        ok = false;
      }
      if (!ok) result.badShapes.push({ service: svc.name, route: route.key, who, label, request, status: res.status, body: res.body.slice(0, 300) });
    }
  };

  /** Runs the thunks `concurrency` at a time. */
  const pool = async (jobs: (() => Promise<void>)[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
  };

  for (const route of routes) {
    const report: RouteReport = {
      service: svc.name,
      route,
      roles: [],
      extraCallers: [],
      needsAuth: false,
      schemas: { body: false, query: false, multipart: false },
      sent: {},
      statuses: {},
      ms: 0,
    };
    const started = Date.now();
    result.routes.push(report);
    const hasBody = BODY_METHODS.has(route.method);
    const fill = (values: Record<string, string>) => route.path.replace(/[:*]([A-Za-z0-9_]+)/g, (_m, name: string) => values[name] ?? 'x');
    const candidatesOf = (param: string) => [...(svc.paramHints[param] ?? svc.ids)];
    const params: Record<string, string> = Object.fromEntries(route.params.map((p) => [p, candidatesOf(p)[0] ?? randomUUID()]));

    // The machine client signs each request itself (its headers depend on the method, path, query and body)
    const signed = svc.signed;
    const authOf = (who: Who, req: RawRequest, headers: AuthHeaders): Record<string, string> =>
      signed && who === signed.name ? signed.sign(req) : headers;

    // One request, with what parse() saw while it ran (requests of the discovery are sent one at a time).
    const seen: { body?: unknown; query?: unknown; multipart?: unknown } = {};
    const probe = async (who: Who, headers: AuthHeaders, req: RawRequest): Promise<RawResponse> => {
      const stop = observeParse((schema, value) => {
        const mark = (value as { __probe?: unknown } | null)?.__probe;
        if (mark === 'b') seen.body ??= schema;
        else if (mark === 'q') seen.query ??= schema;
        else if (mark === 'm') seen.multipart ??= schema;
      });
      try {
        const res = await send(target, { ...req, headers: { ...authOf(who, req, headers), ...req.headers } });
        record(route, who, 'probe', req, res);
        report.sent[who] = (report.sent[who] ?? 0) + 1;
        return res;
      } finally {
        stop();
      }
    };
    const probeAs = async (who: Who, headers: AuthHeaders) => {
      const base = { method: route.method, path: `${fill(params)}?__probe=q` };
      const json = hasBody
        ? { ...base, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ __probe: 'b' }) }
        : base;
      const res = await probe(who, headers, json);
      if (hasBody) {
        const parts: Part[] = [
          { name: '__probe', value: 'm' },
          { name: 'file', value: jpeg, filename: 'a.jpg', type: 'image/jpeg' },
        ];
        await probe(who, headers, { ...base, headers: { 'content-type': MULTIPART }, body: multipart(parts) });
      }
      return res;
    };

    // 1. who gets past the guards
    const unauth = await probeAs('none', {});
    report.needsAuth = unauth.status === 401;
    const sessions = new Map<Who, AuthHeaders>();
    if (report.needsAuth) {
      for (const role of ROLES) {
        const headers = await svc.session(role);
        const res = await probeAs(role, headers);
        if (res.status !== 401 && res.status !== 403) {
          report.roles.push(role);
          sessions.set(role, headers);
        }
      }
      // no session gets past (a machine-to-machine route): the signing client
      if (!report.roles.length && signed) {
        const res = await probeAs(signed.name, {});
        if (res.status !== 401 && res.status !== 403) {
          report.extraCallers.push(signed.name);
          sessions.set(signed.name, {});
        }
      }
    }
    const headersOf = (who: Who): AuthHeaders => (who === 'none' ? {} : sessions.get(who)!);
    const mainWho: Who = report.roles[0] ?? report.extraCallers[0] ?? 'none';

    // 2. the schemas it reads: probe again with valid samples of those found, until nothing new turns up
    const hints = svc.hints;
    const sampleOf = (schema: unknown) => (schema ? (validSamples(schema, hints)[0]!.minimal as Record<string, unknown>) : undefined);
    for (let round = 0; round < 3; round++) {
      const before = JSON.stringify(Object.keys(seen));
      const q = sampleOf(seen.query);
      const b = sampleOf(seen.body);
      const path = `${fill(params)}?${q ? queryString(q) + '&' : ''}__probe=q`;
      const body = hasBody ? JSON.stringify({ ...(b ?? {}), __probe: 'b' }) : undefined;
      await probe(mainWho, headersOf(mainWho), { method: route.method, path, ...(body ? { headers: { 'content-type': 'application/json' }, body } : {}) });
      if (JSON.stringify(Object.keys(seen)) === before) break;
    }
    report.schemas = { body: !!seen.body, query: !!seen.query, multipart: !!seen.multipart };
    const bodySamples: Samples[] = seen.body ? validSamples(seen.body, hints) : [];
    const querySample = sampleOf(seen.query) ?? {};
    const multipartSample = sampleOf(seen.multipart);
    const baseQuery = queryString(querySample);
    const baseBody = bodySamples[0]?.minimal;

    // 3. real values for the parameters: the first that is not "not found"
    for (const p of route.params) {
      for (const value of candidatesOf(p).slice(0, 8)) {
        const path = fill({ ...params, [p]: value }) + (baseQuery ? `?${baseQuery}` : '');
        const body = baseBody !== undefined ? JSON.stringify(baseBody) : undefined;
        const res = await probe(mainWho, headersOf(mainWho), {
          method: route.method === 'DELETE' ? 'GET' : route.method,
          path,
          ...(body && hasBody ? { headers: { 'content-type': 'application/json' }, body } : {}),
        });
        if (res.status !== 404) {
          params[p] = value;
          break;
        }
      }
    }

    // 4. a public route that a valid request without a session still cannot pass (e.g. a login's second step)
    // is also fuzzed as each extra caller that gets further
    if (!report.needsAuth && svc.callers) {
      const valid = { method: route.method, path: fill(params) + (baseQuery ? `?${baseQuery}` : '') };
      const withBody = hasBody && baseBody !== undefined ? { ...valid, headers: { 'content-type': 'application/json' }, body: JSON.stringify(baseBody) } : valid;
      const refused = (res: RawResponse) => res.status === 401 || res.status === 403;
      const answer = (res: RawResponse) => `${res.status} ${/"code":"([A-Z_]+)"/.exec(res.body)?.[1] ?? ''}`;
      const without = await probe('none', {}, withBody);
      if (refused(without)) {
        for (const [name, headersFor] of Object.entries(svc.callers)) {
          const headers = await headersFor();
          const res = await probe(name, headers, withBody);
          // it gets further: past the refusal, or refused for another reason (e.g. a wrong code rather than no login)
          if (!refused(res) || answer(res) !== answer(without)) {
            report.extraCallers.push(name);
            sessions.set(name, headers);
          }
        }
      }
    }
    const callers: Who[] = ['none', ...report.roles, ...report.extraCallers];

    // 5. the cases
    const path = (values = params, query = baseQuery) => fill(values) + (query ? `?${query}` : '');
    const jsonReq = (body: string | Buffer, extra: Record<string, string> = {}, q?: string): RawRequest => ({
      method: route.method,
      path: path(params, q),
      headers: { 'content-type': 'application/json', ...extra },
      body,
    });
    const validBody = baseBody !== undefined ? JSON.stringify(baseBody) : '{}';
    // Without a session a route that needs one stops at its guard, whatever the fields say: it gets the URL,
    // body-format and cookie cases, not one case per field. So does a third role allowed on a route (roles beyond
    // the first two take the code paths of one of them: district reviewer and administrator share a scope).
    const cases = (who: Who): [string, RawRequest][] => {
      const perField = who === 'none' ? !report.needsAuth : !report.roles.includes(who as Role) || report.roles.indexOf(who as Role) < 2;
      const out: [string, RawRequest][] = [];
      const plain = (p: string): RawRequest =>
        hasBody ? { method: route.method, path: p, headers: { 'content-type': 'application/json' }, body: validBody } : { method: route.method, path: p };
      // parameters
      for (const p of route.params) for (const bad of BAD_PARAMS) out.push([`param ${p}=${bad.slice(0, 30)}`, plain(path({ ...params, [p]: bad }))]);
      // query
      if (seen.query && perField) {
        const full = validSamples(seen.query, hints)[0]!.full as Record<string, unknown>;
        out.push(['query every field', plain(path(params, queryString(full)))]);
        const keys = Object.keys(objectShape(seen.query) ?? querySample);
        for (const k of keys) {
          const rest = Object.fromEntries(Object.entries(querySample).filter(([x]) => x !== k));
          const others = queryString(rest);
          const withRest = (frag: string) => (others ? `${others}&${frag}` : frag);
          for (const bad of BAD_QUERY_VALUES) out.push([`query ${k}=${bad.slice(0, 30)}`, plain(path(params, withRest(`${k}=${bad}`)))]);
          out.push([`query ${k} bare`, plain(path(params, withRest(k)))]);
          out.push([`query ${k} twice`, plain(path(params, withRest(`${k}=a&${k}=b`)))]);
          out.push([`query ${k}[]`, plain(path(params, withRest(`${k}[]=a&${k}[x]=b`)))]);
        }
      } else {
        for (const q of GENERIC_QUERIES) out.push([`query ${q.slice(0, 30)}`, plain(path(params, q))]);
      }
      // JSON fields
      for (const [i, sample] of (perField ? bodySamples : []).entries()) {
        const tag = bodySamples.length > 1 ? `#${i} ` : '';
        out.push([`body ${tag}valid`, jsonReq(JSON.stringify(sample.minimal))]);
        out.push([`body ${tag}valid, every field`, jsonReq(JSON.stringify(sample.full))]);
        for (const { base, path: p } of pathsToBreak(sample)) {
          const current = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], sample.full);
          const values = current !== null && typeof current === 'object' ? BAD_JSON_CONTAINERS : BAD_JSON_VALUES;
          for (const bad of values) out.push([`body ${tag}${p.join('.')}=${show(bad)}`, jsonReq(JSON.stringify(withValue(base, p, bad)))]);
        }
        out.push([`body ${tag}+unknown field`, jsonReq(JSON.stringify({ ...(sample.minimal as object), ['__proto__x']: 1, constructor: { prototype: 1 } }))]);
      }
      // multipart fields and files
      if (seen.multipart && perField) {
        const fields = fieldsOf(multipartSample);
        const file: Part = { name: 'file', value: jpeg, filename: 'a.jpg', type: 'image/jpeg' };
        const mp = (label: string, parts: Part[], boundary?: string) =>
          out.push([`multipart ${label}`, { method: route.method, path: path(), headers: { 'content-type': `multipart/form-data; boundary=${boundary ?? BOUNDARY}` }, body: multipart(parts, boundary) }]);
        mp('valid', [...fields, file]);
        mp('no file', fields);
        mp('empty file', [...fields, { ...file, value: Buffer.alloc(0) }]);
        mp('two files', [...fields, file, { ...file, filename: 'b.jpg' }]);
        mp('file in another field', [...fields, { ...file, name: 'other' }]);
        mp('300 KB file', [...fields, { ...file, value: Buffer.concat([jpeg, Buffer.alloc(300 * 1024)]) }]);
        mp('text file', [...fields, { ...file, value: Buffer.from('not an image'), type: 'text/plain' }]);
        mp('file name with NUL and path', [...fields, { ...file, filename: '../\u0000a.jpg' }]);
        mp('extra fields', [...fields, { name: 'a', value: '1' }, { name: 'b', value: '2' }, file]);
        for (const f of fields) {
          const others = fields.filter((x) => x !== f);
          for (const bad of ['', ' ', 'a\u0000b', 'x'.repeat(300), 'NOPE', '张三', '{"a":1}']) mp(`${f.name}=${show(bad)}`, [...others, { name: f.name, value: bad }, file]);
          mp(`${f.name} twice`, [...fields, { name: f.name, value: 'x' }, file]);
          mp(`${f.name}[]`, [...others, { name: `${f.name}[]`, value: 'x' }, { name: `${f.name}[a][b]`, value: 'y' }, file]);
          mp(`${f.name} missing`, [...others, file]);
        }
        mp('1.2 MB of fields', [...fields, { name: 'big', value: 'x'.repeat(1.2 * MB) }, file]);
      }
      // bodies of every kind, whatever the route reads
      const whole = multipart([...fieldsOf(multipartSample ?? { a: 'b' }), { name: 'file', value: jpeg, filename: 'a.jpg', type: 'image/jpeg' }]);
      const generic: [string, string, Buffer | string, Record<string, string>?][] = [
        ['json cut', 'application/json', validBody.slice(0, Math.max(1, Math.floor(validBody.length / 2)))],
        ['json {', 'application/json', '{'],
        ['json trailing comma', 'application/json', '{"a":1,}'],
        ['json raw NUL', 'application/json', '{"a":"\u0000"}'],
        ['json escaped NUL key', 'application/json', '{"\\u0000":"x"}'],
        ['json lone surrogate', 'application/json', '{"a":"\\udc00"}'],
        ['json null', 'application/json', 'null'],
        ['json string', 'application/json', '"x"'],
        ['json number', 'application/json', '1e999'],
        ['json array', 'application/json', '[]'],
        ['json deep', 'application/json', '['.repeat(20_000) + ']'.repeat(20_000)],
        ['json 1 MB', 'application/json', JSON.stringify({ a: 'x'.repeat(MB) })],
        ['json invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
        ['json BOM', 'application/json', '\ufeff' + validBody],
        ['json latin1', 'application/json; charset=latin1', validBody],
        ['json gzip garbage', 'application/json', 'not gzip', { 'content-encoding': 'gzip' }],
        ['json unknown encoding', 'application/json', validBody, { 'content-encoding': 'zstd-x' }],
        ['json empty', 'application/json', ''],
        ['no body', '', ''],
        ['text/plain', 'text/plain', validBody],
        ['form urlencoded', 'application/x-www-form-urlencoded', 'a=b&c=%00'],
        ['xml', 'application/xml', '<a/>'],
        ['no content type', '', validBody],
        ['garbage content type', ';;;/=', validBody],
        ['multipart without boundary', 'multipart/form-data', whole],
        ['multipart other boundary', 'multipart/form-data; boundary=nope', whole],
        ['multipart cut short', MULTIPART, whole.subarray(0, Math.floor(whole.length / 2))],
        ['multipart headers only', MULTIPART, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n`],
        ['multipart bad part header', MULTIPART, `--${BOUNDARY}\r\nno colon\r\n\r\nx\r\n--${BOUNDARY}--\r\n`],
        ['multipart 1.2 MB', MULTIPART, multipart([{ name: 'file', value: Buffer.alloc(1.2 * MB), filename: 'a.jpg' }])],
      ];
      for (const [label, type, body, extra] of generic) {
        out.push([label, { method: route.method, path: path(), headers: { ...(type ? { 'content-type': type } : {}), ...extra }, body }]);
      }
      out.push(['json body shorter than its length', { method: route.method, path: path(), headers: { 'content-type': 'application/json' }, body: validBody.slice(0, 3), declaredLength: validBody.length + 50 }]);
      out.push(['multipart body shorter than its length', { method: route.method, path: path(), headers: { 'content-type': MULTIPART }, body: whole.subarray(0, 100), declaredLength: whole.length }]);
      // cookies and headers
      const bare = (headers: Record<string, string>): RawRequest => ({ ...plain(path()), headers: { ...plain(path()).headers, ...headers } });
      out.push(['cookie session %00', bare({ cookie: 'exam_sid=%00; __Host-exam_sid=%00' })]);
      out.push(['cookie session huge', bare({ cookie: `exam_sid=${'x'.repeat(4000)}` })]);
      out.push(['cookie garbage', bare({ cookie: ';;=;=x; =; exam_sid' })]);
      out.push(['cookie bad escape', bare({ cookie: 'exam_sid=%E0%A4%A; exam_csrf=%ZZ' })]);
      out.push(['x-forwarded-for garbage', bare({ 'x-forwarded-for': 'garbage, , ::zz, 999.1.1.1' })]);
      out.push(['accept xml', bare({ accept: 'application/xml' })]);
      if (who !== 'none') {
        out.push(['csrf wrong', bare({ 'x-csrf-token': 'wrong' })]);
        out.push(['csrf %00', bare({ 'x-csrf-token': '%00' })]);
      }
      return out;
    };

    const jobs: (() => Promise<void>)[] = [];
    for (const who of callers) {
      const list = cases(who);
      for (const [label, req] of list) {
        jobs.push(async () => {
          const headers = { ...authOf(who, req, headersOf(who)), ...req.headers };
          const res = await send(target, { ...req, headers });
          record(route, who, label, req, res);
          report.sent[who] = (report.sent[who] ?? 0) + 1;
        });
      }
    }
    // other methods on the route's path
    for (const method of ['HEAD', 'OPTIONS', 'PUT', 'PATCH', 'TRACE']) {
      if (method === route.method) continue;
      jobs.push(async () => {
        const req: RawRequest = { method, path: path() };
        const res = await send(target, { ...req, headers: authOf(mainWho, req, headersOf(mainWho)) });
        record(route, mainWho, `method ${method}`, req, res);
      });
    }
    await pool(jobs);
    report.ms = Date.now() - started;
  }

  await target.close();
  return result;
}

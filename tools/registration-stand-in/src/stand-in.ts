import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import type { ResultsPage } from '@exam/api';
import { EMPTY_BODY_SHA256, buildLaunchUrl, parseLaunchKeys, signRequest } from '@exam/auth';
import { CANDIDATE_TYPE_LABELS, formatBeijingTime, type CandidateType } from '@exam/domain';

export interface StandInOptions {
  port: number;
  host?: string;
  /** the roster is read from this database (the real registration system has its own) */
  databaseUrl: string;
  /** LAUNCH_LINK_KEYS; the first key signs */
  launchLinkKeys: string;
  /** the shell's port: links go to http://<the host this page was opened with>:<shellPort>/launch */
  shellPort: number;
  /** seconds a link lives (default 300) */
  lifetimeSeconds?: number;
  /**
   * The results API as the registration system calls it (docs/INTEGRATION.md §2): the gateway's origin, and this
   * client's key id and secret (one entry of review-service's RESULTS_API_CLIENTS). Unset: no 审核结果 page.
   */
  resultsApi?: { baseUrl: string; keyId: string; secret: Buffer };
}

export interface RunningStandIn {
  url: string;
  port: number;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const maskPhone = (p: string | null) => (p && p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '—');
const typeLabel = (t: string) => CANDIDATE_TYPE_LABELS[t as CandidateType] ?? t;

/** The host name the browser used (so a phone on the LAN gets a link to this machine), else localhost. */
function hostnameOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})$/.test(name) ? name : 'localhost';
}

const PAGE_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#eef2f7;color:#1f2937}
header{background:#0b4f8a;color:#fff;padding:12px 20px}header h1{margin:0;font-size:18px}header p{margin:2px 0 0;font-size:12px;opacity:.85}
main{max-width:880px;margin:20px auto;padding:0 12px}
.card{background:#fff;border:1px solid #d6dee8;border-radius:6px;padding:16px 20px;margin-bottom:16px}
.card h2{margin:0 0 12px;font-size:16px;border-left:4px solid #0b4f8a;padding-left:8px}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:8px 6px;border-bottom:1px solid #e5e9f0;vertical-align:top}
th{color:#4b5563;font-weight:normal;white-space:nowrap;width:8em}
.list td,.list th{width:auto}.list a{color:#0b4f8a}
.btn{display:inline-block;background:#d9480f;color:#fff;border:0;border-radius:4px;padding:10px 22px;font-size:16px;cursor:pointer}
.btn:hover{background:#b93c0c}.note{font-size:13px;color:#6b7280}.tag{font-size:12px;padding:1px 6px;border-radius:3px;background:#e6f4ea;color:#1e7b34}
.tag.off{background:#fff4e5;color:#ad5a00}.error{color:#b42318}select{font-size:15px;padding:6px;margin:0 8px 8px 0;max-width:100%}
@media (max-width:600px){main{margin:12px auto}.card{padding:12px}.list .opt{display:none}th{width:6.5em}}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${PAGE_CSS}</style></head><body>
<header><h1>国家医学考试网 · 医师资格考试报名系统</h1><p>开发用模拟页面（stand-in）：本页只用于演示与测试“上传相关材料”的跳转</p></header>
<main>${body}</main></body></html>`;
}

const rosterInclude = {
  examYear: { select: { code: true, name: true } },
  site: { select: { name: true } },
} as const;

async function rosterPage(prisma: PrismaClient): Promise<string> {
  const rows = await prisma.candidate.findMany({ include: rosterInclude, orderBy: [{ registrationNo: 'asc' }], take: 100 });
  const items = rows
    .map(
      (c) => `<tr><td><a href="/candidate/${encodeURIComponent(c.examYear.code)}/${encodeURIComponent(c.registrationNo)}">${esc(c.registrationNo)}</a></td>
<td>${esc(c.name)}</td><td class="opt">${esc(typeLabel(c.candidateType))}</td><td class="opt">${esc(c.site.name)}</td>
<td>${c.passwordHash ? '<span class="tag">已激活</span>' : '<span class="tag off">未激活</span>'}</td></tr>`,
    )
    .join('');
  return page(
    '报名系统（模拟）· 考生名单',
    `<div class="card"><h2>选择考生（演示名单）</h2>
<p class="note">真实报名系统中考生登录后直接看到自己的报名信息；这里从演示名单中选一位考生。“审核系统账号”一列是本审核系统中的激活状态，仅为演示提示。</p>
<p class="note">考区发布审核结果后，报名系统通过结果接口取回：<a href="/results">审核结果回传</a></p>
<table class="list"><thead><tr><th>报名号</th><th>姓名</th><th class="opt">考生类型</th><th class="opt">报考考点</th><th>审核系统账号</th></tr></thead>
<tbody>${items || '<tr><td colspan="5">名单为空</td></tr>'}</tbody></table></div>`,
  );
}

async function candidatePage(prisma: PrismaClient, yr: string, rn: string): Promise<string | null> {
  const c = await prisma.candidate.findFirst({ where: { registrationNo: rn, examYear: { code: yr } }, include: rosterInclude });
  if (!c) return null;
  const row = (k: string, v: string) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`;
  return page(
    `报名系统（模拟）· ${c.name}`,
    `<div class="card"><h2>报名信息</h2><table>
${row('姓名', c.name)}${row('报名号', c.registrationNo)}${row('考试', c.examYear.name)}${row('考生类型', typeLabel(c.candidateType))}
${row('报考考点', c.site.name)}${row('工作单位', c.unitName)}${row('手机号码', maskPhone(c.phone))}
</table></div>
<div class="card"><h2>现场审核材料</h2>
<p>请在规定时间内通过线上审核系统上传现场审核所需材料的照片。</p>
<form method="post" action="/upload-materials"><input type="hidden" name="yr" value="${esc(c.examYear.code)}"><input type="hidden" name="rn" value="${esc(c.registrationNo)}">
<button class="btn" type="submit">【上传相关材料】</button></form>
<p class="note">点击后将跳转到医师资格考试线上审核系统（链接 5 分钟内有效，只能使用一次）。</p>
<p class="note"><a href="/">返回名单</a></p></div>`,
  );
}

const RESULTS_PATH = '/api/review/v1/results';
const MAX_RESULT_PAGES = 200; // 200 × 1000 rows: far beyond a district; stops a cursor that never ends

/** One signed GET of the results API, exactly as docs/INTEGRATION.md §2 tells the registration system to sign it. */
async function fetchResultsPage(api: NonNullable<StandInOptions['resultsApi']>, examYear: string, cursor: string | null) {
  const query = new URLSearchParams({ examYear, limit: '1000', ...(cursor ? { cursor } : {}) }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = signRequest(api.secret, { method: 'GET', path: RESULTS_PATH, rawQuery: query, timestamp, nonce, bodySha256: EMPTY_BODY_SHA256 });
  const res = await fetch(`${api.baseUrl}${RESULTS_PATH}?${query}`, {
    headers: { 'x-key-id': api.keyId, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-signature': signature },
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => null)) as (ResultsPage & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || !body || body.error) {
    const message = body?.error?.message ?? `HTTP ${res.status}`;
    throw new Error(body?.error?.code ? `${message}（${body.error.code}）` : message);
  }
  return body;
}

/** Every published result of a year, page after page (nextCursor), as the registration system would collect them. */
export async function fetchAllResults(api: NonNullable<StandInOptions['resultsApi']>, examYear: string) {
  const first = await fetchResultsPage(api, examYear, null);
  const items = [...first.items];
  let cursor = first.nextCursor;
  let pages = 1;
  while (cursor && pages < MAX_RESULT_PAGES) {
    const next = await fetchResultsPage(api, examYear, cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
    pages += 1;
  }
  return { examYear: first.examYear, lastPublishedAt: first.lastPublishedAt, items, pages };
}

const beijing = (iso: string) => `${formatBeijingTime(new Date(iso))}（北京时间）`;

async function resultsPage(prisma: PrismaClient, api: StandInOptions['resultsApi'], yr: string | null): Promise<string> {
  const years = await prisma.examYear.findMany({ select: { code: true, name: true }, orderBy: [{ uploadStart: 'desc' }] });
  const options = years
    .map((y) => `<option value="${esc(y.code)}"${y.code === yr ? ' selected' : ''}>${esc(y.name)}（${esc(y.code)}）</option>`)
    .join('');
  const form = `<form method="get" action="/results"><label>考试年度 <select name="yr" aria-label="考试年度">${options}</select></label>
<button class="btn" type="submit">获取审核结果</button></form>
<p class="note">报名系统用签名请求调用审核系统的结果接口（GET ${RESULTS_PATH}，见 docs/INTEGRATION.md §2），逐页取回已发布的最终结果。</p>`;
  let result = '';
  if (!api) {
    result = '<p>未配置结果接口的密钥（RESULTS_API_CLIENTS），无法获取。</p>';
  } else if (yr) {
    try {
      const got = await fetchAllResults(api, yr);
      const rows = got.items
        .map(
          (r) => `<tr><td>${esc(r.registrationNo)}</td><td>${esc(r.name)}</td><td data-result="${esc(r.result)}">${esc(r.resultLabel)}</td>
<td>${esc(r.reason ?? '—')}</td><td class="opt">${esc(beijing(r.decidedAt))}</td></tr>`,
        )
        .join('');
      result = got.lastPublishedAt
        ? `<p data-testid="results-summary">${esc(got.examYear.name)}：共 ${got.items.length} 条已发布结果（${got.pages} 页），最近发布于 ${esc(beijing(got.lastPublishedAt))}</p>
<table class="list" data-testid="results-table"><thead><tr><th>报名号</th><th>姓名</th><th>审核结果</th><th>原因</th><th class="opt">决定时间</th></tr></thead><tbody>${rows}</tbody></table>`
        : `<p data-testid="results-summary">${esc(got.examYear.name)}：考区尚未发布审核结果。</p>`;
    } catch (e) {
      result = `<p class="error" data-testid="results-error">获取失败：${esc(e instanceof Error ? e.message : String(e))}</p>`;
    }
  }
  return page('报名系统（模拟）· 审核结果', `<div class="card"><h2>审核结果回传</h2>${form}${result}<p class="note"><a href="/">返回名单</a></p></div>`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 4096) break;
  }
  return new URLSearchParams(body.slice(0, 4096));
}

/** The stand-in's HTTP server (development and browser tests only). */
export async function startRegistrationStandIn(opts: StandInOptions): Promise<RunningStandIn> {
  const ring = parseLaunchKeys(opts.launchLinkKeys);
  const [kid, key] = [...ring.entries()][0]!;
  const prisma = createPrismaClient(opts.databaseUrl);
  const lifetime = opts.lifetimeSeconds ?? 300;

  const send = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end(html);
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, page('未找到', '<div class="card"><h2>未找到</h2><p>没有这个考生。<a href="/">返回名单</a></p></div>'));

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (req.method === 'GET' && url.pathname === '/') return send(res, 200, await rosterPage(prisma));
      if (req.method === 'GET' && url.pathname === '/results') {
        const yr = url.searchParams.get('yr');
        return send(res, 200, await resultsPage(prisma, opts.resultsApi, yr && /^[A-Za-z0-9_-]{1,16}$/.test(yr) ? yr : null));
      }
      const m = /^\/candidate\/([^/]{1,32})\/([^/]{1,64})$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const html = await candidatePage(prisma, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
        return html ? send(res, 200, html) : notFound(res);
      }
      if (req.method === 'POST' && url.pathname === '/upload-materials') {
        const form = await readForm(req);
        const rn = form.get('rn') ?? '';
        const yr = form.get('yr') ?? '';
        if (!/^[A-Za-z0-9]{1,32}$/.test(rn) || !/^[A-Za-z0-9_-]{1,16}$/.test(yr)) return notFound(res);
        // built server-side for every click: a fresh nonce, a short expiry (docs/INTEGRATION.md §1)
        const link = buildLaunchUrl(
          `http://${hostnameOf(req)}:${opts.shellPort}`,
          { kid, registrationNo: rn, examYear: yr, expires: Math.floor(Date.now() / 1000) + lifetime, nonce: randomBytes(16).toString('base64url') },
          key,
        );
        res.writeHead(303, { location: link, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        return res.end();
      }
      return notFound(res);
    })().catch((e: unknown) => {
      console.error('registration stand-in:', e);
      if (!res.headersSent) send(res, 500, page('出错了', '<div class="card"><h2>模拟报名系统出错</h2><p>请稍后重试。</p></div>'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await prisma.$disconnect();
    },
  };
}

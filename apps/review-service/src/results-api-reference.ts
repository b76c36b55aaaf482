import { RESULTS_API_AUTH_ERRORS, RESULTS_API_HEADERS, RESULTS_API_SCHEME } from '@exam/api';
import { OPENAPI_PATH, resultsOpenApiDocument } from './results-api-openapi.js';

// A readable reference page rendered on the server from the OpenAPI document: plain HTML and one inline style
// sheet, no scripts and nothing from another origin (the service's CSP allows neither, and the machine is offline).

type Json = Record<string, unknown>;

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema['$ref'] === 'string') return (schema['$ref'] as string).split('/').pop()!;
  const t = schema['type'];
  const base = Array.isArray(t) ? t.join(' | ') : String(t ?? 'any');
  if (base === 'array') return `${typeOf(schema['items'] as Json)}[]`;
  const en = schema['enum'];
  return Array.isArray(en) ? `${base}: ${en.join(' | ')}` : schema['format'] ? `${base} (${String(schema['format'])})` : base;
}

function schemaTable(schema: Json): string {
  const props = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] ?? []) as string[]);
  const rows = Object.entries(props)
    .map(([name, p]) => `<tr><td><code>${esc(name)}</code></td><td>${esc(typeOf(p))}</td><td>${required.has(name) ? '是' : '否'}</td><td>${esc(p['description'])}</td></tr>`)
    .join('');
  return `<table><thead><tr><th>字段</th><th>类型</th><th>必有</th><th>说明</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function render(): string {
  const doc = resultsOpenApiDocument() as unknown as Json;
  const info = doc['info'] as Json;
  const paths = doc['paths'] as Record<string, Record<string, Json>>;
  const components = doc['components'] as Json;
  const ops = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = ((op['parameters'] ?? []) as Json[])
        .map(
          (p) =>
            `<tr><td><code>${esc(p['name'])}</code></td><td>${esc(p['in'] === 'header' ? '请求头' : '查询参数')}</td><td>${esc(typeOf(p['schema'] as Json))}</td><td>${p['required'] ? '是' : '否'}</td><td>${esc(p['description'])}</td></tr>`,
        )
        .join('');
      const responses = Object.entries((op['responses'] ?? {}) as Record<string, Json>)
        .map(([status, r]) => `<tr><td>${esc(status)}</td><td class="pre">${esc(r['description'])}</td></tr>`)
        .join('');
      return `<section class="op"><h2><span class="method">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2>
<p><strong>${esc(op['summary'])}</strong></p><p>${esc(op['description'])}</p>
<h3>参数</h3><table><thead><tr><th>名称</th><th>位置</th><th>类型</th><th>必填</th><th>说明</th></tr></thead><tbody>${params}</tbody></table>
<h3>响应</h3><table><thead><tr><th>状态码</th><th>说明</th></tr></thead><tbody>${responses}</tbody></table></section>`;
    }),
  );
  const schemas = Object.entries((components['schemas'] ?? {}) as Record<string, Json>)
    .map(([name, s]) => `<section><h3 id="schema-${esc(name)}">${esc(name)}</h3><p>${esc(s['description'])}</p>${schemaTable(s)}</section>`)
    .join('');
  const errors = Object.entries(RESULTS_API_AUTH_ERRORS)
    .map(([code, message]) => `<tr><td><code>${esc(code)}</code></td><td>${esc(message)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info['title'])}</title><style>
body{font:15px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f1f1f;background:#f5f5f5}
main{max-width:1100px;margin:0 auto;padding:16px;background:#fff}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #eee;padding-bottom:4px}h3{font-size:16px}
table{border-collapse:collapse;width:100%;margin:8px 0;display:block;overflow-x:auto}
th,td{border:1px solid #e5e5e5;padding:4px 8px;text-align:left;vertical-align:top}th{background:#fafafa;white-space:nowrap}
code,pre{font-family:ui-monospace,Consolas,monospace;font-size:13px}pre{background:#f6f8fa;padding:8px;overflow-x:auto}
.method{background:#1677ff;color:#fff;border-radius:4px;padding:0 6px;font-size:14px}.pre{white-space:pre-line}
</style></head><body><main>
<h1>${esc(info['title'])}</h1><p>${esc(info['description'])} 版本 ${esc(info['version'])}。机器可读的 OpenAPI 3.1 文档：<a href="${esc(OPENAPI_PATH)}"><code>${esc(OPENAPI_PATH)}</code></a>。</p>
<h2>签名</h2>
<p>每个请求带 4 个请求头：<code>${RESULTS_API_HEADERS.keyId}</code>、<code>${RESULTS_API_HEADERS.timestamp}</code>（Unix 秒）、<code>${RESULTS_API_HEADERS.nonce}</code>（16–64 位 A-Z a-z 0-9 _ -，10 分钟内不重复）、<code>${RESULTS_API_HEADERS.signature}</code>。</p>
<p>规范串是下面 7 行以换行符 <code>\\n</code> 连接（末尾无换行）：</p>
<pre>${esc(RESULTS_API_SCHEME)}
HTTP 方法（大写，如 GET）
路径（不含查询串，如 /api/review/v1/results）
查询串：每个参数解码后按 RFC 3986 重新编码，按名称再按值排序，以 &amp; 连接（无参数为空行）
X-Timestamp
X-Nonce
请求体的 SHA-256，小写十六进制（GET 无请求体：e3b0c442…b855）</pre>
<p><code>X-Signature</code> = HMAC-SHA256(密钥, 规范串)，小写十六进制。时间相差超过 5 分钟、nonce 重复、签名不符均返回 401：</p>
<table><thead><tr><th>error.code</th><th>说明</th></tr></thead><tbody>${errors}</tbody></table>
${ops.join('')}
<h2>数据结构</h2>${schemas}
</main></body></html>`;
}

let cached: string | undefined;
/** The HTML reference page of the results API (rendered once). */
export function resultsApiReferenceHtml(): string {
  cached ??= render();
  return cached;
}

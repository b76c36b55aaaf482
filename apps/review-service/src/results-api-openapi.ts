import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import {
  RESULTS_API_AUTH_ERRORS,
  RESULTS_API_SCHEME,
  resultsApiErrorSchema,
  resultsApiHeadersSchema,
  resultsPageSchema,
  resultsQuerySchema,
} from '@exam/api';

/** Where the results API lives (under the gateway) and where its document and reference page are served. */
export const RESULTS_API_BASE = '/api/review/v1';
export const RESULTS_PATH = `${RESULTS_API_BASE}/results`;
export const OPENAPI_PATH = `${RESULTS_API_BASE}/openapi.json`;
export const REFERENCE_PATH = `${RESULTS_API_BASE}/docs`;

const authErrorList = Object.entries(RESULTS_API_AUTH_ERRORS)
  .map(([code, message]) => `- \`${code}\`: ${message}`)
  .join('\n');

function buildDocument() {
  const registry = new OpenAPIRegistry();
  const signature = registry.registerComponent('securitySchemes', 'SignedRequest', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Signature',
    description:
      `HMAC-SHA256 签名请求。规范串（以 \\n 连接的 7 行）：${RESULTS_API_SCHEME}、HTTP 方法、路径、排序后的查询串、X-Timestamp、X-Nonce、` +
      '请求体的 SHA-256（小写十六进制；GET 为空串的哈希）。X-Signature = HMAC-SHA256(密钥, 规范串) 的小写十六进制。详见 docs/INTEGRATION.md §2。',
  });
  const error = (description: string) => ({ description, content: { 'application/json': { schema: resultsApiErrorSchema } } });
  registry.registerPath({
    method: 'get',
    path: RESULTS_PATH,
    operationId: 'listPublishedResults',
    summary: '分页读取一个考试年度已发布的最终审核结果',
    description:
      '只返回调用方密钥所属考区、已经「发布结果」的考生；发布之前返回空列表（lastPublishedAt 为 null）。按报名号升序，' +
      '用 nextCursor 翻页，直到它为 null。',
    security: [{ [signature.name]: [] }],
    request: { query: resultsQuerySchema, headers: resultsApiHeadersSchema },
    responses: {
      200: { description: '一页结果', content: { 'application/json': { schema: resultsPageSchema } } },
      400: error('参数不正确（VALIDATION_FAILED、BAD_CURSOR、BODY_NOT_ALLOWED）'),
      401: error(`签名校验失败，error.code 为：\n${authErrorList}`),
      404: error('本考区没有该考试年度（NOT_FOUND）'),
    },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '医师资格考试线上审核系统 · 审核结果接口',
      version: '1.0.0',
      description: '供报名系统读取已发布的最终审核结果（机器对机器，签名请求）。',
    },
    servers: [{ url: '/' }],
  });
}

let cached: ReturnType<typeof buildDocument> | undefined;
/** The OpenAPI 3.1 document, generated once from the zod schemas the routes validate with. */
export function resultsOpenApiDocument() {
  cached ??= buildDocument();
  return cached;
}

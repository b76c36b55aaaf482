/**
 * Contracts of the results API (GET /api/review/v1/…) used by the national registration system (machine to machine,
 * signed requests, see docs/INTEGRATION.md §2) and of the admin exports (/api/review/admin/exports/…).
 * The review service validates with these schemas and generates its OpenAPI 3.1 document from them (`.meta`).
 */
import { z } from 'zod';

/** Request headers of a signed results-API call. */
export const RESULTS_API_HEADERS = {
  keyId: 'x-key-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** First line of the canonical string: the signature scheme, so a signature of another scheme never verifies here. */
export const RESULTS_API_SCHEME = 'EXAM-RESULTS-HMAC-SHA256';
/** Largest clock difference accepted between the caller's X-Timestamp and the server, in seconds. */
export const RESULTS_API_MAX_SKEW_SECONDS = 300;
/** How long a nonce is remembered (longer than the accepted skew on either side). */
export const RESULTS_API_NONCE_TTL_SECONDS = 600;

export const resultsApiHeadersSchema = z.object({
  [RESULTS_API_HEADERS.keyId]: z.string().meta({ description: '分配给调用方的密钥编号（key id）', example: 'regsys-12' }),
  [RESULTS_API_HEADERS.timestamp]: z.string().meta({ description: '请求时间，Unix 秒（与服务器相差不得超过 300 秒）', example: '1767225600' }),
  [RESULTS_API_HEADERS.nonce]: z.string().meta({ description: '一次性随机串，16–64 位 A-Z a-z 0-9 _ -，10 分钟内不得重复', example: 'c2f1a9e07b3d4e56' }),
  [RESULTS_API_HEADERS.signature]: z
    .string()
    .meta({ description: 'HMAC-SHA256(密钥, 规范串) 的小写十六进制（64 位），规范串见 docs/INTEGRATION.md §2' }),
});

/** Query of GET /api/review/v1/results. */
export const resultsQuerySchema = z.strictObject({
  examYear: z
    .string({ error: '请提供考试年度代码（examYear）' })
    .regex(/^[A-Za-z0-9_-]{1,16}$/, '考试年度代码不正确')
    .meta({ description: '考试年度代码（ExamYear.code），如 2026', example: '2026' }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, '分页参数不正确')
    .optional()
    .meta({ description: '上一页返回的 nextCursor；第一页不传' }),
  limit: z.coerce
    .number({ error: '每页条数必须是 1–1000 的整数' })
    .int('每页条数必须是 1–1000 的整数')
    .min(1, '每页条数必须是 1–1000 的整数')
    .max(1000, '每页条数必须是 1–1000 的整数')
    .default(500)
    .meta({ description: '每页条数，1–1000，默认 500' }),
});
export type ResultsQuery = z.infer<typeof resultsQuerySchema>;

export const resultItemSchema = z
  .object({
    registrationNo: z.string().meta({ description: '报名号', example: '2026120100001' }),
    name: z.string().meta({ description: '考生姓名', example: '张三' }),
    result: z.enum(['APPROVED', 'REJECTED']).meta({ description: 'APPROVED = 审核通过，REJECTED = 审核不通过' }),
    resultLabel: z.string().meta({ description: '结果的中文名称', example: '审核通过' }),
    reason: z.string().nullable().meta({ description: '审核不通过的原因（考区填写）；通过时为 null' }),
    decidedAt: z.iso.datetime().meta({ description: '考区作出决定的时间（UTC，ISO 8601）' }),
    publishedAt: z.iso.datetime().meta({ description: '结果发布时间（UTC，ISO 8601）' }),
  })
  .meta({ id: 'ExamResult', description: '一名考生已发布的最终审核结果' });
export type ResultItem = z.infer<typeof resultItemSchema>;

export const resultsPageSchema = z
  .object({
    examYear: z.object({ code: z.string(), name: z.string(), districtCode: z.string() }).meta({ description: '考试年度（调用方所属考区）' }),
    lastPublishedAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: '最近一次发布结果的时间；null = 尚未发布，此时 items 为空' }),
    items: z.array(resultItemSchema).meta({ description: '按报名号升序；只含已发布的结果' }),
    nextCursor: z.string().nullable().meta({ description: '下一页的 cursor；null = 最后一页' }),
  })
  .meta({ id: 'ExamResultPage' });
export type ResultsPage = z.infer<typeof resultsPageSchema>;

export const resultsApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: '机器可读的错误码', example: 'NONCE_REPLAYED' }),
      message: z.string().meta({ description: '中文说明', example: '该请求已处理过（nonce 重复），请用新的 nonce 重新签名' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ApiError' });

/** Why a signed request was refused (401 unless noted). */
export const RESULTS_API_AUTH_ERRORS = {
  SIGNATURE_HEADERS_MISSING: '缺少签名请求头（X-Key-Id、X-Timestamp、X-Nonce、X-Signature）',
  SIGNATURE_HEADERS_INVALID: '签名请求头格式不正确',
  UNKNOWN_KEY: '密钥编号（X-Key-Id）未登记',
  CLOCK_SKEW: '请求时间与服务器时间相差超过 5 分钟，请校准时钟后重新签名',
  BAD_SIGNATURE: '签名不正确',
  NONCE_REPLAYED: '该请求已处理过（nonce 重复），请用新的 nonce 重新签名',
} as const;
export type ResultsApiAuthErrorCode = keyof typeof RESULTS_API_AUTH_ERRORS;

// ---------- admin exports: GET /api/review/admin/exports/{results|progress} ----------
export const EXPORT_KINDS = ['results', 'progress'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportQuerySchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: '导出格式只能是 xlsx 或 csv' }),
  /** `1` = full ID numbers (results only; audited, needs the CSRF header) */
  full: z.enum(['0', '1'], { error: 'full 只能是 0 或 1' }).optional(),
  examYearId: z.uuid('考试年度参数无效').optional(),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

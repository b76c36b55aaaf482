import { z } from 'zod';
import { parseAddressList } from './address-list.js';
import { productionProblems } from './production.js';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

const keyring = z.string().superRefine((v, ctx) => {
  const seen = new Set<number>();
  for (const [i, entry] of v.split(',').entries()) {
    const m = /^\s*(\d{1,3})\s*:\s*([A-Za-z0-9+/=]+)\s*$/.exec(entry);
    const kid = m ? Number(m[1]) : NaN;
    // never echo the entry: it holds a key
    if (!m || kid < 1 || kid > 255) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be kid:base64 with kid 1-255` });
    else if (Buffer.from(m[2]!, 'base64').length !== 32) ctx.addIssue({ code: 'custom', message: `key id ${kid} must be 32 bytes, base64-encoded` });
    else if (seen.has(kid)) ctx.addIssue({ code: 'custom', message: `key id ${kid} appears twice` });
    seen.add(kid);
  }
});

/** `kid:base64,kid:base64` (the registration system's launch-link keys): kid 1-32 of A-Z a-z 0-9 _ -, keys of 32 bytes or more. */
const launchKeys = z.string().superRefine((v, ctx) => {
  const seen = new Set<string>();
  for (const [i, entry] of v.split(',').entries()) {
    const m = /^\s*([A-Za-z0-9_-]{1,32})\s*:\s*([A-Za-z0-9+/_-]+={0,2})\s*$/.exec(entry);
    // never echo the entry: it holds a key
    if (!m) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be kid:base64 (kid: 1-32 of A-Z a-z 0-9 _ -)` });
    else if (Buffer.from(m[2]!, 'base64').length < 32) ctx.addIssue({ code: 'custom', message: `key id ${m[1]} must be at least 32 bytes, base64-encoded` });
    else if (seen.has(m[1]!)) ctx.addIssue({ code: 'custom', message: `key id ${m[1]} appears twice` });
    if (m) seen.add(m[1]!);
  }
});

/** `EVENT=CODE,EVENT=CODE`: our template code → the SMS provider's template code (e.g. RETURNED=SMS_123456789). */
const templateCodeMap = z.string().transform((v, ctx) => {
  const map: Record<string, string> = {};
  for (const [i, entry] of v.split(',').entries()) {
    if (!entry.trim()) continue;
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*([A-Za-z0-9_-]{1,64})\s*$/.exec(entry);
    if (!m) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be EVENT=TEMPLATE_CODE (e.g. RETURNED=SMS_123456789)` });
    else if (map[m[1]!]) ctx.addIssue({ code: 'custom', message: `${m[1]} appears twice` });
    else map[m[1]!] = m[2]!;
  }
  return map;
});

const perSecond = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);

const days = (min: number, fallback: number) => z.coerce.number().int().min(min).max(36_500).default(fallback);

/** One results-API client (RESULTS_API_CLIENTS): its key id, its 32-byte HMAC secret and the district it reads. */
export interface ResultsApiClient {
  keyId: string;
  secret: Buffer;
  districtCode: string;
}

/** `kid:base64secret:districtCode,…` (RESULTS_API_CLIENTS); errors name the entry, never its secret. */
const resultsApiClients = z.string().transform((v, ctx) => {
  const clients: ResultsApiClient[] = [];
  for (const [i, entry] of v.split(',').entries()) {
    if (!entry.trim()) continue;
    const m = /^\s*([A-Za-z0-9_-]{1,64})\s*:\s*([A-Za-z0-9+/=]+)\s*:\s*([A-Za-z0-9]{1,16})\s*$/.exec(entry);
    if (!m) ctx.addIssue({ code: 'custom', message: `entry ${i + 1} must be keyId:base64secret:districtCode` });
    else if (Buffer.from(m[2]!, 'base64').length !== 32) ctx.addIssue({ code: 'custom', message: `key id ${m[1]} must have a 32-byte secret, base64-encoded (openssl rand -base64 32)` });
    else if (clients.some((c) => c.keyId === m[1])) ctx.addIssue({ code: 'custom', message: `key id ${m[1]} appears twice` });
    else clients.push({ keyId: m[1]!, secret: Buffer.from(m[2]!, 'base64'), districtCode: m[3]! });
  }
  return clients;
});

/** Addresses, CIDRs and loopback/linklocal/uniquelocal, comma-separated (the syntax of Express's `trust proxy`). */
const addressList = z.string().transform((v, ctx) => {
  try {
    return parseAddressList(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** Every environment variable the system reads, in one place. Apps pick the ones they need. */
export const ENV = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; tests give every run its own. */
  QUEUE_PREFIX: z.string().min(1).default('exam'),
  STORAGE_DIR: z.string().min(1).default('.data/blobs'),
  /** Where images live: `fs` (STORAGE_DIR on this machine; the embedded default) or `s3` (an S3-compatible bucket: MinIO, a cloud's object storage). */
  STORAGE_DRIVER: z.enum(['fs', 's3']).default('fs'),
  /** S3 endpoint URL (MinIO: http://minio:9000); unset = the provider's default endpoint for S3_REGION. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  /** The bucket (private: no public ACL or policy; images are served only through the authorised handler). Required with STORAGE_DRIVER=s3. */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)')
    .optional(),
  /** Access key pair of a user allowed Get/Put/Delete/HeadObject on that bucket only. Required with STORAGE_DRIVER=s3. */
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (http://host/bucket/key), as MinIO and most self-hosted stores need; false = virtual-hosted (bucket.host). */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** AES-256-GCM key for ID numbers at rest: the single-key form, key id 1 (see ID_ENC_KEYS). */
  ID_ENC_KEY: key32.optional(),
  /** The ID-number keyring `kid:base64,kid:base64` (kid 1-255, 32-byte keys); ID_ENC_KEY, if also set, is kid 1. */
  ID_ENC_KEYS: keyring.optional(),
  /** The key id new ciphertexts are made with; required when the keyring holds more than one key. */
  ID_ENC_KEY_CURRENT: z.coerce.number().int().min(1).max(255).optional(),
  /** HMAC key for the ID-number look-up hash. */
  ID_HASH_KEY: key32,
  /**
   * identity-service: the keys of the registration system's signed launch links (docs/INTEGRATION.md §1),
   * `kid:base64,kid:base64`, each at least 32 random bytes. Unset: every launch link is refused; production refuses unset.
   */
  LAUNCH_LINK_KEYS: launchKeys.optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Secure cookies (set true behind HTTPS). */
  COOKIE_SECURE: bool.default(false),
  /**
   * Gateway: the proxies in front of it (load balancer, TLS terminator) whose X-Forwarded-For hop it believes.
   * Unset: none, the client is the socket's peer.
   */
  TRUSTED_PROXIES: addressList.default([]),
  /** Services: the gateway's address(es), the only peers whose X-Forwarded-For is believed (Express `trust proxy`). */
  GATEWAY_ADDRESSES: addressList.default(['loopback']),
  /** Seed the demo accounts (npm start; the compose `seed` job). In production only when set explicitly, and then the services accept them. */
  SEED_DEMO: bool.default(false),
  /** SMTP server URL, e.g. smtp://user:pass@host:587; unset = local sink. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('医师资格考试审核系统 <noreply@exam.local>'),
  /** Pooled SMTP connections per worker process. */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  /**
   * Who carries SMS: `file` (development sink, one JSON line per SMS in SMS_DIR) or `aliyun` (dysmsapi SendSms).
   * Production refuses `file` unless SEED_DEMO=1 (a demo deployment).
   */
  SMS_PROVIDER: z.enum(['file', 'aliyun']).default('file'),
  /** The SMS sign (签名) registered with the provider, without 【】. Required with SMS_PROVIDER=aliyun. */
  SMS_SIGN_NAME: z.string().trim().min(2).max(20).optional(),
  /** Provider template code of every SMS template: `SUBMITTED=SMS_1,RETURNED=SMS_2,…,ACCOUNT_CODE=SMS_9` (all required with aliyun). */
  SMS_TEMPLATE_CODES: templateCodeMap.optional(),
  /** Aliyun AccessKey pair (a RAM user allowed dysmsapi:SendSms only). Required with SMS_PROVIDER=aliyun. */
  ALIYUN_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  ALIYUN_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  /** Aliyun SMS endpoint (tests point it at a local fake). */
  ALIYUN_SMS_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com/'),
  ALIYUN_SMS_REGION: z.string().min(1).default('cn-hangzhou'),
  /** Deliveries per second per channel, across every worker process (a BullMQ limiter on each channel's queue). */
  NOTIFY_EMAIL_PER_SECOND: perSecond(50),
  NOTIFY_SMS_PER_SECOND: perSecond(10),
  NOTIFY_INAPP_PER_SECOND: perSecond(1000),
  /** Concurrent deliveries per channel queue in one worker process. */
  NOTIFY_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  /** Where security alerts (accounts blocked after failed logins, throttled IPs) are mailed; unset = log and audit only. */
  /**
   * The secret path segment of the SMS receipt push (POST /api/notification/sms-receipts/<token>), as configured at the
   * provider; unset = the endpoint answers 404. At least 32 characters (openssl rand -hex 24).
   */
  SMS_RECEIPT_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be 32-128 of A-Z a-z 0-9 _ - (openssl rand -hex 24)').optional(),
  SECURITY_ALERT_EMAIL: z.string().email().optional(),
  /**
   * Which worker queues this process runs: comma list of image, deadline, notify (fan-out, security alerts) and the
   * delivery queues notify-email, notify-sms, notify-inapp.
   */
  WORKER_QUEUES: z.string().default('image,deadline,notify,notify-email,notify-sms,notify-inapp'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Port of the workers' /healthz and /readyz. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3105),
  /** How long shutdown waits for in-flight jobs before handing them back. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Development SMS sink directory (JSON lines). */
  SMS_DIR: z.string().min(1).default('.data/sms'),
  /** Uploads per candidate per hour (every upload counts, deleted and rejected ones too). */
  UPLOAD_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(60),
  /** Uploads per candidate per exam year (every upload counts, deleted and rejected ones too). */
  UPLOAD_LIMIT_PER_YEAR: z.coerce.number().int().min(1).max(100_000).default(300),
  /** Days the bytes of rejected and deleted images are kept before the workers purge them (rows stay). */
  RAW_UPLOAD_RETENTION_DAYS: days(0, 7),
  /** Days audit rows are kept; at least 180 (the database refuses to delete younger rows). Default 3 years. */
  AUDIT_RETENTION_DAYS: days(180, 1095),
  /**
   * Results API clients (the registration system), `keyId:base64secret:districtCode,…`: each key signs requests
   * (HMAC-SHA256, docs/INTEGRATION.md §2) and reads the published results of its district only. Unset = no client.
   */
  RESULTS_API_CLIENTS: resultsApiClients.optional(),
} as const;

export type EnvKey = keyof typeof ENV;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration / 配置错误:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the chosen variables once. Throws ConfigError listing every bad or missing variable
 * (never echoing values: they may be secrets). With NODE_ENV=production it also refuses what
 * `productionProblems` names: well-known or non-random keys, insecure cookies, example passwords.
 */
export function loadConfig<K extends EnvKey>(
  keys: readonly K[],
  env: Record<string, string | undefined> = process.env,
  defaults: Partial<Record<K, string>> = {},
): { [P in K]: z.output<(typeof ENV)[P]> } {
  const shape = Object.fromEntries(keys.map((k) => [k, ENV[k]])) as { [P in K]: (typeof ENV)[P] };
  const input = Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : (env[k] ?? defaults[k])]));
  const result = z.object(shape).safeParse(input);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  problems.push(...crossProblems(keys, input));
  if ((env['NODE_ENV'] ?? input['NODE_ENV']) === 'production') {
    const failed = new Set(problems.map((p) => p.split(/[.:]/, 1)[0]));
    problems.push(...productionProblems(keys, input).filter((p) => !failed.has(p.split(/[.:]/, 1)[0])));
  }
  if (!result.success || problems.length) throw new ConfigError(problems);
  return result.data as { [P in K]: z.output<(typeof ENV)[P]> };
}

/**
 * Variables that only make sense together: SMS_PROVIDER=aliyun needs its key pair, sign name and template codes;
 * STORAGE_DRIVER=s3 its bucket and key pair.
 */
function crossProblems(keys: readonly string[], input: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (keys.includes('SMS_PROVIDER') && input['SMS_PROVIDER'] === 'aliyun') {
    for (const k of ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_CODES']) {
      if (!input[k] || !keys.includes(k)) problems.push(`${k}: required with SMS_PROVIDER=aliyun`);
    }
  }
  if (keys.includes('STORAGE_DRIVER') && input['STORAGE_DRIVER'] === 's3') {
    for (const k of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      if (!input[k] || !keys.includes(k)) problems.push(`${k}: required with STORAGE_DRIVER=s3`);
    }
  }
  return problems;
}

/** The typed configuration `loadConfig(keys)` returns. */
export type Config<K extends EnvKey> = { [P in K]: z.output<(typeof ENV)[P]> };

import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

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
  /** AES-256-GCM key for ID numbers at rest. */
  ID_ENC_KEY: key32,
  /** HMAC key for the ID-number look-up hash. */
  ID_HASH_KEY: key32,
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Secure cookies (set true behind HTTPS). */
  COOKIE_SECURE: bool.default(false),
  /** SMTP server URL, e.g. smtp://user:pass@host:587; unset = local sink. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('医师资格考试审核系统 <noreply@exam.local>'),
  /** Which worker queues this process runs: comma list of image,deadline,notify. */
  WORKER_QUEUES: z.string().default('image,deadline,notify'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Port of the workers' /healthz and /readyz. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3105),
  /** How long shutdown waits for in-flight jobs before handing them back. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Development SMS sink directory (JSON lines). */
  SMS_DIR: z.string().min(1).default('.data/sms'),
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
 * (never echoing values: they may be secrets).
 */
export function loadConfig<K extends EnvKey>(
  keys: readonly K[],
  env: Record<string, string | undefined> = process.env,
  defaults: Partial<Record<K, string>> = {},
): { [P in K]: z.output<(typeof ENV)[P]> } {
  const shape = Object.fromEntries(keys.map((k) => [k, ENV[k]])) as { [P in K]: (typeof ENV)[P] };
  const input = Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : (env[k] ?? defaults[k])]));
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data as { [P in K]: z.output<(typeof ENV)[P]> };
}

/** The typed configuration `loadConfig(keys)` returns. */
export type Config<K extends EnvKey> = { [P in K]: z.output<(typeof ENV)[P]> };

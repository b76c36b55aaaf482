import { ConfigError } from '@exam/config';
import { ALIYUN_SMS_ENDPOINT, AliyunSmsProvider } from './aliyun-sms.js';
import { FileSmsSender, ProviderSmsSender, templateCodeProblems, type SmsSender } from './sms.js';
import { SMS_TEMPLATE_CODES } from './templates.js';

/** The configuration the SMS channel is chosen by (libs/config: SMS_PROVIDER and friends). */
export interface SmsSettings {
  SMS_PROVIDER: 'file' | 'aliyun';
  SMS_DIR: string;
  SMS_SIGN_NAME?: string | undefined;
  SMS_TEMPLATE_CODES?: Readonly<Record<string, string>> | undefined;
  ALIYUN_ACCESS_KEY_ID?: string | undefined;
  ALIYUN_ACCESS_KEY_SECRET?: string | undefined;
  ALIYUN_SMS_ENDPOINT?: string | undefined;
  ALIYUN_SMS_REGION?: string | undefined;
}

/** The variables a process passes to `loadConfig` to build its SMS channel. */
export const SMS_ENV_KEYS = [
  'SMS_PROVIDER',
  'SMS_DIR',
  'SMS_SIGN_NAME',
  'SMS_TEMPLATE_CODES',
  'ALIYUN_ACCESS_KEY_ID',
  'ALIYUN_ACCESS_KEY_SECRET',
  'ALIYUN_SMS_ENDPOINT',
  'ALIYUN_SMS_REGION',
] as const;

/**
 * The SMS channel the configuration chooses, checked at boot: `file` is the development sink (`SMS_DIR/sms.jsonl`);
 * `aliyun` needs the AccessKey pair, the sign name and a provider template code for every SMS template (the
 * notices and ACCOUNT_CODE) — a missing or unknown one refuses to start, naming it.
 */
export function createSmsSender(config: SmsSettings, opts: { fetch?: typeof fetch } = {}): SmsSender {
  if (config.SMS_PROVIDER === 'file') return new FileSmsSender(config.SMS_DIR, undefined, config.SMS_SIGN_NAME ?? undefined);
  const problems: string[] = [];
  if (!config.ALIYUN_ACCESS_KEY_ID) problems.push('ALIYUN_ACCESS_KEY_ID: required with SMS_PROVIDER=aliyun');
  if (!config.ALIYUN_ACCESS_KEY_SECRET) problems.push('ALIYUN_ACCESS_KEY_SECRET: required with SMS_PROVIDER=aliyun');
  if (!config.SMS_SIGN_NAME) problems.push('SMS_SIGN_NAME: required with SMS_PROVIDER=aliyun');
  const codes = config.SMS_TEMPLATE_CODES ?? {};
  problems.push(...templateCodeProblems(codes, SMS_TEMPLATE_CODES).map((p) => `SMS_TEMPLATE_CODES: ${p}`));
  if (problems.length) throw new ConfigError(problems);
  const provider = new AliyunSmsProvider({
    accessKeyId: config.ALIYUN_ACCESS_KEY_ID!,
    accessKeySecret: config.ALIYUN_ACCESS_KEY_SECRET!,
    endpoint: config.ALIYUN_SMS_ENDPOINT ?? ALIYUN_SMS_ENDPOINT,
    ...(config.ALIYUN_SMS_REGION ? { regionId: config.ALIYUN_SMS_REGION } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return new ProviderSmsSender(provider, { signName: config.SMS_SIGN_NAME!, templateCodes: codes });
}

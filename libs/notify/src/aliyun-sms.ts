import { createHmac, randomUUID } from 'node:crypto';
import { DeliveryError } from './delivery.js';
import type { SmsProvider, SmsProviderRequest, SmsReceipt } from './sms.js';

/**
 * Aliyun SMS (dysmsapi 2017-05-25, SendSms) over its signed HTTP API, RPC style — node's crypto and fetch, no SDK.
 * Signature (Aliyun "签名机制", SignatureMethod=HMAC-SHA1, SignatureVersion=1.0):
 *   CanonicalizedQueryString = every parameter but Signature, sorted by name, name=value percent-encoded, joined by &
 *   StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(CanonicalizedQueryString)
 *   Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", UTF-8 of StringToSign))
 * percentEncode is RFC 3986: A–Z a–z 0–9 - _ . ~ stay, everything else (UTF-8 bytes) becomes %XY, a space %20.
 */

export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';
export const ALIYUN_SMS_VERSION = '2017-05-25';

/** RFC 3986 percent-encoding as Aliyun specifies it (encodeURIComponent leaves ! ' ( ) * alone: encode those too). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** name=value pairs sorted by name (Signature excluded), each side percent-encoded, joined by &. */
export function canonicalizedQueryString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
}

export function stringToSign(method: 'GET' | 'POST', params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQueryString(params))}`;
}

/** The Signature parameter (base64, not yet percent-encoded). */
export function signRpcRequest(method: 'GET' | 'POST', params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** `2017-07-12T02:42:19Z`: UTC, whole seconds, as the API wants its Timestamp. */
export const aliyunTimestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** ALIYUN_SMS_ENDPOINT; tests point it at a local fake */
  endpoint?: string;
  regionId?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  nonce?: () => string;
}

/** Codes of the provider's per-number flow control: more messages to this number are refused for now. */
const LIMIT_CODES = new Set(['isv.BUSINESS_LIMIT_CONTROL']);
/** Codes an operator fixes (account, credit, keys, permissions) or the provider recovers from: retried with backoff. */
const RETRY_PREFIXES = ['isp.', 'Throttling', 'ServiceUnavailable', 'InternalError', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'InvalidTimeStamp', 'SignatureNonceUsed', 'Forbidden'];
const RETRY_CODES = new Set([
  'isv.DAY_LIMIT_CONTROL',
  'isv.MONTH_LIMIT_CONTROL',
  'isv.OUT_OF_SERVICE',
  'isv.AMOUNT_NOT_ENOUGH',
  'isv.ACCOUNT_NOT_EXISTS',
  'isv.ACCOUNT_ABNORMAL',
  'isv.PRODUCT_UN_SUBSCRIPT',
  'isv.PRODUCT_UNSUBSCRIBE',
  'isv.SYSTEM_ERROR',
]);

/**
 * What an answer other than `Code: OK` means for the message: per-number flow control → `limit` (the SMS falls back to
 * in-app); account, key, credit, throttling and the provider's own errors (`isp.*`, HTTP 5xx) → `retry`; an invalid
 * number → INVALID_ADDRESS; any other business refusal (`isv.*`: template, sign, parameters, blacklist…) → final.
 */
export function classifyAliyunError(code: string, httpStatus: number, message: string): DeliveryError {
  const text = `Aliyun ${code}: ${message}`;
  if (LIMIT_CODES.has(code)) return new DeliveryError('limit', 'SMS_PROVIDER_LIMIT', text);
  if (RETRY_CODES.has(code) || RETRY_PREFIXES.some((p) => code.startsWith(p)) || httpStatus >= 500) {
    return new DeliveryError('retry', 'SMS_PROVIDER_ERROR', text);
  }
  if (code === 'isv.MOBILE_NUMBER_ILLEGAL') return new DeliveryError('final', 'INVALID_ADDRESS', text);
  if (code.startsWith('isv.') || (httpStatus >= 400 && httpStatus < 500)) return new DeliveryError('final', 'SMS_REJECTED', text);
  return new DeliveryError('retry', 'SMS_PROVIDER_ERROR', text);
}

/** `2017-01-01 00:00:00`, Beijing time, as Aliyun's receipts write it. */
function beijingTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun';
  private readonly endpoint: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: AliyunSmsOptions) {
    this.endpoint = opts.endpoint ?? ALIYUN_SMS_ENDPOINT;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Every parameter of one SendSms call, Signature excluded. */
  sendSmsParams(req: SmsProviderRequest): Record<string, string> {
    return {
      AccessKeyId: this.opts.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      PhoneNumbers: req.phoneNumber,
      RegionId: this.opts.regionId ?? 'cn-hangzhou',
      SignName: req.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: (this.opts.nonce ?? randomUUID)(),
      SignatureVersion: '1.0',
      TemplateCode: req.templateCode,
      TemplateParam: JSON.stringify(req.templateParams),
      Timestamp: aliyunTimestamp((this.opts.now ?? (() => new Date()))()),
      Version: ALIYUN_SMS_VERSION,
      ...(req.outId ? { OutId: req.outId } : {}),
    };
  }

  /** POSTs the signed form (the phone number stays out of URLs and access logs). */
  async send(req: SmsProviderRequest): Promise<{ providerMessageId: string }> {
    const params = this.sendSmsParams(req);
    const body = `Signature=${percentEncode(signRpcRequest('POST', params, this.opts.accessKeySecret))}&${canonicalizedQueryString(params)}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new DeliveryError('retry', 'SMS_PROVIDER_ERROR', `Aliyun SMS unreachable: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    let json: { Code?: unknown; Message?: unknown; BizId?: unknown } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new DeliveryError(res.status >= 500 || res.ok ? 'retry' : 'final', res.status >= 500 || res.ok ? 'SMS_PROVIDER_ERROR' : 'SMS_REJECTED', `Aliyun SMS answered HTTP ${res.status} without JSON`);
    }
    const code = typeof json.Code === 'string' ? json.Code : `HTTP${res.status}`;
    if (res.ok && code === 'OK' && typeof json.BizId === 'string' && json.BizId) return { providerMessageId: json.BizId };
    throw classifyAliyunError(code, res.status, typeof json.Message === 'string' ? json.Message : '');
  }

  /**
   * Aliyun's SmsReport HTTP push: a JSON array of `{ phone_number, send_time, report_time, success, err_code, err_msg,
   * sms_size, biz_id, out_id }`; it wants `{"code":0,"msg":"成功"}` back (see `ALIYUN_RECEIPT_ACK`) and pushes again
   * otherwise, so receipts may come twice.
   */
  parseReceipts(body: unknown): SmsReceipt[] {
    return parseAliyunReceipts(body);
  }
}

/**
 * The receipts of one Aliyun SmsReport push (a JSON array; see `AliyunSmsProvider.parseReceipts`). Needs no
 * credentials, so the service that receives the push parses it without a provider instance. Throws on a body of
 * another shape.
 */
export function parseAliyunReceipts(body: unknown): SmsReceipt[] {
  if (!Array.isArray(body)) throw new Error('an Aliyun SmsReport body is a JSON array');
  return body.map((r: unknown) => {
    if (!r || typeof r !== 'object') throw new Error('an Aliyun SmsReport item is an object');
    const o = r as Record<string, unknown>;
    if (typeof o['success'] !== 'boolean') throw new Error('an Aliyun SmsReport item has a boolean "success"');
    return {
      outId: str(o['out_id']),
      providerMessageId: str(o['biz_id']),
      delivered: o['success'],
      code: str(o['err_code']) ?? (o['success'] ? 'DELIVERED' : 'UNKNOWN'),
      message: str(o['err_msg']),
      reportedAt: beijingTime(o['report_time']),
    };
  });
}

/** The answer Aliyun's SmsReport push expects once the receipts are recorded. */
export const ALIYUN_RECEIPT_ACK = Object.freeze({ code: 0, msg: '成功' });

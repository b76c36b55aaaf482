import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliveryError, normaliseMobile } from './delivery.js';
import {
  ACCOUNT_CODE_TEMPLATE,
  ALL_TEMPLATES,
  renderAccountCodeSms,
  renderSmsTemplate,
  type AccountCodeParams,
  type RenderedSms,
  type SmsTemplateCode,
  type TemplateCode,
  type TemplateParams,
} from './templates.js';

export { ACCOUNT_CODE_TEMPLATE };

/** An SMS as the system asks for it: one of our template codes and its parameters, never free text. */
export type SmsMessage =
  | {
      /** mobile number */
      to: string;
      /** an event's pre-approved template; the provider composes the text from it */
      templateCode: TemplateCode;
      params: TemplateParams;
    }
  | {
      to: string;
      /** the one-time code of an account action (activation, password reset) */
      templateCode: typeof ACCOUNT_CODE_TEMPLATE;
      params: AccountCodeParams;
    };

export interface SmsSendOptions {
  /** our id of the message (the outbox row id), echoed by the provider in its delivery receipts */
  outId?: string;
}

/** The system's SMS channel: a template code and its parameters in, the provider's message id out. */
export interface SmsSender {
  /** who carries the messages (`file`, `aliyun`): recorded on the outbox row */
  readonly provider: string;
  send(msg: SmsMessage, opts?: SmsSendOptions): Promise<{ id: string }>;
}

/** The text an SMS message renders to and the parameters a provider receives (what it composes its registered template with). */
export function renderSmsMessage(msg: SmsMessage): RenderedSms {
  if (msg.templateCode === ACCOUNT_CODE_TEMPLATE) {
    const text = renderAccountCodeSms(msg.params);
    return { text, params: { code: msg.params.code, action: msg.params.action } };
  }
  return renderSmsTemplate(msg.templateCode, ALL_TEMPLATES[msg.templateCode], { ...msg.params });
}

/** 【sign】text — what the handset shows. */
export const smsWithSign = (signName: string, text: string) => `【${signName}】${text}`;

/** Development sink: appends one JSON line per SMS to `<dir>/sms.jsonl` (`.data/sms/` in the dev runtime). */
export class FileSmsSender implements SmsSender {
  readonly provider = 'file';
  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly signName = '医师资格考试',
  ) {}

  get file(): string {
    return join(this.dir, 'sms.jsonl');
  }

  async send(msg: SmsMessage, opts: SmsSendOptions = {}): Promise<{ id: string }> {
    const { text } = renderSmsMessage(msg);
    const id = randomUUID();
    await mkdir(this.dir, { recursive: true });
    const line = {
      id,
      at: this.now().toISOString(),
      to: msg.to,
      templateCode: msg.templateCode,
      params: msg.params,
      text: smsWithSign(this.signName, text),
      ...(opts.outId ? { outId: opts.outId } : {}),
    };
    await appendFile(this.file, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    return { id };
  }
}

/**
 * One request to a Chinese SMS provider: a sign name (签名) and a pre-approved template (模板) registered with the
 * provider, the template's parameters, and our out-id, which the provider echoes in its delivery receipts.
 */
export interface SmsProviderRequest {
  /** 11-digit mainland mobile number */
  phoneNumber: string;
  signName: string;
  /** the provider-side template code, e.g. SMS_123456789 */
  templateCode: string;
  templateParams: Record<string, string>;
  outId?: string;
}

/** A delivery receipt (状态报告) for one message, as the provider reported it. */
export interface SmsReceipt {
  /** our out-id (the outbox row id), when the message carried one */
  outId: string | null;
  /** the provider's message id (Aliyun BizId) */
  providerMessageId: string | null;
  /** reached the handset */
  delivered: boolean;
  /** the carrier's code, e.g. DELIVERED, MK:0001 */
  code: string;
  message: string | null;
  reportedAt: Date | null;
}

/** A Chinese SMS provider (Aliyun dysmsapi; Tencent Cloud SMS would fit the same shape). */
export interface SmsProvider {
  readonly name: string;
  /** Throws a classified `DeliveryError` when the provider refuses or cannot be reached. */
  send(req: SmsProviderRequest): Promise<{ providerMessageId: string }>;
  /** The receipts in a body the provider pushed to us (its own format); throws on a body that is not one. */
  parseReceipts(body: unknown): SmsReceipt[];
}

export interface ProviderSmsSenderOptions {
  signName: string;
  /** our template code → the provider's template code (SMS_TEMPLATE_CODES); every SMS template needs one */
  templateCodes: Readonly<Record<string, string>>;
}

/** Every SMS template without a provider-side code, and every configured code that names no template. */
export function templateCodeProblems(codes: Readonly<Record<string, string>>, required: readonly SmsTemplateCode[]): string[] {
  const problems = required.filter((c) => !codes[c]).map((c) => `no provider template code for ${c}`);
  for (const key of Object.keys(codes)) if (!(required as readonly string[]).includes(key)) problems.push(`unknown template ${key}`);
  return problems;
}

/** The system's SMS channel over a provider: our template code → the provider's, the rendered parameters, the out-id. */
export class ProviderSmsSender implements SmsSender {
  readonly provider: string;
  constructor(
    private readonly smsProvider: SmsProvider,
    private readonly opts: ProviderSmsSenderOptions,
  ) {
    this.provider = smsProvider.name;
  }

  async send(msg: SmsMessage, opts: SmsSendOptions = {}): Promise<{ id: string }> {
    const phoneNumber = normaliseMobile(msg.to);
    if (!phoneNumber) throw new DeliveryError('final', 'INVALID_ADDRESS', 'not a mainland mobile number');
    const templateCode = this.opts.templateCodes[msg.templateCode];
    if (!templateCode) throw new DeliveryError('final', 'TEMPLATE_ERROR', `no provider template code for ${msg.templateCode}`);
    let rendered: RenderedSms;
    try {
      rendered = renderSmsMessage(msg);
    } catch (err) {
      throw new DeliveryError('final', 'TEMPLATE_ERROR', (err as Error).message, { cause: err });
    }
    const { providerMessageId } = await this.smsProvider.send({
      phoneNumber,
      signName: this.opts.signName,
      templateCode,
      templateParams: rendered.params,
      ...(opts.outId ? { outId: opts.outId } : {}),
    });
    return { id: providerMessageId };
  }
}

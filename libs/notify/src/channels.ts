import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { renderAccountCodeSms, renderSms, type AccountCodeParams, type TemplateCode, type TemplateParams } from './templates.js';

/** Local SMTP sink the dev runtime starts (tools/dev mail-sink) — the SMTP_URL default in development. */
export const DEV_SMTP_URL = 'smtp://127.0.0.1:2525';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable Message-ID (e.g. derived from the outbox row) so a re-sent mail can be recognised as the same one. */
  messageId?: string;
}

export interface EmailSender {
  send(msg: EmailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export interface SmtpEmailSenderOptions {
  /** e.g. smtp://user:pass@host:587, smtps://host:465 */
  url: string;
  /** e.g. 医师资格考试审核系统 <noreply@exam.local> */
  from: string;
  maxConnections?: number;
}

/** Email over a pooled nodemailer SMTP transport. */
export function createSmtpEmailSender(opts: SmtpEmailSenderOptions): EmailSender {
  const transport = nodemailer.createTransport({
    pool: true,
    url: opts.url,
    maxConnections: opts.maxConnections ?? 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(msg) {
      const info = await transport.sendMail({
        from: opts.from,
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        ...(msg.messageId ? { messageId: msg.messageId } : {}),
      });
      return { messageId: String(info.messageId) };
    },
    async close() {
      transport.close();
    },
  };
}

export type SmsMessage =
  | {
      /** mobile number */
      to: string;
      /** a pre-approved template (SMS_TEMPLATES); the provider composes the text from it */
      templateCode: TemplateCode;
      params: TemplateParams;
    }
  | {
      to: string;
      /** the one-time code of an account action (activation, password reset) */
      templateCode: typeof ACCOUNT_CODE_TEMPLATE;
      params: AccountCodeParams;
    };

export const ACCOUNT_CODE_TEMPLATE = 'ACCOUNT_CODE';

/** The text an SMS message renders to (what a provider would compose from its registered template). */
export function renderSmsMessage(msg: SmsMessage): string {
  return msg.templateCode === ACCOUNT_CODE_TEMPLATE ? renderAccountCodeSms(msg.params) : renderSms(msg.templateCode, msg.params);
}

/** A provider interface: a template code and its parameters, never free text. */
export interface SmsSender {
  send(msg: SmsMessage): Promise<{ id: string }>;
}

/** Development sink: appends one JSON line per SMS to `<dir>/sms.jsonl` (`.data/sms/` in the dev runtime). */
export class FileSmsSender implements SmsSender {
  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get file(): string {
    return join(this.dir, 'sms.jsonl');
  }

  async send(msg: SmsMessage): Promise<{ id: string }> {
    const text = renderSmsMessage(msg);
    const id = randomUUID();
    await mkdir(this.dir, { recursive: true });
    const line = { id, at: this.now().toISOString(), to: msg.to, templateCode: msg.templateCode, params: msg.params, text };
    await appendFile(this.file, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    return { id };
  }
}

/** In-app channel: one inbox row per outbox row (the writer must make `outboxId` unique, so retries never duplicate). */
export interface InboxWriter {
  write(msg: { candidateId: string; outboxId: string; title: string; body: string }): Promise<void>;
}

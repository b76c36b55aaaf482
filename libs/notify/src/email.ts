import nodemailer from 'nodemailer';
import { DeliveryError } from './delivery.js';

/** Local SMTP sink the dev runtime starts (tools/dev mail-sink) — the SMTP_URL default in development. */
export const DEV_SMTP_URL = 'smtp://127.0.0.1:2525';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** the HTML alternative (notices: `renderNotice(...).email.html`) */
  html?: string;
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
  /** pooled connections (SMTP_POOL_SIZE) */
  maxConnections?: number;
}

/** The fields of a nodemailer error that say what the server answered. */
interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EMAXLIMIT', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET']);

/**
 * Classifies a failed SMTP send: a 4xx reply (and 503, "bad sequence", which another connection gets past) or a
 * connection/TLS/authentication problem is retried with backoff; a 5xx reply is final — RECIPIENT_REJECTED when it
 * answered RCPT TO, SMTP_REJECTED otherwise; an address nodemailer refuses to put in the envelope is INVALID_ADDRESS.
 */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = (err ?? {}) as SmtpErrorLike;
  const message = String(e.message ?? err);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (code !== undefined && code >= 500 && code < 600 && code !== 503 && e.code !== 'EAUTH') {
    const recipient = e.command === 'RCPT TO';
    return new DeliveryError('final', recipient ? 'RECIPIENT_REJECTED' : 'SMTP_REJECTED', message, { cause: err });
  }
  if (code !== undefined && code >= 400 && code < 600) return new DeliveryError('retry', 'SMTP_TEMPORARY', message, { cause: err });
  if (e.code === 'EENVELOPE') return new DeliveryError('final', 'INVALID_ADDRESS', message, { cause: err });
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || (e.code && CONNECTION_CODES.has(e.code))) {
    return new DeliveryError('retry', 'SMTP_CONNECTION', message, { cause: err });
  }
  return new DeliveryError('retry', 'INTERNAL_ERROR', message, { cause: err });
}

/**
 * Email over a pooled nodemailer SMTP transport. Every failure is thrown as a classified `DeliveryError`
 * (`classifySmtpError`); nodemailer itself does not retry, the delivery job does (with backoff).
 */
export function createSmtpEmailSender(opts: SmtpEmailSenderOptions): EmailSender {
  const transport = nodemailer.createTransport({
    pool: true,
    url: opts.url,
    maxConnections: opts.maxConnections ?? 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(msg) {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html ? { html: msg.html } : {}),
          ...(msg.messageId ? { messageId: msg.messageId } : {}),
          // automated notices: no out-of-office replies, no auto-forward loops (RFC 3834)
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
        return { messageId: String(info.messageId) };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}

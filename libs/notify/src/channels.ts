/**
 * The three channels of a notice, each behind a small interface: email (`email.ts`, pooled SMTP), SMS (`sms.ts`,
 * a provider interface made for Chinese providers, `aliyun-sms.ts`, and the development file sink) and the in-app inbox
 * (written by the workers in the same transaction that marks the outbox row SENT).
 */
export type NotifyChannel = 'INAPP' | 'EMAIL' | 'SMS';
export const NOTIFY_CHANNELS: readonly NotifyChannel[] = Object.freeze(['INAPP', 'EMAIL', 'SMS']);

/** In-app channel: one inbox row per outbox row (the writer must make `outboxId` unique, so retries never duplicate). */
export interface InboxWriter {
  write(msg: { candidateId: string; outboxId: string; title: string; body: string }): Promise<void>;
}

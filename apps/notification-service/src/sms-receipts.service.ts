import { timingSafeEqual } from 'node:crypto';
import { DomainError, notFound } from '@exam/domain';
import { ALIYUN_RECEIPT_ACK, parseAliyunReceipts, recordSmsReceipts } from '@exam/notify';
import type { NotificationDeps } from './notification-deps.js';

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * One receipt push of the SMS provider: checks the secret path segment (a wrong or unconfigured one looks like no
 * route at all), records the receipts on their outbox rows (idempotent: providers push again when unsure) and
 * answers what the provider expects. A body of another shape is 400, so the provider sees the push was refused.
 */
export async function recordReceiptPush(deps: NotificationDeps, token: string, body: unknown): Promise<typeof ALIYUN_RECEIPT_ACK> {
  if (!deps.smsReceiptToken || !sameSecret(token, deps.smsReceiptToken)) throw notFound('接口');
  let receipts;
  try {
    receipts = parseAliyunReceipts(body);
  } catch (e) {
    throw new DomainError('RECEIPTS_INVALID', `短信回执格式不正确：${(e as Error).message}`, 400);
  }
  const { recorded, unknown } = await recordSmsReceipts(deps.prisma, receipts, deps.now());
  deps.logger.info({ recorded, unknown }, 'sms receipts recorded');
  return ALIYUN_RECEIPT_ACK;
}

import type { PrismaClient } from '@exam/db';
import type { OutboxReason } from './delivery.js';
import type { SmsReceipt } from './sms.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Failures a receipt settles: the message did reach the provider after all (or did not reach the handset). */
const SETTLED_BY_RECEIPT: OutboxReason[] = ['OUTCOME_UNKNOWN', 'SMS_UNDELIVERED'];

/**
 * Records SMS delivery receipts on their outbox rows, found by out-id (the row id the message carried). Idempotent
 * (providers push a receipt again when unsure it arrived):
 * - delivered: the receipt is kept; a row SENDING, or FAILED as OUTCOME_UNKNOWN (its send was interrupted), becomes SENT;
 * - not delivered: a row SENT / SENDING / in doubt becomes FAILED with SMS_UNDELIVERED and the carrier's code, unless a
 *   DELIVERED receipt is already there.
 * Receipts naming no row of ours are counted and ignored.
 */
export async function recordSmsReceipts(
  prisma: Pick<PrismaClient, 'notificationOutbox'>,
  receipts: readonly SmsReceipt[],
  now: Date = new Date(),
): Promise<{ recorded: number; unknown: number }> {
  let recorded = 0;
  let unknown = 0;
  for (const r of receipts) {
    if (!r.outId || !UUID.test(r.outId)) {
      unknown++;
      continue;
    }
    const at = r.reportedAt ?? now;
    const receipt = {
      receiptStatus: r.delivered ? ('DELIVERED' as const) : ('UNDELIVERED' as const),
      receiptCode: r.code.slice(0, 64),
      receiptAt: at,
      ...(r.providerMessageId ? { providerMessageId: r.providerMessageId.slice(0, 128) } : {}),
    };
    const row = { id: r.outId, channel: 'SMS' as const };
    let n: number;
    if (r.delivered) {
      n = (
        await prisma.notificationOutbox.updateMany({
          where: { ...row, OR: [{ status: 'SENDING' }, { status: 'FAILED', reason: { in: SETTLED_BY_RECEIPT } }] },
          data: { ...receipt, status: 'SENT', reason: null, sentAt: at },
        })
      ).count;
      if (!n) n = (await prisma.notificationOutbox.updateMany({ where: row, data: receipt })).count;
    } else {
      const detail = `${r.code}${r.message ? ` ${r.message}` : ''}`.slice(0, 2000);
      n = (
        await prisma.notificationOutbox.updateMany({
          where: {
            ...row,
            OR: [{ receiptStatus: null }, { receiptStatus: 'UNDELIVERED' }],
            AND: [{ OR: [{ status: { in: ['SENT', 'SENDING'] } }, { status: 'FAILED', reason: { in: SETTLED_BY_RECEIPT } }] }],
          },
          data: { ...receipt, status: 'FAILED', reason: 'SMS_UNDELIVERED', lastError: detail },
        })
      ).count;
      if (!n) {
        n = (await prisma.notificationOutbox.updateMany({ where: { ...row, OR: [{ receiptStatus: null }, { receiptStatus: 'UNDELIVERED' }] }, data: receipt })).count;
        // a DELIVERED receipt already there: the row is known; nothing to change
        if (!n) n = await prisma.notificationOutbox.count({ where: row });
      }
    }
    if (n) recorded++;
    else unknown++;
  }
  return { recorded, unknown };
}

import {
  OUTBOX_CHANNEL_VALUES,
  OUTBOX_STATUS_VALUES,
  RESEND_MAX_ROWS,
  type OutboxChannelValue,
  type OutboxCountsResponse,
  type OutboxFilter,
  type OutboxItem,
  type OutboxListResponse,
  type OutboxStatusValue,
  type ResendResponse,
} from '@exam/api';
import { writeAudit, type AuthContext } from '@exam/auth';
import { Prisma } from '@exam/db';
import { isUuid, notFound } from '@exam/domain';
import { TEMPLATE_CODES } from '@exam/notify';
import { DELIVERY_JOB, JOB_QUEUE, jobIdFor, type DeliveryChannel, type JobProducer } from '@exam/queue';
import type { NotificationDeps } from './notification-deps.js';
import {
  assertBulkResend,
  assertResendable,
  decodeListCursor,
  encodeListCursor,
  eventLabel,
  isResendable,
  maskAddress,
  maskErrorText,
  reasonLabel,
} from './outbox-status.rules.js';

/**
 * The district's view of the outbox. A row belongs to the district of its candidate's exam year — candidate rows and
 * the registering unit's rows alike (both carry candidateId); a row without a candidate belongs to no district.
 */
const SCOPED_FROM = Prisma.sql`"NotificationOutbox" o
  JOIN "Candidate" c ON c.id = o."candidateId"
  JOIN "ExamYear" y ON y.id = c."examYearId"`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The WHERE of a filter inside the admin's district. */
function filterSql(districtCode: string, f: OutboxFilter): Prisma.Sql {
  const parts = [Prisma.sql`y."districtCode" = ${districtCode}`];
  if (f.status) parts.push(Prisma.sql`o.status = ${f.status}::"OutboxStatus"`);
  if (f.event) parts.push(Prisma.sql`o."templateCode" = ${f.event}`);
  if (f.channel) parts.push(Prisma.sql`o.channel = ${f.channel}::"Channel"`);
  const q = f.q?.trim();
  // 报名号 (digits) exactly, else part of the name
  if (q && /^\d+$/.test(q)) parts.push(Prisma.sql`c."registrationNo" = ${q}`);
  else if (q) parts.push(Prisma.sql`c.name LIKE ${`%${escapeLike(q)}%`}`);
  if (f.from) parts.push(Prisma.sql`o."createdAt" >= ${f.from}`);
  if (f.to) parts.push(Prisma.sql`o."createdAt" <= ${f.to}`);
  return Prisma.join(parts, ' AND ');
}

const emptyCounts = (): Record<OutboxStatusValue, number> =>
  Object.fromEntries(OUTBOX_STATUS_VALUES.map((s) => [s, 0])) as Record<OutboxStatusValue, number>;

/** Rows per event × channel × status of the district (one grouped query). */
export async function outboxCounts(deps: Pick<NotificationDeps, 'prisma'>, districtCode: string, f: OutboxFilter): Promise<OutboxCountsResponse> {
  const groups = await deps.prisma.$queryRaw<{ event: string; channel: OutboxChannelValue; status: OutboxStatusValue; n: number }[]>`
    SELECT o."templateCode" AS event, o.channel::text AS channel, o.status::text AS status, count(*)::int AS n
    FROM ${SCOPED_FROM}
    WHERE ${filterSql(districtCode, f)}
    GROUP BY 1, 2, 3`;
  const rows = new Map<string, OutboxCountsResponse['rows'][number]>();
  const totals = emptyCounts();
  for (const g of groups) {
    const key = `${g.event}|${g.channel}`;
    let row = rows.get(key);
    if (!row) {
      row = { event: g.event, eventLabel: eventLabel(g.event), channel: g.channel, counts: emptyCounts(), total: 0 };
      rows.set(key, row);
    }
    row.counts[g.status] += g.n;
    row.total += g.n;
    totals[g.status] += g.n;
  }
  const eventOrder = (e: string) => {
    const i = (TEMPLATE_CODES as readonly string[]).indexOf(e);
    return i < 0 ? TEMPLATE_CODES.length : i;
  };
  const sorted = [...rows.values()].sort(
    (a, b) => eventOrder(a.event) - eventOrder(b.event) || a.event.localeCompare(b.event) || OUTBOX_CHANNEL_VALUES.indexOf(a.channel) - OUTBOX_CHANNEL_VALUES.indexOf(b.channel),
  );
  return { rows: sorted, totals, events: TEMPLATE_CODES.map((code) => ({ event: code, label: eventLabel(code) })) };
}

interface ListRow {
  id: string;
  templateCode: string;
  channel: OutboxChannelValue;
  recipientType: 'CANDIDATE' | 'UNIT';
  address: string | null;
  status: OutboxStatusValue;
  reason: string | null;
  lastError: string | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  expiresAt: Date | null;
  registrationNo: string;
  name: string;
}

/** The district's outbox rows of a filter, newest first, `limit` a page with a keyset cursor; addresses masked. */
export async function listOutbox(
  deps: Pick<NotificationDeps, 'prisma' | 'now'>,
  districtCode: string,
  f: OutboxFilter,
  page: { cursor?: string | undefined; limit: number },
): Promise<OutboxListResponse> {
  const after = page.cursor ? decodeListCursor(page.cursor) : null;
  const keyset = after ? Prisma.sql`AND (o."createdAt", o.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
  const take = page.limit + 1;
  // One branch per status, each a backward range scan of the (status, createdAt) index cut at `take`, merged: without
  // a status filter Postgres would otherwise read and sort every row of the district for the first page.
  const statuses = f.status ? [f.status] : OUTBOX_STATUS_VALUES;
  const branches = statuses.map(
    (status) => Prisma.sql`(
      SELECT o.id, o."templateCode", o.channel::text AS channel, o."recipientType"::text AS "recipientType", o.address,
             o.status::text AS status, o.reason, o."lastError", o.attempts, o."createdAt", o."sentAt", o."expiresAt",
             c."registrationNo", c.name
      FROM ${SCOPED_FROM}
      WHERE ${filterSql(districtCode, { ...f, status })} ${keyset}
      ORDER BY o."createdAt" DESC, o.id DESC
      LIMIT ${take})`,
  );
  const rows = await deps.prisma.$queryRaw<ListRow[]>`
    SELECT u.* FROM (${Prisma.join(branches, ' UNION ALL ')}) u
    ORDER BY u."createdAt" DESC, u.id DESC
    LIMIT ${take}`;
  const now = deps.now();
  const items: OutboxItem[] = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    event: r.templateCode,
    eventLabel: eventLabel(r.templateCode),
    channel: r.channel,
    recipientType: r.recipientType,
    registrationNo: r.registrationNo,
    candidateName: r.name,
    address: maskAddress(r.channel, r.address),
    status: r.status,
    reason: r.reason,
    reasonLabel: reasonLabel(r.reason),
    lastError: maskErrorText(r.lastError),
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt ? r.sentAt.toISOString() : null,
    resendable: isResendable(r, now),
  }));
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeListCursor({ createdAt: last.createdAt, id: last.id }) : null };
}

/**
 * Makes the channel's delivery job of a re-sent row run again. Delivery job ids are deterministic (jobIdFor), and
 * BullMQ ignores an add whose id it still keeps (a completed job for 24 h, a failed one for 7 days): such a finished
 * job is removed first, then the job added afresh (attempts counted from 0 again). A job still waiting, delayed or
 * running is left alone — it reads the row, now PENDING, when it runs. If Redis fails here the row stays PENDING and
 * the sweeper re-queues it.
 */
export async function requeueDelivery(producer: JobProducer, channel: DeliveryChannel, outboxId: string): Promise<'added' | 'pending'> {
  const name = DELIVERY_JOB[channel];
  const payload = { outboxId };
  const job = await producer.queue(JOB_QUEUE[name]).getJob(jobIdFor(name, payload));
  if (job) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') await job.remove();
    else if (state !== 'unknown') return 'pending';
  }
  await producer.add(name, payload);
  return 'added';
}

/** Back to PENDING (the reason of the failed attempt stays until it is sent, as for an automatic retry). */
const RESET = Prisma.sql`status = 'PENDING'::"OutboxStatus", "sentAt" = NULL, "receiptStatus" = NULL, "receiptCode" = NULL, "receiptAt" = NULL`;

async function queueAll(deps: Pick<NotificationDeps, 'producer' | 'logger'>, rows: readonly { id: string; channel: DeliveryChannel }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 50) {
    await Promise.all(
      rows.slice(i, i + 50).map((r) =>
        requeueDelivery(deps.producer, r.channel, r.id).catch((err: unknown) => {
          // the row is PENDING: the sweeper re-queues it
          deps.logger.error({ err, outboxId: r.id }, 'enqueue re-sent notice failed');
        }),
      ),
    );
  }
}

/** 重新发送 one FAILED row of the district: 404 outside it, 409 unless FAILED (and not past its expiry). */
export async function resendOne(deps: NotificationDeps, auth: AuthContext, outboxId: string, ip: string | null): Promise<ResendResponse> {
  if (!isUuid(outboxId)) throw notFound('通知');
  const now = deps.now();
  const row = await deps.prisma.$transaction(async (tx) => {
    const [found] = await tx.$queryRaw<{ id: string; status: OutboxStatusValue; channel: DeliveryChannel; expiresAt: Date | null; candidateId: string }[]>`
      SELECT o.id, o.status::text AS status, o.channel::text AS channel, o."expiresAt", o."candidateId"
      FROM ${SCOPED_FROM}
      WHERE o.id = ${outboxId}::uuid AND y."districtCode" = ${auth.user.districtCode}
      FOR UPDATE OF o`;
    if (!found) throw notFound('通知');
    assertResendable(found, now);
    await tx.$executeRaw`UPDATE "NotificationOutbox" SET ${RESET}, "updatedAt" = ${now} WHERE id = ${outboxId}::uuid AND status = 'FAILED'`;
    await writeAudit(tx, {
      actorType: 'STAFF',
      actorId: auth.user.id,
      action: 'notify.resend',
      targetType: 'NotificationOutbox',
      targetId: outboxId,
      candidateId: found.candidateId,
      ip,
      details: { count: 1, channel: found.channel },
    });
    return found;
  });
  await queueAll(deps, [row]);
  return { resent: 1 };
}

/**
 * 重新发送全部失败: every FAILED (not expired) row of the filter in the district, at most RESEND_MAX_ROWS, after the
 * admin confirmed their exact number (409 with `details.count` otherwise, like 发布结果).
 */
export async function resendFailed(
  deps: NotificationDeps,
  auth: AuthContext,
  filter: OutboxFilter,
  confirmCount: number,
  ip: string | null,
): Promise<ResendResponse> {
  const now = deps.now();
  const where = Prisma.sql`${filterSql(auth.user.districtCode, { ...filter, status: 'FAILED' })}
    AND (o."expiresAt" IS NULL OR o."expiresAt" > ${now})`;
  const rows = await deps.prisma.$transaction(
    async (tx) => {
      const [counted] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM ${SCOPED_FROM} WHERE ${where}`;
      const count = filter.status && filter.status !== 'FAILED' ? 0 : (counted?.n ?? 0);
      assertBulkResend(count, confirmCount, RESEND_MAX_ROWS);
      const updated = await tx.$queryRaw<{ id: string; channel: DeliveryChannel }[]>`
        UPDATE "NotificationOutbox" SET ${RESET}, "updatedAt" = ${now}
        WHERE status = 'FAILED' AND id IN (
          SELECT o.id FROM ${SCOPED_FROM} WHERE ${where} ORDER BY o."createdAt" LIMIT ${RESEND_MAX_ROWS} FOR UPDATE OF o SKIP LOCKED)
        RETURNING id, channel::text AS channel`;
      await writeAudit(tx, {
        actorType: 'STAFF',
        actorId: auth.user.id,
        action: 'notify.resend',
        targetType: 'NotificationOutbox',
        targetId: null,
        ip,
        details: {
          count: updated.length,
          filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() },
        },
      });
      return updated;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  await queueAll(deps, rows);
  return { resent: rows.length };
}

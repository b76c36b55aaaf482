import type { NotificationOutbox, Prisma } from '@exam/db';
import { DEFAULT_CATALOG, DOSSIER_STATUS_LABELS, formatBeijingTime, reviewReasonText } from '@exam/domain';
import {
  OUTBOX_REASONS,
  errorText,
  isMuted,
  isTemplateCode,
  readMuted,
  outcomeOfFailure,
  renderNotice,
  sendingState,
  templateForTransition,
  type OutboxReason,
  type RenderedNotice,
  type TemplateCode,
  type TemplateParams,
} from '@exam/notify';
import { DELIVERY_JOB, EMAIL_BATCH, jobOptionsFor, type DeliveryChannel, type JobProducer } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { cancelUnneededReminders, remindersNotNeeded, reminderStillNeeded } from './notify-reminder.service.js';

type RecipientType = 'CANDIDATE' | 'UNIT';

/** The Message-ID of an outbox row's mail (what SMTP servers and the provider id column show). */
const messageIdOf = (outboxId: string) => `<${outboxId}@notify.exam.local>`;

export const eventKeyOfTransition = (transitionId: string) => `transition:${transitionId}`;

/** How many times BullMQ runs a delivery job of this channel; the last failure marks the row FAILED. */
export const deliverAttempts = (channel: DeliveryChannel) => jobOptionsFor(DELIVERY_JOB[channel]).attempts ?? 1;

/**
 * Creates the outbox rows of one dossier transition — the candidate (in-app always, email / SMS when known) and
 * the registering unit (email / SMS when set) — with the template of the transition's target state, then queues
 * one delivery per row on its channel's queue. Rows are unique per (event, recipient, channel): running it twice adds nothing.
 */
export async function fanoutTransition(deps: Pick<WorkerDeps, 'prisma' | 'producer'>, transitionId: string): Promise<number> {
  const t = await deps.prisma.dossierTransition.findUnique({
    where: { id: transitionId },
    include: { dossier: { include: { candidate: true, examYear: true } } },
  });
  if (!t) return 0;
  const { dossier } = t;
  // the dossier moved: reminders of this candidate still waiting that no longer apply are cancelled (NOT_NEEDED)
  await cancelUnneededReminders(deps, dossier.candidateId);
  const code = templateForTransition({
    fromStatus: t.fromStatus,
    toStatus: t.toStatus,
    actorType: t.actorType,
    autoSubmitted: dossier.autoSubmitted,
    proposedRejection: dossier.proposedRejection,
  });
  if (!code) return 0;

  const params: TemplateParams = { name: dossier.candidate.name, year: dossier.examYear.name };
  if (code === 'RETURNED') Object.assign(params, await returnParams(deps, t.returnId, dossier.examYearId));

  return createOutbox(deps, { eventKey: eventKeyOfTransition(t.id), eventType: `dossier.${t.toStatus.toLowerCase()}`, candidate: dossier.candidate, code, params });
}

export const eventKeyOfResult = (dossierId: string) => `result:${dossierId}`;
/** Dossiers fanned out per step of a publication. */
const PUBLICATION_BATCH = 500;

/**
 * The result notices (审核结果已发布) of one publication, in batches of dossiers. Rows are unique per
 * (result:<dossier>, recipient, channel): a re-run or a later publication never notifies a candidate twice.
 */
export async function fanoutPublication(deps: Pick<WorkerDeps, 'prisma' | 'producer'>, publicationId: string): Promise<number> {
  let cursor: string | undefined;
  let queued = 0;
  for (;;) {
    const dossiers = await deps.prisma.dossier.findMany({
      where: { publicationId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: PUBLICATION_BATCH,
      select: { id: true, status: true, candidate: true, examYear: { select: { name: true } } },
    });
    for (const d of dossiers) {
      const params: TemplateParams = { name: d.candidate.name, year: d.examYear.name, result: DOSSIER_STATUS_LABELS[d.status] };
      queued += await createOutbox(deps, { eventKey: eventKeyOfResult(d.id), eventType: 'dossier.result_published', candidate: d.candidate, code: 'RESULT_PUBLISHED', params });
    }
    if (dossiers.length < PUBLICATION_BATCH) return queued;
    cursor = dossiers.at(-1)!.id;
  }
}

interface OutboxEvent {
  eventKey: string;
  eventType: string;
  candidate: {
    id: string;
    email: string | null;
    phone: string | null;
    unitEmail: string | null;
    unitPhone: string | null;
    /** the candidate's muted optional notices per channel (Candidate.notifyMuted) */
    notifyMuted: Prisma.JsonValue;
  };
  code: TemplateCode;
  params: TemplateParams;
}

/**
 * The outbox rows of one event — the candidate (in-app always, email / SMS when known) and the registering unit
 * (email / SMS when set) — then one delivery job per row still pending, on its channel's queue. Unique per
 * (event, recipient, channel). A candidate's email / SMS row of an optional notice they muted is written CANCELLED /
 * MUTED (so the delivery-status view says why nothing went out) and gets no job; the unit's rows are not affected.
 */
async function createOutbox(deps: Pick<WorkerDeps, 'prisma' | 'producer'>, e: OutboxEvent): Promise<number> {
  const { prisma, producer } = deps;
  renderNotice(e.code, e.params); // fail here, not per channel, when parameters are missing
  const c = e.candidate;
  const recipients: { recipientType: RecipientType; channel: DeliveryChannel; address: string | null }[] = [
    { recipientType: 'CANDIDATE', channel: 'INAPP', address: null },
  ];
  if (c.email) recipients.push({ recipientType: 'CANDIDATE', channel: 'EMAIL', address: c.email });
  if (c.phone) recipients.push({ recipientType: 'CANDIDATE', channel: 'SMS', address: c.phone });
  if (c.unitEmail) recipients.push({ recipientType: 'UNIT', channel: 'EMAIL', address: c.unitEmail });
  if (c.unitPhone) recipients.push({ recipientType: 'UNIT', channel: 'SMS', address: c.unitPhone });

  const muted = readMuted(c.notifyMuted);
  await prisma.notificationOutbox.createMany({
    data: recipients.map((r) => ({
      eventKey: e.eventKey,
      eventType: e.eventType,
      candidateId: c.id,
      templateCode: e.code,
      params: { ...e.params },
      ...r,
      ...(r.recipientType === 'CANDIDATE' && isMuted(muted, e.code, r.channel) ? { status: 'CANCELLED' as const, reason: 'MUTED' } : {}),
    })),
    skipDuplicates: true,
  });
  const rows = await prisma.notificationOutbox.findMany({ where: { eventKey: e.eventKey, status: 'PENDING' }, select: { id: true, channel: true } });
  await queueDeliveries(producer, rows);
  return rows.length;
}

/** The mails of a district-wide fan-out: one notify.deliver-email-batch job per EMAIL_BATCH rows (deterministic job ids). */
export async function queueEmailBatches(producer: JobProducer, outboxIds: readonly string[]): Promise<void> {
  const batches: { outboxIds: string[] }[] = [];
  for (let i = 0; i < outboxIds.length; i += EMAIL_BATCH) batches.push({ outboxIds: outboxIds.slice(i, i + EMAIL_BATCH) });
  for (let i = 0; i < batches.length; i += 200) await producer.addBulk('notify.deliver-email-batch', batches.slice(i, i + 200));
}

/** One delivery job per row, on the queue of the row's channel (bulk, deterministic job ids). */
export async function queueDeliveries(producer: JobProducer, rows: readonly { id: string; channel: DeliveryChannel }[]): Promise<void> {
  for (const channel of ['INAPP', 'EMAIL', 'SMS'] as const) {
    const ids = rows.filter((r) => r.channel === channel).map((r) => ({ outboxId: r.id }));
    await producer.addBulk(DELIVERY_JOB[channel], ids);
  }
}

/** Deadline and reasons of the return a RETURNED transition opened. */
async function returnParams(
  deps: Pick<WorkerDeps, 'prisma'>,
  returnId: string | null,
  examYearId: string,
): Promise<Pick<TemplateParams, 'deadline' | 'reasons'>> {
  const ret = returnId ? await deps.prisma.return.findUnique({ where: { id: returnId }, include: { items: true } }) : null;
  if (!ret) return { deadline: '退回通知中规定的时间', reasons: '请登录系统查看退回原因' };
  const codes = [...new Set(ret.items.map((i) => i.categoryCode))];
  const categories = await deps.prisma.materialCategory.findMany({
    where: { examYearId, code: { in: codes } },
    select: { code: true, name: true },
  });
  const nameOf = (code: string) =>
    categories.find((c) => c.code === code)?.name ?? DEFAULT_CATALOG.find((c) => c.code === code)?.name ?? code;
  const reasons = ret.items.map((i) => `${nameOf(i.categoryCode)}：${reviewReasonText(i.reasonCode, i.reasonText)}`);
  if (ret.message) reasons.push(ret.message);
  return { deadline: formatBeijingTime(ret.deadline), reasons: reasons.join('；') || '请登录系统查看退回原因' };
}

/**
 * - `sent`: delivered now; `skipped`: nothing to do (not pending, or another run has it);
 * - `failed`: FAILED for good (5xx, rejected recipient, bad template…); `fell-back`: SMS CANCELLED (quota or provider
 *   flow control), the candidate's in-app message carries the notice; `expired`: its moment passed;
 * - `in-doubt`: a previous run handed it to the provider and died before recording the answer: FAILED / OUTCOME_UNKNOWN.
 */
export type DeliverOutcome = 'sent' | 'skipped' | 'failed' | 'fell-back' | 'expired' | 'in-doubt' | 'not-needed';

type DeliverDeps = Pick<WorkerDeps, 'prisma' | 'producer' | 'email' | 'sms' | 'smsQuota' | 'clock'>;

/**
 * Delivers one outbox row on its channel, at most once:
 * - in-app: the inbox message (unique per outbox row) and SENT in one transaction;
 * - email / SMS: the row is claimed (PENDING → SENDING, `lastAttemptAt`) before the provider is called and becomes
 *   SENT with the provider's message id after; a failure is classified (`outcomeOfFailure`): retryable ones put the
 *   row back to PENDING with the reason and rethrow (BullMQ retries with backoff; the last attempt makes the row FAILED
 *   and leaves the job failed), final ones make it FAILED with the reason and complete the job (no retry). A run that finds the row still SENDING after IN_FLIGHT_MS knows a
 *   previous run died between the send and its record: it does not send again (FAILED / OUTCOME_UNKNOWN).
 * - SMS first takes one message of the phone's quota (1 a minute, 10 a day); when it is used up — or the provider's own
 *   per-number flow control refuses — the row is CANCELLED with the reason and the notice goes in-app instead.
 */
export async function deliverOutbox(
  deps: DeliverDeps,
  outboxId: string,
  attempt: { attemptsMade: number; maxAttempts?: number; channel?: DeliveryChannel },
): Promise<DeliverOutcome> {
  const { prisma, clock } = deps;
  const row = await prisma.notificationOutbox.findUnique({ where: { id: outboxId } });
  if (!row) return 'skipped';
  if (attempt.channel && attempt.channel !== row.channel) {
    // queued on another channel's queue (by hand?): deliver it under its own channel's limiter
    await deps.producer.add(DELIVERY_JOB[row.channel], { outboxId: row.id });
    return 'skipped';
  }
  const now = clock.now();
  if (row.status === 'SENDING') {
    if (sendingState(row.lastAttemptAt, now) === 'in-flight') {
      throw new Error('a previous attempt may still be waiting for the provider; looked at again later');
    }
    const settled = await prisma.notificationOutbox.updateMany({
      where: { id: row.id, status: 'SENDING', lastAttemptAt: row.lastAttemptAt },
      data: { status: 'FAILED', reason: 'OUTCOME_UNKNOWN', lastError: OUTBOX_REASONS.OUTCOME_UNKNOWN },
    });
    return settled.count ? 'in-doubt' : 'skipped';
  }
  if (row.status !== 'PENDING') return 'skipped';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) {
    await finish(deps, row.id, 'PENDING', { status: 'EXPIRED', reason: 'EXPIRED' });
    return 'expired';
  }
  // a reminder is checked again right before it goes out: a candidate who submitted meanwhile gets nothing
  if (!(await reminderStillNeeded(deps, row))) {
    await finish(deps, row.id, 'PENDING', { status: 'CANCELLED', reason: 'NOT_NEEDED' });
    return 'not-needed';
  }

  let notice: RenderedNotice;
  try {
    if (!isTemplateCode(row.templateCode)) throw new Error(`unknown template ${row.templateCode}`);
    notice = renderNotice(row.templateCode, row.params as unknown as TemplateParams);
  } catch (err) {
    await finish(deps, row.id, 'PENDING', { status: 'FAILED', reason: 'TEMPLATE_ERROR', lastError: errorText(err) });
    return 'failed';
  }
  const maxAttempts = attempt.maxAttempts ?? deliverAttempts(row.channel);

  switch (row.channel) {
    case 'INAPP': {
      if (!row.candidateId) {
        await finish(deps, row.id, 'PENDING', { status: 'FAILED', reason: 'NO_ADDRESS', lastError: 'in-app notice without a candidate' });
        return 'failed';
      }
      const [, marked] = await prisma.$transaction([
        prisma.inboxMessage.createMany({
          data: [{ candidateId: row.candidateId, outboxId: row.id, title: notice.inapp.title, body: notice.inapp.body }],
          skipDuplicates: true,
        }),
        prisma.notificationOutbox.updateMany({
          where: { id: row.id, status: 'PENDING' },
          data: { status: 'SENT', sentAt: clock.now(), attempts: { increment: 1 }, provider: 'inbox', reason: null, lastError: null },
        }),
      ]);
      return marked.count ? 'sent' : 'skipped';
    }
    case 'EMAIL': {
      const to = row.address;
      if (!to) {
        await finish(deps, row.id, 'PENDING', { status: 'FAILED', reason: 'NO_ADDRESS', lastError: 'email notice without an address' });
        return 'failed';
      }
      return sendClaimed(deps, row, { attemptsMade: attempt.attemptsMade, maxAttempts }, async () => {
        const r = await deps.email.send({
          to,
          subject: notice.email.subject,
          text: notice.email.text,
          html: notice.email.html,
          messageId: messageIdOf(row.id),
        });
        return { provider: 'smtp', providerMessageId: r.messageId };
      });
    }
    case 'SMS': {
      const to = row.address;
      if (!to) {
        await finish(deps, row.id, 'PENDING', { status: 'FAILED', reason: 'NO_ADDRESS', lastError: 'SMS notice without a number' });
        return 'failed';
      }
      const quota = await deps.smsQuota.take(to);
      if (!quota.ok) {
        await fallBackToInapp(deps, row, 'PENDING', quota.reason);
        return 'fell-back';
      }
      const code = row.templateCode as TemplateCode;
      return sendClaimed(
        deps,
        row,
        { attemptsMade: attempt.attemptsMade, maxAttempts },
        async () => {
          const r = await deps.sms.send({ to, templateCode: code, params: row.params as unknown as TemplateParams }, { outId: row.id });
          return { provider: deps.sms.provider, providerMessageId: r.id };
        },
        () => deps.smsQuota.giveBack(to),
      );
    }
  }
}

/**
 * A batch of EMAIL rows (notify.deliver-email-batch), by the same rules as deliverOutbox row by row, with one read,
 * one reminder check, one claim and one status write for the mails that go out together. A row that is not a plain
 * PENDING mail (already sent or cancelled, in flight, expired, not an email) goes through deliverOutbox on its own.
 * Each mail's failure decides its own row (retry → PENDING, final → FAILED); when one is worth retrying the job fails
 * after every other row is recorded, and BullMQ's next attempt takes only the rows still PENDING.
 */
export async function deliverEmailBatch(
  deps: DeliverDeps,
  outboxIds: readonly string[],
  attempt: { attemptsMade: number; maxAttempts?: number },
): Promise<Partial<Record<DeliverOutcome, number>>> {
  const { prisma, clock } = deps;
  const counts: Partial<Record<DeliverOutcome, number>> = {};
  const count = (o: DeliverOutcome) => (counts[o] = (counts[o] ?? 0) + 1);
  const maxAttempts = attempt.maxAttempts ?? jobOptionsFor('notify.deliver-email-batch').attempts ?? 1;
  let retry: unknown = null;
  const now = clock.now();
  const rows = await prisma.notificationOutbox.findMany({ where: { id: { in: [...outboxIds] } } });
  const plain: NotificationOutbox[] = [];
  for (const row of rows) {
    const isPlain = row.channel === 'EMAIL' && row.status === 'PENDING' && !!row.address && !(row.expiresAt && row.expiresAt.getTime() <= now.getTime());
    if (isPlain) {
      plain.push(row);
      continue;
    }
    try {
      count(await deliverOutbox(deps, row.id, { attemptsMade: attempt.attemptsMade, maxAttempts, channel: 'EMAIL' }));
    } catch (err) {
      retry ??= err;
    }
  }
  // reminders are checked again right before they go out (one query for the batch)
  const notNeeded = await remindersNotNeeded(deps, plain);
  const ready: { row: NotificationOutbox; notice: RenderedNotice }[] = [];
  for (const row of plain) {
    if (notNeeded.has(row.id)) {
      if (await finish(deps, row.id, 'PENDING', { status: 'CANCELLED', reason: 'NOT_NEEDED' })) count('not-needed');
      continue;
    }
    try {
      if (!isTemplateCode(row.templateCode)) throw new Error(`unknown template ${row.templateCode}`);
      ready.push({ row, notice: renderNotice(row.templateCode, row.params as unknown as TemplateParams) });
    } catch (err) {
      await finish(deps, row.id, 'PENDING', { status: 'FAILED', reason: 'TEMPLATE_ERROR', lastError: errorText(err) });
      count('failed');
    }
  }
  const claimed = new Set(
    (
      await prisma.notificationOutbox.updateManyAndReturn({
        where: { id: { in: ready.map((r) => r.row.id) }, status: 'PENDING' },
        data: { status: 'SENDING', lastAttemptAt: now, attempts: { increment: 1 } },
        select: { id: true },
      })
    ).map((r) => r.id),
  );
  const sent: string[] = [];
  await Promise.all(
    ready.map(async ({ row, notice }) => {
      if (!claimed.has(row.id)) return void count('skipped'); // another run took it
      try {
        await deps.email.send({ to: row.address!, subject: notice.email.subject, text: notice.email.text, html: notice.email.html, messageId: messageIdOf(row.id) });
        sent.push(row.id);
      } catch (err) {
        const o = outcomeOfFailure(err, { attemptsMade: attempt.attemptsMade, maxAttempts });
        if (o.fallback) {
          await fallBackToInapp(deps, row, 'SENDING', o.reason, errorText(err));
          return void count('fell-back');
        }
        await finish(deps, row.id, 'SENDING', { status: o.status, reason: o.reason, lastError: errorText(err) });
        count('failed');
        if (o.rethrow) retry ??= err;
      }
    }),
  );
  // the mails are out: record them, riding out a short database hiccup (rows left SENDING would end in doubt)
  for (let i = 0; sent.length; i++) {
    try {
      const at = clock.now();
      await prisma.$executeRaw`UPDATE "NotificationOutbox" SET status = 'SENT', "sentAt" = ${at}, provider = 'smtp',
        "providerMessageId" = '<' || id::text || '@notify.exam.local>', reason = NULL, "lastError" = NULL, "updatedAt" = ${at}
        WHERE id = ANY(${sent}::uuid[]) AND status = 'SENDING'`;
      break;
    } catch (err) {
      if (i >= 2) throw err;
      await new Promise((r) => setTimeout(r, 500 * (i + 1)));
    }
  }
  if (sent.length) counts.sent = (counts.sent ?? 0) + sent.length;
  if (retry) throw retry;
  return counts;
}

/** A conditional status change (only from `from`): a concurrent run that already moved the row is left alone. */
async function finish(
  deps: Pick<WorkerDeps, 'prisma'>,
  id: string,
  from: 'PENDING' | 'SENDING',
  data: { status: 'PENDING' | 'FAILED' | 'CANCELLED' | 'EXPIRED'; reason: OutboxReason; lastError?: string },
): Promise<boolean> {
  const r = await deps.prisma.notificationOutbox.updateMany({ where: { id, status: from }, data: { lastError: null, ...data } });
  return r.count > 0;
}

/** Claims the row (PENDING → SENDING), calls the provider, records the outcome. */
async function sendClaimed(
  deps: DeliverDeps,
  row: NotificationOutbox,
  attempt: { attemptsMade: number; maxAttempts: number },
  send: () => Promise<{ provider: string; providerMessageId: string }>,
  notSent: () => Promise<void> = async () => undefined,
): Promise<DeliverOutcome> {
  const { prisma, clock } = deps;
  const claimed = await prisma.notificationOutbox.updateMany({
    where: { id: row.id, status: 'PENDING' },
    data: { status: 'SENDING', lastAttemptAt: clock.now(), attempts: { increment: 1 } },
  });
  if (!claimed.count) {
    await notSent();
    return 'skipped';
  }
  let sent: { provider: string; providerMessageId: string };
  try {
    sent = await send();
  } catch (err) {
    await notSent();
    const o = outcomeOfFailure(err, attempt);
    if (o.fallback) {
      await fallBackToInapp(deps, row, 'SENDING', o.reason, errorText(err));
      return 'fell-back';
    }
    await finish(deps, row.id, 'SENDING', { status: o.status, reason: o.reason, lastError: errorText(err) });
    if (o.rethrow) throw err;
    return 'failed';
  }
  // the message is out: record it, riding out a short database hiccup (a row left SENDING would end in doubt)
  const data = { status: 'SENT' as const, sentAt: clock.now(), provider: sent.provider, providerMessageId: sent.providerMessageId.slice(0, 128), reason: null, lastError: null };
  for (let i = 0; ; i++) {
    try {
      await prisma.notificationOutbox.updateMany({ where: { id: row.id, status: 'SENDING' }, data });
      return 'sent';
    } catch (err) {
      if (i >= 2) throw err;
      await new Promise((r) => setTimeout(r, 500 * (i + 1)));
    }
  }
}

/**
 * The SMS of this row is not sent (our per-phone quota, or the provider's flow control): CANCELLED with the reason.
 * A candidate gets the notice in-app instead — the event's in-app row (created if it was not) is delivered; a
 * registering unit has no inbox (its email, when set, carries the notice).
 */
async function fallBackToInapp(
  deps: Pick<WorkerDeps, 'prisma' | 'producer'>,
  row: NotificationOutbox,
  from: 'PENDING' | 'SENDING',
  reason: OutboxReason,
  detail?: string,
): Promise<void> {
  const toCandidate = row.recipientType === 'CANDIDATE' && row.candidateId;
  const why = `${OUTBOX_REASONS[reason]}${detail ? `（${detail}）` : ''}`;
  const lastError = toCandidate ? `${why}；已改为站内信` : `${why}；单位联系人没有站内信，未发送短信`;
  await finish(deps, row.id, from, { status: 'CANCELLED', reason, lastError: lastError.slice(0, 2000) });
  if (!toCandidate) return;
  await deps.prisma.notificationOutbox.createMany({
    data: [
      {
        eventKey: row.eventKey,
        eventType: row.eventType,
        recipientType: 'CANDIDATE',
        candidateId: row.candidateId,
        channel: 'INAPP',
        templateCode: row.templateCode,
        params: row.params as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  const inapp = await deps.prisma.notificationOutbox.findUnique({
    where: { eventKey_recipientType_channel: { eventKey: row.eventKey, recipientType: 'CANDIDATE', channel: 'INAPP' } },
    select: { id: true, status: true },
  });
  if (inapp?.status === 'PENDING') await deps.producer.add(DELIVERY_JOB.INAPP, { outboxId: inapp.id });
}

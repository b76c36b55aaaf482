import { DEFAULT_CATALOG, DOSSIER_STATUS_LABELS, formatBeijingTime, reviewReasonText } from '@exam/domain';
import { isTemplateCode, renderTemplate, templateForTransition, type TemplateCode, type TemplateParams } from '@exam/notify';
import { DEFAULT_JOB_OPTIONS } from '@exam/queue';
import type { WorkerDeps } from './deps.js';

type Channel = 'INAPP' | 'EMAIL' | 'SMS';
type RecipientType = 'CANDIDATE' | 'UNIT';

export const eventKeyOfTransition = (transitionId: string) => `transition:${transitionId}`;

/** How many times BullMQ runs a deliver job (the producer's default); the last failure marks the row FAILED. */
export const DELIVER_ATTEMPTS = DEFAULT_JOB_OPTIONS.attempts ?? 1;

/**
 * Creates the outbox rows of one dossier transition — the candidate (in-app always, email / SMS when known) and
 * the registering unit (email / SMS when set) — with the template of the transition's target state, then queues
 * one notify.deliver per row. Rows are unique per (event, recipient, channel): running it twice adds nothing.
 */
export async function fanoutTransition(deps: Pick<WorkerDeps, 'prisma' | 'producer'>, transitionId: string): Promise<number> {
  const t = await deps.prisma.dossierTransition.findUnique({
    where: { id: transitionId },
    include: { dossier: { include: { candidate: true, examYear: true } } },
  });
  if (!t) return 0;
  const { dossier } = t;
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
  candidate: { id: string; email: string | null; phone: string | null; unitEmail: string | null; unitPhone: string | null };
  code: TemplateCode;
  params: TemplateParams;
}

/**
 * The outbox rows of one event — the candidate (in-app always, email / SMS when known) and the registering unit
 * (email / SMS when set) — then one notify.deliver per row still pending. Unique per (event, recipient, channel).
 */
async function createOutbox(deps: Pick<WorkerDeps, 'prisma' | 'producer'>, e: OutboxEvent): Promise<number> {
  const { prisma, producer } = deps;
  renderTemplate(e.code, e.params); // fail here, not per channel, when parameters are missing
  const c = e.candidate;
  const recipients: { recipientType: RecipientType; channel: Channel; address: string | null }[] = [
    { recipientType: 'CANDIDATE', channel: 'INAPP', address: null },
  ];
  if (c.email) recipients.push({ recipientType: 'CANDIDATE', channel: 'EMAIL', address: c.email });
  if (c.phone) recipients.push({ recipientType: 'CANDIDATE', channel: 'SMS', address: c.phone });
  if (c.unitEmail) recipients.push({ recipientType: 'UNIT', channel: 'EMAIL', address: c.unitEmail });
  if (c.unitPhone) recipients.push({ recipientType: 'UNIT', channel: 'SMS', address: c.unitPhone });

  await prisma.notificationOutbox.createMany({
    data: recipients.map((r) => ({
      eventKey: e.eventKey,
      eventType: e.eventType,
      candidateId: c.id,
      templateCode: e.code,
      params: { ...e.params },
      ...r,
    })),
    skipDuplicates: true,
  });
  const rows = await prisma.notificationOutbox.findMany({ where: { eventKey: e.eventKey, status: 'PENDING' }, select: { id: true } });
  await producer.addBulk('notify.deliver', rows.map((r) => ({ outboxId: r.id })));
  return rows.length;
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

export type DeliverOutcome = 'sent' | 'skipped';

/**
 * Delivers one outbox row on its channel. Idempotent: a row that is not PENDING is skipped; the in-app message is
 * unique per outbox row. On failure it records attempts/lastError and rethrows (BullMQ retries with backoff); the
 * last attempt marks the row FAILED.
 */
export async function deliverOutbox(
  deps: Pick<WorkerDeps, 'prisma' | 'email' | 'sms' | 'clock'>,
  outboxId: string,
  attempt: { attemptsMade: number; maxAttempts?: number },
): Promise<DeliverOutcome> {
  const { prisma, clock } = deps;
  const row = await prisma.notificationOutbox.findUnique({ where: { id: outboxId } });
  if (!row || row.status !== 'PENDING') return 'skipped';
  const pending = { id: row.id, status: 'PENDING' as const };
  try {
    if (!isTemplateCode(row.templateCode)) throw new Error(`unknown template ${row.templateCode}`);
    const code: TemplateCode = row.templateCode;
    const params = row.params as unknown as TemplateParams;
    const msg = renderTemplate(code, params);
    const sent = { status: 'SENT' as const, sentAt: clock.now(), attempts: { increment: 1 }, lastError: null };
    switch (row.channel) {
      case 'INAPP': {
        if (!row.candidateId) throw new Error('in-app notice without a candidate');
        await prisma.$transaction([
          prisma.inboxMessage.createMany({
            data: [{ candidateId: row.candidateId, outboxId: row.id, title: msg.title, body: msg.text }],
            skipDuplicates: true,
          }),
          prisma.notificationOutbox.updateMany({ where: pending, data: sent }),
        ]);
        return 'sent';
      }
      case 'EMAIL':
        if (!row.address) throw new Error('email notice without an address');
        await deps.email.send({ to: row.address, subject: msg.title, text: msg.text, messageId: `<${row.id}@notify.exam.local>` });
        break;
      case 'SMS':
        if (!row.address) throw new Error('SMS notice without a number');
        await deps.sms.send({ to: row.address, templateCode: code, params });
        break;
    }
    await prisma.notificationOutbox.updateMany({ where: pending, data: sent });
    return 'sent';
  } catch (err) {
    const last = attempt.attemptsMade + 1 >= (attempt.maxAttempts ?? DELIVER_ATTEMPTS);
    await prisma.notificationOutbox.updateMany({
      where: pending,
      data: { attempts: { increment: 1 }, lastError: String((err as Error)?.message ?? err).slice(0, 2000), ...(last ? { status: 'FAILED' } : {}) },
    });
    throw err;
  }
}

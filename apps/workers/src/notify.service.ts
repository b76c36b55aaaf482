import { DEFAULT_CATALOG, formatBeijingTime } from '@exam/domain';
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
  const { prisma, producer } = deps;
  const t = await prisma.dossierTransition.findUnique({
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
  if (code === 'RETURNED') Object.assign(params, await returnParams(deps, dossier.id, dossier.examYearId, t.createdAt));
  renderTemplate(code, params); // fail here, not per channel, when parameters are missing

  const c = dossier.candidate;
  const recipients: { recipientType: RecipientType; channel: Channel; address: string | null }[] = [
    { recipientType: 'CANDIDATE', channel: 'INAPP', address: null },
  ];
  if (c.email) recipients.push({ recipientType: 'CANDIDATE', channel: 'EMAIL', address: c.email });
  if (c.phone) recipients.push({ recipientType: 'CANDIDATE', channel: 'SMS', address: c.phone });
  if (c.unitEmail) recipients.push({ recipientType: 'UNIT', channel: 'EMAIL', address: c.unitEmail });
  if (c.unitPhone) recipients.push({ recipientType: 'UNIT', channel: 'SMS', address: c.unitPhone });

  const eventKey = eventKeyOfTransition(t.id);
  await prisma.notificationOutbox.createMany({
    data: recipients.map((r) => ({
      eventKey,
      eventType: `dossier.${t.toStatus.toLowerCase()}`,
      candidateId: c.id,
      templateCode: code,
      params: { ...params },
      ...r,
    })),
    skipDuplicates: true,
  });
  const rows = await prisma.notificationOutbox.findMany({ where: { eventKey, status: 'PENDING' }, select: { id: true } });
  await producer.addBulk('notify.deliver', rows.map((r) => ({ outboxId: r.id })));
  return rows.length;
}

/** Deadline and reasons of the return a RETURNED transition announces. */
async function returnParams(
  deps: Pick<WorkerDeps, 'prisma'>,
  dossierId: string,
  examYearId: string,
  at: Date,
): Promise<Pick<TemplateParams, 'deadline' | 'reasons'>> {
  const ret = await deps.prisma.return.findFirst({
    where: { dossierId, createdAt: { lte: new Date(at.getTime() + 60_000) } },
    orderBy: { createdAt: 'desc' },
    include: { items: true },
  });
  if (!ret) return { deadline: '退回通知中规定的时间', reasons: '请登录系统查看退回原因' };
  const codes = [...new Set(ret.items.map((i) => i.categoryCode))];
  const categories = await deps.prisma.materialCategory.findMany({
    where: { examYearId, code: { in: codes } },
    select: { code: true, name: true },
  });
  const nameOf = (code: string) =>
    categories.find((c) => c.code === code)?.name ?? DEFAULT_CATALOG.find((c) => c.code === code)?.name ?? code;
  const reasons = ret.items.map((i) => `${nameOf(i.categoryCode)}：${i.reasonText || i.reasonCode}`);
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

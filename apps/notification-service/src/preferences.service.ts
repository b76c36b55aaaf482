import type { NoticeChannel, NotificationPreferencesRequest, NotificationPreferencesResponse } from '@exam/api';
import { writeAudit } from '@exam/auth';
import { DomainError } from '@exam/domain';
import {
  NOTICE_LABELS,
  NOTICE_TEMPLATES,
  TEMPLATE_CODES,
  isMuted,
  preferenceProblems,
  readMuted,
  type MutedNotices,
  type TemplateCode,
} from '@exam/notify';
import type { NotificationDeps } from './notification-deps.js';

type Deps = Pick<NotificationDeps, 'prisma'>;

function view(muted: MutedNotices, c: { email: string | null; phone: string | null }): NotificationPreferencesResponse {
  return {
    events: TEMPLATE_CODES.map((code) => ({
      code,
      label: NOTICE_LABELS[code],
      mandatory: NOTICE_TEMPLATES[code].mandatory,
      channels: { INAPP: true, EMAIL: !isMuted(muted, code, 'EMAIL'), SMS: !isMuted(muted, code, 'SMS') } satisfies Record<NoticeChannel, boolean>,
    })),
    reachable: { INAPP: true, EMAIL: !!c.email, SMS: !!c.phone },
  };
}

async function candidateOf(deps: Deps, candidateId: string) {
  const c = await deps.prisma.candidate.findUnique({ where: { id: candidateId }, select: { id: true, email: true, phone: true, notifyMuted: true } });
  if (!c) throw new DomainError('NOT_FOUND', '考生不存在', 404);
  return c;
}

/** The candidate's own preferences: every notice, whether it is mandatory, and whether each channel receives it. */
export async function getPreferences(deps: Deps, candidateId: string): Promise<NotificationPreferencesResponse> {
  const c = await candidateOf(deps, candidateId);
  return view(readMuted(c.notifyMuted), c);
}

/**
 * Replaces the candidate's muted notices. A mandatory notice (results, returns, deadlines) or an unknown one is
 * refused with a 400 naming it; the change is audited (what was muted, never an address).
 */
export async function putPreferences(
  deps: Deps,
  candidateId: string,
  body: { muted: { EMAIL: string[]; SMS: string[] } } & NotificationPreferencesRequest,
  ip: string | null,
): Promise<NotificationPreferencesResponse> {
  const problems = preferenceProblems(body.muted);
  const first = problems[0];
  if (first) {
    const channel = first.channel === 'SMS' ? '短信' : '邮件';
    const message =
      first.why === 'MANDATORY'
        ? `「${NOTICE_LABELS[first.code as TemplateCode]}」为必须接收的通知，不能关闭${channel}`
        : `不存在的通知类型：${first.code.slice(0, 64)}`;
    throw new DomainError(first.why === 'MANDATORY' ? 'NOTICE_MANDATORY' : 'VALIDATION', message, 400, { problems });
  }
  const c = await candidateOf(deps, candidateId);
  const muted: MutedNotices = {};
  for (const ch of ['EMAIL', 'SMS'] as const) {
    const codes = [...new Set(body.muted[ch])] as TemplateCode[];
    if (codes.length) muted[ch] = codes;
  }
  await deps.prisma.$transaction(async (tx) => {
    await tx.candidate.update({ where: { id: c.id }, data: { notifyMuted: muted } });
    await writeAudit(tx, {
      actorType: 'CANDIDATE',
      actorId: c.id,
      candidateId: c.id,
      action: 'notification.preferences_changed',
      targetType: 'candidate',
      targetId: c.id,
      ip,
      details: { muted },
    });
  });
  return view(muted, c);
}

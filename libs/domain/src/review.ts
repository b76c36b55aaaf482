import { DomainError } from './errors.js';
import { DOSSIER_STATUS_LABELS, TRANSITIONS, isDecided, type DossierStatus, type TransitionAction } from './dossier-status.js';

/** Preset reasons a reviewer picks for 需更换 / 材料缺失 (free text may be added to any). */
export const REVIEW_REASONS = {
  BLURRY: '模糊不清',
  INCOMPLETE: '信息不完整',
  ORIENTATION: '方向不正',
  NOT_OWN: '非本人材料',
  WRONG_TYPE: '材料类型错误',
  EXPIRED: '已过期',
  MISSING: '材料缺失',
  OTHER: '其他',
} as const;
export type ReviewReasonCode = keyof typeof REVIEW_REASONS;
export const REVIEW_REASON_CODES = Object.keys(REVIEW_REASONS) as ReviewReasonCode[];

/** What the candidate reads for one returned item: the preset label, then the reviewer's words. */
export function reviewReasonText(code: string, text?: string | null): string {
  const label = (REVIEW_REASONS as Record<string, string>)[code] ?? code;
  const extra = text?.trim();
  return extra ? `${label}：${extra}` : label;
}

/** Decisions a reviewer can take, per level (the buttons of the review screens). */
export const SITE_DECISIONS = ['PASS', 'RETURN', 'PROPOSE_REJECT'] as const;
export const DISTRICT_DECISIONS = ['APPROVE', 'REJECT', 'RETURN'] as const;
export type SiteDecision = (typeof SITE_DECISIONS)[number];
export type DistrictDecision = (typeof DISTRICT_DECISIONS)[number];
export type ReviewDecisionKind = SiteDecision | DistrictDecision;
export type ReviewLevel = 'SITE' | 'DISTRICT';

export const DECISION_LABELS: Record<ReviewDecisionKind, string> = {
  PASS: '通过',
  RETURN: '退回补充',
  PROPOSE_REJECT: '建议不通过',
  APPROVE: '审核通过',
  REJECT: '审核不通过',
};

/** The dossier transition a reviewer's decision makes. */
export function decisionAction(level: ReviewLevel, decision: ReviewDecisionKind): TransitionAction {
  if (level === 'SITE') {
    if (decision === 'PASS') return 'SITE_PASS';
    if (decision === 'RETURN') return 'SITE_RETURN';
    if (decision === 'PROPOSE_REJECT') return 'SITE_PROPOSE_REJECT';
  } else {
    if (decision === 'APPROVE') return 'DISTRICT_APPROVE';
    if (decision === 'REJECT') return 'DISTRICT_REJECT';
    if (decision === 'RETURN') return 'DISTRICT_RETURN';
  }
  throw new DomainError('INVALID_DECISION', '该审核级别不能作出此决定', 400);
}

/** Decisions open to a reviewer of `level` on a dossier in `status` (none when it is not theirs to decide). */
export function allowedDecisions(level: ReviewLevel, status: DossierStatus): ReviewDecisionKind[] {
  const list: readonly ReviewDecisionKind[] = level === 'SITE' ? SITE_DECISIONS : DISTRICT_DECISIONS;
  return list.filter((d) => TRANSITIONS[decisionAction(level, d)].from === status);
}

/** What the history shows for each transition. */
export const TRANSITION_ACTION_LABELS: Record<TransitionAction, string> = {
  SUBMIT: '提交审核',
  AUTO_SUBMIT: '截止自动提交',
  EXPIRE: '逾期未提交',
  SITE_PASS: '考点审核通过',
  SITE_RETURN: '考点退回补充',
  SITE_PROPOSE_REJECT: '考点建议不通过',
  RESUBMIT: '补充后再次提交',
  RETURN_EXPIRED: '补充期限已过，转考区审核',
  DISTRICT_APPROVE: '考区审核通过',
  DISTRICT_REJECT: '考区审核不通过',
  DISTRICT_RETURN: '考区退回补充',
};

export interface ImageMarkInput {
  imageId: string;
  mark: 'OK' | 'NEEDS_REPLACEMENT';
  reasonCode?: string | null;
  reasonText?: string | null;
}
export interface MissingCategoryInput {
  categoryCode: string;
  reasonCode?: string | null;
  reasonText?: string | null;
}
export interface DecisionInput {
  decision: ReviewDecisionKind;
  marks: readonly ImageMarkInput[];
  missing: readonly MissingCategoryInput[];
  comment?: string | null;
}

const isReason = (code: string | null | undefined): code is ReviewReasonCode =>
  !!code && Object.prototype.hasOwnProperty.call(REVIEW_REASONS, code);

/**
 * Checks a reviewer's decision against the dossier's images and categories: every mark names an image of this
 * dossier under review, every 需更换 and 材料缺失 has a preset reason (其他 needs words); 退回补充 names at least one
 * item; 通过 / 审核通过 carry no 需更换 mark or missing category; 建议不通过 / 审核不通过 need a reason.
 */
export function assertDecisionValid(
  input: DecisionInput,
  dossier: { imageIds: ReadonlySet<string>; categoryCodes: ReadonlySet<string> },
): void {
  const seen = new Set<string>();
  for (const m of input.marks) {
    if (!dossier.imageIds.has(m.imageId)) throw new DomainError('MARK_UNKNOWN_IMAGE', '标记的图片不属于该考生的待审材料，请刷新后重试', 400);
    if (seen.has(m.imageId)) throw new DomainError('MARK_DUPLICATE', '同一张图片只能标记一次', 400);
    seen.add(m.imageId);
    if (m.mark === 'NEEDS_REPLACEMENT') {
      if (!isReason(m.reasonCode)) throw new DomainError('MARK_REASON_REQUIRED', '标记“需更换”时请选择原因', 400);
      if (m.reasonCode === 'OTHER' && !m.reasonText?.trim()) throw new DomainError('MARK_REASON_REQUIRED', '原因选择“其他”时请填写说明', 400);
    }
  }
  const cats = new Set<string>();
  for (const c of input.missing) {
    if (!dossier.categoryCodes.has(c.categoryCode)) throw new DomainError('MISSING_UNKNOWN_CATEGORY', '材料类别不适用于该考生', 400);
    if (cats.has(c.categoryCode)) throw new DomainError('MISSING_DUPLICATE', '同一类材料只能标记一次“材料缺失”', 400);
    cats.add(c.categoryCode);
    if (c.reasonCode && !isReason(c.reasonCode)) throw new DomainError('MARK_REASON_REQUIRED', '请选择有效的原因', 400);
    if (c.reasonCode === 'OTHER' && !c.reasonText?.trim()) throw new DomainError('MARK_REASON_REQUIRED', '原因选择“其他”时请填写说明', 400);
  }
  const flagged = input.marks.filter((m) => m.mark === 'NEEDS_REPLACEMENT').length + input.missing.length;
  switch (input.decision) {
    case 'RETURN':
      if (!flagged) throw new DomainError('RETURN_EMPTY', '退回补充时请至少标记一张“需更换”的图片或一类“材料缺失”', 400);
      break;
    case 'PASS':
    case 'APPROVE':
      if (flagged) throw new DomainError('PASS_WITH_FLAGS', '有标记为“需更换”或“材料缺失”的材料，不能通过；请选择退回补充', 400);
      break;
    case 'PROPOSE_REJECT':
    case 'REJECT':
      if (!input.comment?.trim()) throw new DomainError('REJECT_REASON_REQUIRED', '请填写不通过的原因', 400);
      break;
  }
}

/** Latest allowed return deadline: 30 days after the return. */
export const MAX_RETURN_DAYS = 30;

/** The return deadline: the one asked for (at least an hour ahead, at most 30 days), else now + the year's default. */
export function resolveReturnDeadline(requested: Date | null | undefined, defaultHours: number, now: Date): Date {
  if (!requested) return new Date(now.getTime() + defaultHours * 3600_000);
  if (Number.isNaN(requested.getTime())) throw new DomainError('RETURN_DEADLINE_INVALID', '补充截止时间无效', 400);
  if (requested.getTime() < now.getTime() + 3600_000) {
    throw new DomainError('RETURN_DEADLINE_TOO_SOON', '补充截止时间至少应在 1 小时之后', 400);
  }
  if (requested.getTime() > now.getTime() + MAX_RETURN_DAYS * 24 * 3600_000) {
    throw new DomainError('RETURN_DEADLINE_TOO_LATE', `补充截止时间不能超过 ${MAX_RETURN_DAYS} 天`, 400);
  }
  return requested;
}

/** The state a candidate is shown: a decision stays 审核中 until the district publishes it. */
export function candidateVisibleStatus(status: DossierStatus, published: boolean): { status: DossierStatus; statusLabel: string } {
  if (isDecided(status) && !published) return { status: 'PENDING_DISTRICT', statusLabel: IN_REVIEW_LABEL };
  if (status === 'PENDING_SITE' || status === 'PENDING_DISTRICT') return { status, statusLabel: IN_REVIEW_LABEL };
  return { status, statusLabel: DOSSIER_STATUS_LABELS[status] };
}
export const IN_REVIEW_LABEL = '审核中';

/** Pipeline warnings stored per image (codes) and what reviewers and candidates read. */
export const IMAGE_WARNINGS = {
  UNCLEAR: '图片可能不清晰',
  REUSED: '与其他考生的图片相似',
} as const;
export type ImageWarningCode = keyof typeof IMAGE_WARNINGS;

/**
 * The warnings a candidate is shown on their own tiles: the ones they can act on by taking a better photo.
 * REUSED is an anti-fraud signal for reviewers only — telling the candidate would teach a forger what is checked.
 */
export const CANDIDATE_VISIBLE_WARNINGS: readonly ImageWarningCode[] = Object.freeze(['UNCLEAR']);

/** The warnings of an image a candidate may see, with their labels. */
export function candidateWarnings(codes: readonly string[]): { code: ImageWarningCode; label: string }[] {
  return CANDIDATE_VISIBLE_WARNINGS.filter((c) => codes.includes(c)).map((code) => ({ code, label: IMAGE_WARNINGS[code] }));
}

/** Maximum Hamming distance between two 64-bit perceptual hashes that counts as the same picture. */
export const REUSE_MAX_DISTANCE = 3;

/** The four 16-bit bands of a 64-bit hash (16 hex digits); two hashes within distance 3 share at least one band. */
export function hashBands(hex: string): [number, number, number, number] {
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new Error(`not a 64-bit hex hash: ${hex}`);
  return [0, 4, 8, 12].map((i) => parseInt(hex.slice(i, i + 4), 16)) as [number, number, number, number];
}

/** The hash as a signed 64-bit integer (Postgres bigint). */
export function hashToBigInt(hex: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

export function hammingDistance64(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

/**
 * Reviewers see what the candidate submitted: nothing of a dossier never submitted, and not the images uploaded
 * during a return until the candidate submits again (resubmission moves submittedAt past them).
 */
export function reviewerMayViewImage(uploadedAt: Date, submittedAt: Date | null): boolean {
  return submittedAt !== null && uploadedAt.getTime() <= submittedAt.getTime();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from URLs: anything that is not a uuid is simply not found. */
export const isUuid = (value: string): boolean => UUID_RE.test(value);

/** 张三 → 张**: a name shown outside the viewer's scope. */
export const maskName = (name: string): string => (name ? `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}` : '');

/** The queue a reviewer of each level works through. */
export const REVIEW_QUEUE_STATUS: Record<ReviewLevel, DossierStatus> = { SITE: 'PENDING_SITE', DISTRICT: 'PENDING_DISTRICT' };

/** How long the queue keeps a dossier for the reviewer it handed it to (then anyone may be given it). */
export const QUEUE_CLAIM_MINUTES = 10;

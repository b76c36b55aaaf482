import { DomainError } from './errors.js';

export const DOSSIER_STATUSES = [
  'DRAFT',
  'PENDING_SITE',
  'RETURNED',
  'PENDING_DISTRICT',
  'APPROVED',
  'REJECTED',
  'NOT_SUBMITTED',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const DOSSIER_STATUS_LABELS: Record<DossierStatus, string> = {
  DRAFT: '未提交',
  PENDING_SITE: '待考点审核',
  RETURNED: '待补充材料',
  PENDING_DISTRICT: '待考区审核',
  APPROVED: '审核通过',
  REJECTED: '审核不通过',
  NOT_SUBMITTED: '逾期未提交',
};

export type TransitionActor = 'CANDIDATE' | 'SITE_REVIEWER' | 'DISTRICT_REVIEWER' | 'SYSTEM';

export type TransitionAction =
  | 'SUBMIT' // 提交审核 (candidate)
  | 'AUTO_SUBMIT' // 截止自动提交 (system, at the deadline)
  | 'EXPIRE' // 逾期未提交 (system, at the deadline, empty dossier)
  | 'SITE_PASS'
  | 'SITE_RETURN'
  | 'SITE_PROPOSE_REJECT'
  | 'RESUBMIT' // candidate, after a return; goes to district review whoever returned it
  | 'RETURN_EXPIRED' // system: return deadline passed without resubmission; goes to district
  | 'DISTRICT_APPROVE'
  | 'DISTRICT_REJECT'
  | 'DISTRICT_RETURN';

interface TransitionRule {
  from: DossierStatus;
  to: DossierStatus;
  actor: TransitionActor;
}

/** The only transitions there are (DESIGN §4). Anything else is refused. */
export const TRANSITIONS: Record<TransitionAction, TransitionRule> = {
  SUBMIT: { from: 'DRAFT', to: 'PENDING_SITE', actor: 'CANDIDATE' },
  AUTO_SUBMIT: { from: 'DRAFT', to: 'PENDING_SITE', actor: 'SYSTEM' },
  EXPIRE: { from: 'DRAFT', to: 'NOT_SUBMITTED', actor: 'SYSTEM' },
  SITE_PASS: { from: 'PENDING_SITE', to: 'PENDING_DISTRICT', actor: 'SITE_REVIEWER' },
  SITE_RETURN: { from: 'PENDING_SITE', to: 'RETURNED', actor: 'SITE_REVIEWER' },
  SITE_PROPOSE_REJECT: { from: 'PENDING_SITE', to: 'PENDING_DISTRICT', actor: 'SITE_REVIEWER' },
  RESUBMIT: { from: 'RETURNED', to: 'PENDING_DISTRICT', actor: 'CANDIDATE' },
  RETURN_EXPIRED: { from: 'RETURNED', to: 'PENDING_DISTRICT', actor: 'SYSTEM' },
  DISTRICT_APPROVE: { from: 'PENDING_DISTRICT', to: 'APPROVED', actor: 'DISTRICT_REVIEWER' },
  DISTRICT_REJECT: { from: 'PENDING_DISTRICT', to: 'REJECTED', actor: 'DISTRICT_REVIEWER' },
  DISTRICT_RETURN: { from: 'PENDING_DISTRICT', to: 'RETURNED', actor: 'DISTRICT_REVIEWER' },
};

/** Returns the target state of `action` from `current`, or throws a DomainError (409) in Chinese. */
export function transition(current: DossierStatus, action: TransitionAction, actor: TransitionActor): DossierStatus {
  const rule = TRANSITIONS[action];
  if (rule.actor !== actor) {
    throw new DomainError('FORBIDDEN_TRANSITION', '无权执行此操作', 403);
  }
  if (rule.from !== current) {
    throw new DomainError(
      'INVALID_TRANSITION',
      `当前状态为「${DOSSIER_STATUS_LABELS[current]}」，不能执行此操作`,
      409,
      { from: current, action },
    );
  }
  return rule.to;
}

/** Whole-dossier lock: only a DRAFT dossier is open to changes (RETURNED opens only the returned items). */
export function isDossierEditable(status: DossierStatus): boolean {
  return status === 'DRAFT';
}

/** What a move records on the dossier besides its status (DESIGN §4: 截止自动提交, 考点建议不通过). */
export function transitionMarks(action: TransitionAction): { stampsSubmission: boolean; autoSubmitted?: true; proposedRejection?: true } {
  switch (action) {
    case 'SUBMIT':
    case 'RESUBMIT':
      return { stampsSubmission: true };
    case 'AUTO_SUBMIT':
      return { stampsSubmission: true, autoSubmitted: true };
    case 'SITE_PROPOSE_REJECT':
      return { stampsSubmission: false, proposedRejection: true };
    default:
      return { stampsSubmission: false };
  }
}

/** States in which a reviewer works on the dossier (entering one recomputes its warning flags). */
export const IN_REVIEW_STATUSES: readonly DossierStatus[] = ['PENDING_SITE', 'PENDING_DISTRICT'];
/** States of a decided dossier (shown to the candidate only once published). */
export const DECIDED_STATUSES = ['APPROVED', 'REJECTED'] as const satisfies readonly DossierStatus[];
export type DecidedStatus = (typeof DECIDED_STATUSES)[number];
export const isDecided = (status: DossierStatus): status is DecidedStatus => (DECIDED_STATUSES as readonly string[]).includes(status);

/** States in which review has not ended: 发布结果 waits for them, or the publisher confirms their number. */
export const OPEN_REVIEW_STATUSES: readonly DossierStatus[] = ['PENDING_SITE', 'PENDING_DISTRICT', 'RETURNED'];

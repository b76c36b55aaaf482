import type { DossierStatus, ImageState, WindowState } from '@exam/api';

/** What users see for each dossier state (DESIGN §4; the candidate manual's words). */
export const DOSSIER_STATUS_LABELS: Readonly<Record<DossierStatus, string>> = {
  DRAFT: '未提交',
  PENDING_SITE: '待考点审核',
  RETURNED: '待补充材料',
  PENDING_DISTRICT: '待考区审核',
  APPROVED: '审核通过',
  REJECTED: '审核不通过',
  NOT_SUBMITTED: '逾期未提交',
};

/** Display order of dossier states (filters, progress tables). */
export const DOSSIER_STATUSES: readonly DossierStatus[] = [
  'DRAFT',
  'PENDING_SITE',
  'RETURNED',
  'PENDING_DISTRICT',
  'APPROVED',
  'REJECTED',
  'NOT_SUBMITTED',
];

export const IMAGE_STATE_LABELS: Readonly<Record<ImageState, string>> = {
  PROCESSING: '处理中',
  READY: '已上传',
  REJECTED: '未通过校验',
};

export const WINDOW_STATE_LABELS: Readonly<Record<WindowState, string>> = {
  NOT_OPEN: '未开始',
  OPEN: '上传中',
  CLOSED: '已截止',
};

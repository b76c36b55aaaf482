import type { DistrictVia, ImageState, WindowState } from '@exam/api';

/** What users see for each dossier state, and their display order: the domain's own (DESIGN §4). */
export { DOSSIER_STATUS_LABELS, DOSSIER_STATUSES } from '@exam/domain';

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

/** How a dossier reached district review (来源 filter of the district queue). */
export const DISTRICT_VIA_LABELS: Readonly<Record<DistrictVia, string>> = {
  SITE_PASS: '考点通过',
  SITE_PROPOSE_REJECT: '考点建议不通过',
  RESUBMIT: '补充后再次提交',
  RETURN_EXPIRED: '补充期限已过',
};

import { Tag } from 'antd';
import type { DossierStatus, ImageState } from '@exam/api';
import { DOSSIER_STATUS_LABELS, IMAGE_STATE_LABELS } from './labels';

const DOSSIER_STATUS_COLORS: Readonly<Record<DossierStatus, string>> = {
  DRAFT: 'default',
  PENDING_SITE: 'processing',
  RETURNED: 'warning',
  PENDING_DISTRICT: 'cyan',
  APPROVED: 'success',
  REJECTED: 'error',
  NOT_SUBMITTED: 'default',
};

export interface DossierStatusTagProps {
  status: DossierStatus;
}

/** 未提交 / 待考点审核 / 待补充材料 / 待考区审核 / 审核通过 / 审核不通过 / 逾期未提交 */
export function DossierStatusTag({ status }: DossierStatusTagProps) {
  return (
    <Tag color={DOSSIER_STATUS_COLORS[status]} data-status={status}>
      {DOSSIER_STATUS_LABELS[status]}
    </Tag>
  );
}

export interface LockTagProps {
  locked: boolean;
}

/** 已锁定 (the candidate can no longer change the image) / 未锁定. */
export function LockTag({ locked }: LockTagProps) {
  return <Tag color={locked ? 'default' : 'green'}>{locked ? '已锁定' : '未锁定'}</Tag>;
}

const IMAGE_STATE_COLORS: Readonly<Record<ImageState, string>> = {
  PROCESSING: 'processing',
  READY: 'success',
  REJECTED: 'error',
};

export function ImageStateTag({ state }: { state: ImageState }) {
  return <Tag color={IMAGE_STATE_COLORS[state]}>{IMAGE_STATE_LABELS[state]}</Tag>;
}

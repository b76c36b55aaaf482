import type { ReviewDecisionKind, ReviewDossierResponse } from '@exam/api';
import { DECISION_LABELS } from '@exam/domain';
import { Alert, Flex, Input, Modal, Typography } from '@exam/ui';
import type { ImageEntry } from './image-label';
import { decisionBlocker, markReasonLabel, reviewSummary, type ReviewState } from './review-state';
import { formatBeijing } from './time';

export interface DecisionForm {
  comment: string;
  /** datetime-local value, Beijing time */
  deadline: string;
}

interface DecisionDialogProps {
  data: ReviewDossierResponse;
  state: ReviewState;
  images: ReadonlyMap<string, ImageEntry>;
  form: DecisionForm;
  onForm: (form: DecisionForm) => void;
  submitting: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

const needsReason = (d: ReviewDecisionKind) => d === 'PROPOSE_REJECT' || d === 'REJECT';

/** Confirms a decision: what will be sent (flagged items, return deadline, reason); Enter confirms. */
export function DecisionDialog({ data, state, images, form, onForm, submitting, error, onConfirm, onCancel }: DecisionDialogProps) {
  const decision = state.dialog;
  const label = decision ? DECISION_LABELS[decision] : '';
  const summary = reviewSummary(state);
  const blocker = decision ? decisionBlocker(state, decision, form.comment) : null;
  const categoryName = (code: string) => data.categories.find((c) => c.code === code)?.name ?? code;
  const flaggedImages = Object.entries(state.marks).filter(([, m]) => m.mark === 'NEEDS_REPLACEMENT');
  const flaggedCategories = Object.entries(state.missing);
  const commentBlocker = decision && needsReason(decision) && !form.comment.trim();

  return (
    <Modal
      open={!!decision}
      title={`${label}：${data.candidate.name}（${data.candidate.registrationNo}）`}
      onCancel={onCancel}
      onOk={onConfirm}
      okText={`确认${label}`}
      cancelText="取消"
      okButtonProps={{ disabled: !!blocker, loading: submitting, danger: decision !== 'PASS' && decision !== 'APPROVE', autoFocus: !needsReason(decision ?? 'PASS'), 'data-testid': 'decision-confirm' }}
      destroyOnHidden
      width={560}
    >
      {decision && (
        <Flex vertical gap={10} data-testid="decision-dialog" data-decision={decision}>
          <Typography.Text>
            已标记 ✓ {summary.ok} 张、需更换 {summary.replace} 张、材料缺失 {summary.missing} 类
            {summary.unmarked > 0 ? `；${summary.unmarked} 张未逐张标记` : ''}。
          </Typography.Text>
          {(flaggedImages.length > 0 || flaggedCategories.length > 0) && (
            <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="decision-flagged">
              {flaggedImages.map(([id, m]) => (
                <li key={id}>
                  {images.get(id)?.label ?? '图片'}：需更换（{markReasonLabel(m)}）
                </li>
              ))}
              {flaggedCategories.map(([code, m]) => (
                <li key={code}>
                  {categoryName(code)}：材料缺失（{markReasonLabel(m)}）
                </li>
              ))}
            </ul>
          )}
          {decision === 'RETURN' && (
            <Flex vertical gap={4}>
              <label htmlFor="rv-return-deadline">
                补充截止时间（北京时间）
                <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
                  默认 {formatBeijing(data.defaultReturnDeadline)}
                </Typography.Text>
              </label>
              <Input
                id="rv-return-deadline"
                type="datetime-local"
                aria-label="补充截止时间"
                value={form.deadline}
                onChange={(e) => onForm({ ...form, deadline: e.target.value })}
                style={{ maxWidth: 260 }}
                data-testid="return-deadline"
              />
              <Input.TextArea
                aria-label="给考生的说明"
                placeholder="给考生的说明（可选）"
                autoSize={{ minRows: 2, maxRows: 5 }}
                maxLength={1000}
                value={form.comment}
                onChange={(e) => onForm({ ...form, comment: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) onConfirm();
                }}
              />
            </Flex>
          )}
          {needsReason(decision) && (
            <Input.TextArea
              autoFocus
              aria-label="不通过原因"
              placeholder="不通过的原因（必填；Ctrl+Enter 提交）"
              autoSize={{ minRows: 3, maxRows: 6 }}
              maxLength={1000}
              value={form.comment}
              onChange={(e) => onForm({ ...form, comment: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) onConfirm();
              }}
              data-testid="decision-comment"
            />
          )}
          {blocker && !commentBlocker && <Alert type="warning" showIcon title={blocker} />}
          {error && <Alert type="error" showIcon title={error} data-testid="decision-error" />}
        </Flex>
      )}
    </Modal>
  );
}

import { useEffect, useRef, type Dispatch } from 'react';
import { REVIEW_REASON_CODES, REVIEW_REASONS } from '@exam/domain';
import { Button, Flex, Input, Modal, Typography } from '@exam/ui';
import { pickerComplete, type ReasonPicker, type ReviewAction } from './review-state';

interface ReasonPickerModalProps {
  picker: ReasonPicker | null;
  /** what the reason is about: 身份证明 第 1 张 / 毕业证书 */
  subject: string;
  dispatch: Dispatch<ReviewAction>;
}

/** 需更换 / 材料缺失: a preset reason (digits 1–8) plus optional words (其他 needs them); Enter confirms. */
export function ReasonPickerModal({ picker, subject, dispatch }: ReasonPickerModalProps) {
  const textRef = useRef<{ focus: () => void } | null>(null);
  const isOther = picker?.reasonCode === 'OTHER';
  useEffect(() => {
    if (isOther) textRef.current?.focus();
  }, [isOther]);

  const missing = picker?.target.kind === 'category';
  const title = missing ? `材料缺失：${subject}` : `需更换：${subject}`;
  return (
    <Modal
      open={!!picker}
      title={title}
      onCancel={() => dispatch({ type: 'cancelPicker' })}
      onOk={() => dispatch({ type: 'confirmPicker' })}
      okText="确定"
      okButtonProps={{ disabled: !picker || !pickerComplete(picker), 'data-testid': 'reason-confirm' }}
      cancelText="取消"
      destroyOnHidden
      width={480}
    >
      <Flex vertical gap={10} data-testid="reason-picker">
        <Typography.Text type="secondary">按数字键选择原因，按 Enter 确认，Esc 取消。</Typography.Text>
        <div className="rv-reasons" role="radiogroup" aria-label="原因">
          {REVIEW_REASON_CODES.map((code, i) => {
            const active = picker?.reasonCode === code;
            return (
              <Button
                key={code}
                role="radio"
                aria-checked={active}
                type={active ? 'primary' : 'default'}
                // keep focus where it is, so that Enter still confirms
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => dispatch({ type: 'pickReason', code })}
                data-testid={`reason-${code}`}
                style={{ justifyContent: 'flex-start' }}
              >
                <kbd className="rv-kbd">{i + 1}</kbd> {REVIEW_REASONS[code]}
              </Button>
            );
          })}
        </div>
        <Input
          ref={(el) => {
            textRef.current = el;
          }}
          placeholder={isOther ? '请填写说明（必填）' : '补充说明（可选）'}
          aria-label="补充说明"
          maxLength={500}
          value={picker?.reasonText ?? ''}
          onChange={(e) => dispatch({ type: 'setReasonText', text: e.target.value })}
          onPressEnter={() => dispatch({ type: 'confirmPicker' })}
          data-testid="reason-text"
        />
      </Flex>
    </Modal>
  );
}

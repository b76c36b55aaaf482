import type { ReactNode } from 'react';
import { Modal } from '@exam/ui';

export interface SaveDialogProps {
  title: string;
  saving: boolean;
  onSave: () => Promise<void> | void;
  onCancel: () => void;
  /** the 保存 button's label when it says more (创建账号) */
  okText?: string;
  /** the 保存 button's id (a form's Enter submits through it) */
  okId?: string;
  width?: number;
  children: ReactNode;
}

/** The admin screens' edit dialog: open while mounted, 保存 / 取消, 保存 spins while saving, contents dropped on close. */
export function SaveDialog({ title, saving, onSave, onCancel, okText = '保存', okId, width, children }: SaveDialogProps) {
  return (
    <Modal
      open
      title={title}
      okText={okText}
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void onSave()}
      onCancel={onCancel}
      destroyOnHidden
      {...(width ? { width } : {})}
      {...(okId ? { okButtonProps: { id: okId } } : {})}
    >
      {children}
    </Modal>
  );
}

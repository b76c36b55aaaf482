import type { ReviewLevel } from '@exam/api';
import { Modal, Table } from '@exam/ui';
import { shortcutHelp } from './review-keys';

/** The 快捷键 help (also opened with ? or H). */
export function KeyboardHelp({ open, level, onClose }: { open: boolean; level: ReviewLevel; onClose: () => void }) {
  const rows = shortcutHelp(level).map((r, i) => ({ ...r, key: i }));
  return (
    <Modal open={open} title="快捷键" onCancel={onClose} footer={null} width={560} destroyOnHidden>
      <p style={{ marginTop: 0 }}>
        打开材料时已选中第一张图片。全部合格的 6 张图片：按 6 次 Y，再按 P、Enter，共 8 次按键即可完成。在输入框中输入时快捷键不生效。
      </p>
      <Table
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="shortcut-help"
        columns={[
          { title: '按键', dataIndex: 'keys', key: 'keys', width: 150, render: (k: string) => <kbd className="rv-kbd">{k}</kbd> },
          { title: '作用', dataIndex: 'what', key: 'what' },
        ]}
      />
    </Modal>
  );
}

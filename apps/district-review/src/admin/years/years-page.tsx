import { useCallback, useRef, useState } from 'react';
import type { AdminYearView } from '@exam/api';
import { isApiClientError } from '@exam/session';
import { describeError, useApiResource } from '@exam/review-ui';
import { Alert, Button, Card, Flex, Form, Input, Popconfirm, Select, Table, Tag, Typography, useFeedback, type TableColumnsType } from '@exam/ui';
import { SaveDialog } from '../save-dialog';
import { createYear, deleteGuide, fetchYears, updateYear, uploadGuide } from './years-api';

const WINDOW_STATE: Record<AdminYearView['windowState'], { label: string; color: string }> = {
  NOT_OPEN: { label: '未开始', color: 'default' },
  OPEN: { label: '上传中', color: 'processing' },
  CLOSED: { label: '已截止', color: 'default' },
};
export const AUTO_SUBMIT_LABELS = {
  yes: '有图片的自动提交审核',
  no: '未提交的标记为逾期未提交',
} as const;

/** Typed as the manual writes it, minus the Chinese: `2026-02-11 24:00` (Beijing time; 24:00 = end of that day). */
const TIME_RULE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const timeRules = (what: string) => [
  { required: true, message: `请输入${what}` },
  { pattern: TIME_RULE, message: `${what}格式为 2026-02-11 24:00（北京时间）` },
];

/** 考试年度: the district's exam years — upload window, deadline handling, return deadline, 提示 and 材料说明. */
export function YearsPage() {
  const years = useApiResource(fetchYears);
  const [editing, setEditing] = useState<AdminYearView | 'new' | null>(null);
  const { message } = useFeedback();
  const guideInput = useRef<HTMLInputElement>(null);
  const [guideFor, setGuideFor] = useState<AdminYearView | null>(null);
  const [guideError, setGuideError] = useState<string | null>(null);

  const pickGuide = (y: AdminYearView) => {
    setGuideFor(y);
    setGuideError(null);
    guideInput.current?.click();
  };
  const onGuide = async (file: File | undefined) => {
    if (!file || !guideFor) return;
    try {
      await uploadGuide(guideFor.id, file);
      void message.success(`「${guideFor.name}」的材料说明已上传`);
      void years.reload();
    } catch (e) {
      setGuideError(describeError(e));
    } finally {
      if (guideInput.current) guideInput.current.value = '';
    }
  };

  const removeGuide = async (y: AdminYearView) => {
    setGuideError(null);
    try {
      await deleteGuide(y.id);
      void message.success(`「${y.name}」的材料说明已删除`);
      void years.reload();
    } catch (e) {
      setGuideError(describeError(e));
    }
  };

  const columns: TableColumnsType<AdminYearView> = [
    {
      title: '年度',
      key: 'name',
      render: (_, y) => (
        <Flex vertical>
          <Typography.Text strong>{y.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            代码 {y.code} · {y.categoryCount} 类材料
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: '上传时间（北京时间）',
      key: 'window',
      render: (_, y) => (
        <Flex vertical gap={2} data-testid={`year-window-${y.code}`}>
          <span>
            {y.uploadStartText} 至 {y.uploadEndText}
          </span>
          <span>
            <Tag color={WINDOW_STATE[y.windowState].color}>{WINDOW_STATE[y.windowState].label}</Tag>
          </span>
        </Flex>
      ),
    },
    {
      title: '截止与补充',
      key: 'rules',
      responsive: ['md'],
      render: (_, y) => (
        <Flex vertical gap={2} style={{ fontSize: 12 }}>
          <span>截止时：{y.autoSubmitAtDeadline ? AUTO_SUBMIT_LABELS.yes : AUTO_SUBMIT_LABELS.no}</span>
          <span>退回补充期限：{y.returnWindowHours} 小时</span>
          <span>考生页面提示：{y.notices.length ? `${y.notices.length} 段` : '无'}</span>
        </Flex>
      ),
    },
    {
      title: '材料说明',
      key: 'guide',
      responsive: ['sm'],
      render: (_, y) =>
        y.guide ? (
          <Typography.Link href={y.guide.url} target="_blank" rel="noopener" data-testid={`year-guide-${y.code}`}>
            {y.guide.fileName}
          </Typography.Link>
        ) : (
          <Typography.Text type="secondary">未上传</Typography.Text>
        ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 96,
      render: (_, y) => (
        <Flex vertical align="start">
          <Button size="small" type="link" onClick={() => setEditing(y)} aria-label={`编辑 ${y.name}`} data-testid={`year-edit-${y.code}`}>
            编辑
          </Button>
          <Button size="small" type="link" onClick={() => pickGuide(y)} aria-label={`上传材料说明 ${y.name}`}>
            上传说明
          </Button>
          {y.guide && (
            <Popconfirm title={`删除「${y.name}」的材料说明？`} okText="删除" cancelText="取消" onConfirm={() => removeGuide(y)}>
              <Button size="small" type="link" danger aria-label={`删除材料说明 ${y.name}`}>
                删除说明
              </Button>
            </Popconfirm>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <Card
      size="small"
      title="考试年度"
      data-testid="admin-years"
      extra={
        <Button type="primary" size="small" onClick={() => setEditing('new')} data-testid="year-new">
          新建年度
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">
          上传时间按北京时间填写，24:00 表示当天结束（如 2026-02-11 24:00 即 2026年2月11日24:00）。上传开始后修改时间需再次确认，并记入审计日志。
        </Typography.Text>
        {years.error && <Alert type="error" showIcon title={years.error} action={<Button size="small" onClick={() => void years.reload()}>重试</Button>} />}
        {guideError && <Alert type="error" showIcon closable title={guideError} onClose={() => setGuideError(null)} data-testid="guide-error" />}
        <Table<AdminYearView>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={years.data?.years ?? []}
          loading={years.loading}
          pagination={false}
          locale={{ emptyText: '尚无考试年度，请先新建' }}
          data-testid="years-table"
        />
      </Flex>
      <input
        ref={guideInput}
        type="file"
        accept="application/pdf,.pdf"
        style={{ display: 'none' }}
        data-testid="guide-input"
        onChange={(e) => void onGuide(e.target.files?.[0])}
      />
      {editing && (
        <YearDialog
          year={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) void years.reload();
          }}
        />
      )}
    </Card>
  );
}

interface YearForm {
  code: string;
  name: string;
  uploadStart: string;
  uploadEnd: string;
  autoSubmit: 'yes' | 'no';
  returnWindowHours: string;
  notices: string;
}

/** Notices are typed one paragraph per line. */
const noticesOf = (text: string) => text.split('\n').map((p) => p.trim()).filter(Boolean);

function YearDialog({ year, onClose }: { year: AdminYearView | null; onClose: (changed: boolean) => void }) {
  const [form] = Form.useForm<YearForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message, modal } = useFeedback();

  const save = useCallback(
    async (confirm = false) => {
      const v = await form.validateFields().catch(() => null);
      if (!v) return;
      setSaving(true);
      setError(null);
      // the window is sent only when it was changed: the stored instants may carry seconds the form does not show
      const start = v.uploadStart.trim();
      const end = v.uploadEnd.trim();
      const windowChanged = !year || start !== year.uploadStartInput || end !== year.uploadEndInput;
      const common = {
        name: v.name,
        ...(windowChanged ? { uploadStart: start, uploadEnd: end } : {}),
        autoSubmitAtDeadline: v.autoSubmit === 'yes',
        returnWindowHours: Number(v.returnWindowHours),
        notices: noticesOf(v.notices ?? ''),
      };
      try {
        if (year) await updateYear(year.id, { ...common, ...(confirm ? { confirm: true } : {}) });
        else await createYear({ ...common, code: v.code.trim(), uploadStart: start, uploadEnd: end });
        void message.success(year ? '年度已保存' : '年度已新建，材料目录已按默认目录生成');
        onClose(true);
      } catch (e) {
        if (isApiClientError(e) && e.code === 'WINDOW_CHANGE_NEEDS_CONFIRM' && !confirm) {
          modal.confirm({
            title: '确认修改上传时间？',
            content: e.message,
            okText: '确认修改',
            cancelText: '取消',
            onOk: () => save(true),
          });
        } else setError(describeError(e));
      } finally {
        setSaving(false);
      }
    },
    [form, year, message, modal, onClose],
  );

  return (
    <SaveDialog title={year ? `编辑：${year.name}` : '新建考试年度'} saving={saving} onSave={save} onCancel={() => onClose(false)} width={560} okId="year-save">
      <Form<YearForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          code: year?.code ?? '',
          name: year?.name ?? '',
          uploadStart: year?.uploadStartInput ?? '',
          uploadEnd: year?.uploadEndInput ?? '',
          autoSubmit: year ? (year.autoSubmitAtDeadline ? 'yes' : 'no') : 'yes',
          returnWindowHours: String(year?.returnWindowHours ?? 72),
          notices: (year?.notices ?? []).join('\n'),
        }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="year-error" />}
        {!year && (
          <Form.Item name="code" label="年度代码" rules={[{ required: true, message: '请输入年度代码' }]} extra="如 2027，创建后不可修改">
            <Input maxLength={16} data-testid="year-code" />
          </Form.Item>
        )}
        <Form.Item name="name" label="年度名称" rules={[{ required: true, message: '请输入年度名称' }]}>
          <Input maxLength={128} placeholder="如 2027年医师资格考试" data-testid="year-name" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="uploadStart" label="上传开始（北京时间）" rules={timeRules('上传开始时间')} style={{ flex: '1 1 200px' }}>
            <Input placeholder="2027-01-29 10:00" data-testid="year-start" />
          </Form.Item>
          <Form.Item name="uploadEnd" label="上传截止（北京时间）" rules={timeRules('上传截止时间')} style={{ flex: '1 1 200px' }}>
            <Input placeholder="2027-02-11 24:00" data-testid="year-end" />
          </Form.Item>
        </Flex>
        <Form.Item name="autoSubmit" label="截止时未提交的材料">
          <Select
            options={[
              { value: 'yes', label: AUTO_SUBMIT_LABELS.yes },
              { value: 'no', label: AUTO_SUBMIT_LABELS.no },
            ]}
            data-testid="year-auto-submit"
          />
        </Form.Item>
        <Form.Item
          name="returnWindowHours"
          label="退回补充的默认期限（小时）"
          rules={[
            { required: true, message: '请输入补充期限' },
            { pattern: /^\d{1,3}$/, message: '请输入 1–720 的整数小时' },
          ]}
        >
          <Input type="number" min={1} max={720} inputMode="numeric" style={{ maxWidth: 160 }} data-testid="year-return-hours" />
        </Form.Item>
        <Form.Item name="notices" label="考生页面的提示（每行一段）" extra="最多 20 段，每段不超过 500 字">
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="year-notices" />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}

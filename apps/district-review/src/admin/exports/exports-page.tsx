import { useState } from 'react';
import type { ExportFormat, ExportKind } from '@exam/api';
import { describeError, useApiResource } from '@exam/review-ui';
import { Alert, Button, Flex, Form, Modal, Segmented, Select, Typography } from '@exam/ui';
import { downloadExport, fetchExportYears } from './exports-api';

const KIND_OPTIONS: { label: string; value: ExportKind }[] = [
  { label: '审核结果', value: 'results' },
  { label: '各考点进度', value: 'progress' },
];
const FORMAT_OPTIONS: { label: string; value: ExportFormat }[] = [
  { label: 'Excel（.xlsx）', value: 'xlsx' },
  { label: 'CSV', value: 'csv' },
];
type IdMode = 'masked' | 'full';
const ID_OPTIONS: { label: string; value: IdMode }[] = [
  { label: '身份证号脱敏', value: 'masked' },
  { label: '完整身份证号', value: 'full' },
];

/** 结果导出: 审核结果 or 各考点进度 as Excel or CSV; full ID numbers only after a confirmation (the server audits it). */
export function ExportsPage() {
  const years = useApiResource(fetchExportYears);
  const [yearId, setYearId] = useState<string | undefined>();
  const [kind, setKind] = useState<ExportKind>('results');
  const [format, setFormat] = useState<ExportFormat>('xlsx');
  const [idMode, setIdMode] = useState<IdMode>('masked');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const yearList = years.data?.years ?? [];
  const examYearId = yearId ?? yearList[0]?.id;
  const full = kind === 'results' && idMode === 'full';

  const run = async () => {
    setConfirming(false);
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const name = await downloadExport({ kind, format, full, ...(examYearId ? { examYearId } : {}) });
      setDone(name);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={16} data-testid="exports-page" style={{ maxWidth: 640 }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        导出本考区的审核结果（每位考生一行）或各考点的审核进度。数据量大时生成需要一些时间，请勿重复点击。
      </Typography.Paragraph>
      {years.error && <Alert type="error" showIcon message={years.error} action={<Button size="small" onClick={() => void years.reload()}>重试</Button>} />}
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label="考试年度">
          <Select
            aria-label="考试年度"
            loading={years.loading}
            value={examYearId}
            onChange={setYearId}
            options={yearList.map((y) => ({ value: y.id, label: `${y.name}（${y.code}）` }))}
            placeholder={years.loading ? '加载中' : '暂无考试年度'}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item label="导出内容">
          <Segmented block options={KIND_OPTIONS} value={kind} onChange={(v) => setKind(v as ExportKind)} data-testid="export-kind" />
        </Form.Item>
        <Form.Item label="文件格式">
          <Segmented block options={FORMAT_OPTIONS} value={format} onChange={(v) => setFormat(v as ExportFormat)} data-testid="export-format" />
        </Form.Item>
        {kind === 'results' && (
          <Form.Item label="身份证号" extra={idMode === 'full' ? '完整身份证号属于敏感个人信息，导出将记录操作人、时间与条数。' : '如 120***********1234'}>
            <Segmented block options={ID_OPTIONS} value={idMode} onChange={(v) => setIdMode(v as IdMode)} data-testid="export-id-mode" />
          </Form.Item>
        )}
        <Button type="primary" block loading={busy} disabled={!examYearId} onClick={() => (full ? setConfirming(true) : void run())} data-testid="export-download">
          {busy ? '正在生成…' : '下载'}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
      {done && <Alert type="success" showIcon message={`已下载：${done}`} />}
      <Modal
        open={confirming}
        title="导出完整身份证号"
        okText="确认导出"
        cancelText="取消"
        onOk={() => void run()}
        onCancel={() => setConfirming(false)}
        okButtonProps={{ danger: true }}
      >
        <Typography.Paragraph>导出完整身份证号将被记录（操作人、时间、导出条数），文件请妥善保管，用后删除。</Typography.Paragraph>
      </Modal>
    </Flex>
  );
}

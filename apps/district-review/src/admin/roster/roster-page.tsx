import { useCallback, useEffect, useRef, useState } from 'react';
import type { RosterBadRowView, RosterMappingView, RosterReportView, RosterStatusResponse } from '@exam/api';
import { ROSTER_FIELDS, ROSTER_FIELD_LABELS, ROSTER_REQUIRED_FIELDS, type RosterField } from '@exam/domain';
import { describeError, useApiResource } from '@exam/review-ui';
import { Alert, Button, Card, Col, Empty, Flex, Progress, Row, Select, Skeleton, Statistic, Table, Tag, Typography, type TableColumnsType } from '@exam/ui';
import { dryRunRoster, fetchExamYears, fetchRosterStatus, mappingProblem, startRosterImport, uploadRoster } from './roster-api';

/** What the backend takes (libs/roster ROSTER_MAX_BYTES); checked here first so a wrong file fails before the upload. */
const MAX_BYTES = 64 * 1024 * 1024;
const POLL_MS = 1000;
const PAGE_SIZE = 20;
const NOT_IMPORTED = '';

interface ImportState {
  importId: string;
  fileName: string;
  headers: string[];
  /** the mapping as edited on screen */
  mapping: RosterMappingView;
  /** the mapping the shown dry run used, and its report */
  run: { mapping: RosterMappingView; report: RosterReportView } | null;
  /** a dry run result is on screen (试导入 clicked or the upload's) */
  showRun: boolean;
}

const formatSize = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);
const sameMapping = (a: RosterMappingView, b: RosterMappingView) => ROSTER_FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));
const fullMapping = (m: RosterMappingView): RosterMappingView => Object.fromEntries(ROSTER_FIELDS.map((f) => [f, m[f] || null]));

/** 报名数据导入: year + file → column mapping → 试导入 (bad rows) → 开始导入 (progress) → result. */
export function RosterImportPage() {
  const years = useApiResource(fetchExamYears);
  const [yearId, setYearId] = useState<string | undefined>();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'upload' | 'dry-run' | 'start' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<ImportState | null>(null);
  const [started, setStarted] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const yearList = years.data?.years ?? [];
  const examYearId = yearId ?? yearList[0]?.id;

  const chooseFile = (f: File | null) => {
    setFile(f);
    setFileError(null);
    if (!f) return;
    if (!/\.(csv|xlsx)$/i.test(f.name)) setFileError('请选择 CSV 或 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx');
    else if (f.size === 0) setFileError('文件是空的，请重新选择');
    else if (f.size > MAX_BYTES) setFileError('文件超过 64MB 上限，请分成几个文件导入');
  };

  const reset = () => {
    setState(null);
    setStarted(false);
    setError(null);
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  const upload = async () => {
    if (!file || !examYearId || fileError) return;
    setBusy('upload');
    setError(null);
    try {
      const r = await uploadRoster(examYearId, file);
      const mapping = fullMapping(r.mapping);
      setState({ importId: r.importId, fileName: file.name, headers: r.headers, mapping, run: r.dryRun ? { mapping, report: r.dryRun } : null, showRun: false });
    } catch (e) {
      const p = mappingProblem(e);
      if (p) {
        setState({ importId: p.importId, fileName: file.name, headers: p.headers, mapping: fullMapping(p.mapping), run: null, showRun: false });
        setError(`${p.message}。请在下方指定各字段对应的列，然后试导入。`);
      } else setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };

  const dryRun = async () => {
    if (!state) return;
    setError(null);
    if (state.run && sameMapping(state.run.mapping, state.mapping)) {
      setState({ ...state, showRun: true });
      return;
    }
    setBusy('dry-run');
    try {
      const r = await dryRunRoster(state.importId, state.mapping);
      const mapping = fullMapping(r.mapping);
      setState({ ...state, headers: r.headers, mapping, run: r.dryRun ? { mapping, report: r.dryRun } : null, showRun: true });
    } catch (e) {
      const p = mappingProblem(e);
      setError(p ? p.message : describeError(e));
    } finally {
      setBusy(null);
    }
  };

  const start = async () => {
    if (!state) return;
    setBusy('start');
    setError(null);
    try {
      await startRosterImport(state.importId);
      setStarted(true);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };

  if (years.loading && !years.data) return <Skeleton active />;
  if (years.error) {
    return <Alert type="error" showIcon title={years.error} action={<Button size="small" onClick={() => void years.reload()}>重试</Button>} />;
  }
  if (!yearList.length) return <Empty description="本考区还没有考试年度，无法导入报名数据" />;

  const runShown = state?.showRun && state.run && sameMapping(state.run.mapping, state.mapping) ? state.run : null;

  return (
    <Flex vertical gap={16} data-testid="roster-import">
      <Card size="small" title="1. 选择考试年度和文件">
        <Flex vertical gap={12}>
          <Flex wrap gap={12} align="center">
            <Typography.Text>考试年度</Typography.Text>
            <Select
              aria-label="考试年度"
              value={examYearId}
              onChange={setYearId}
              disabled={!!state}
              style={{ minWidth: 220, maxWidth: '100%' }}
              options={yearList.map((y) => ({ value: y.id, label: `${y.name}（${y.code}）` }))}
            />
          </Flex>
          <Flex wrap gap={12} align="center">
            {/* the native input stays hidden: its button speaks the browser's language, not necessarily Chinese */}
            <input
              ref={fileInput}
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-label="报名数据文件"
              disabled={!!state}
              onChange={(e) => chooseFile(e.target.files?.[0] ?? null)}
              hidden
            />
            {!state && <Button onClick={() => fileInput.current?.click()}>选择文件</Button>}
            <Typography.Text type={file ? undefined : 'secondary'} style={{ wordBreak: 'break-all' }} data-testid="roster-file-name">
              {file ? `${file.name}（${formatSize(file.size)}）` : '未选择文件（.csv 或 .xlsx）'}
            </Typography.Text>
            {state ? (
              <Button onClick={reset}>重新选择文件</Button>
            ) : (
              <Button type="primary" onClick={() => void upload()} loading={busy === 'upload'} disabled={!file || !!fileError}>
                上传
              </Button>
            )}
          </Flex>
          <Typography.Text type="secondary">
            支持报名系统导出的 CSV（UTF-8 或 GBK 编码）和 Excel（.xlsx），第一行为表头，单个文件不超过 64MB。导入前先试导入，试导入不会修改任何数据。
          </Typography.Text>
          {fileError && <Alert type="error" showIcon title={fileError} />}
        </Flex>
      </Card>

      {error && <Alert type="error" showIcon title={error} data-testid="roster-error" />}

      {state && !started && (
        <MappingCard
          state={state}
          onChange={(mapping) => setState({ ...state, mapping, showRun: state.showRun })}
          onDryRun={() => void dryRun()}
          busy={busy === 'dry-run'}
        />
      )}

      {state && runShown && !started && (
        <Card size="small" title="3. 试导入结果（未写入任何数据）" data-testid="dry-run-result">
          <Flex vertical gap={12}>
            <ReportCounts report={runShown.report} preview />
            <BadRows importId={state.importId} report={runShown.report} which="dryRun" />
            <Flex wrap gap={12} align="center">
              <Button type="primary" onClick={() => void start()} loading={busy === 'start'} disabled={runShown.report.counts.rows === 0}>
                开始导入
              </Button>
              <Typography.Text type="secondary">
                {runShown.report.counts.rows === 0
                  ? '没有可导入的有效行'
                  : `将导入 ${runShown.report.counts.rows} 行有效数据；有误的行和已提交审核的考生不会被导入或修改。`}
              </Typography.Text>
            </Flex>
          </Flex>
        </Card>
      )}

      {state && started && <ImportProgress importId={state.importId} fileName={state.fileName} onAgain={reset} />}
    </Flex>
  );
}

function MappingCard(props: { state: ImportState; onChange: (m: RosterMappingView) => void; onDryRun: () => void; busy: boolean }) {
  const { state } = props;
  const options = [{ value: NOT_IMPORTED, label: '（不导入）' }, ...state.headers.map((h, i) => ({ value: h, label: h || `第 ${i + 1} 列（无表头）` }))];
  const rows = ROSTER_FIELDS.map((field) => ({ field }));
  const columns: TableColumnsType<{ field: RosterField }> = [
    {
      title: '字段',
      dataIndex: 'field',
      width: 140,
      render: (f: RosterField) => (
        <Flex gap={4} align="center">
          {ROSTER_FIELD_LABELS[f]}
          {ROSTER_REQUIRED_FIELDS.includes(f) && <Tag color="red">必需</Tag>}
        </Flex>
      ),
    },
    {
      title: '文件中的列',
      key: 'column',
      render: (_, { field }) => (
        <Select
          aria-label={`${ROSTER_FIELD_LABELS[field]}对应的列`}
          value={state.mapping[field] ?? NOT_IMPORTED}
          onChange={(v: string) => props.onChange({ ...state.mapping, [field]: v === NOT_IMPORTED ? null : v })}
          options={options}
          style={{ width: '100%', minWidth: 160 }}
          status={ROSTER_REQUIRED_FIELDS.includes(field) && !state.mapping[field] ? 'error' : undefined}
        />
      ),
    },
  ];
  return (
    <Card size="small" title={`2. 列对应：${state.fileName}`} data-testid="roster-mapping">
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">系统已按表头自动识别，请核对；可逐项改为文件中的其他列，或选“（不导入）”。</Typography.Text>
        <Table rowKey="field" size="small" columns={columns} dataSource={rows} pagination={false} />
        <Flex>
          <Button type="primary" onClick={props.onDryRun} loading={props.busy}>
            试导入
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}

function ReportCounts({ report, preview }: { report: RosterReportView; preview?: boolean }) {
  const c = report.counts;
  const items: [string, number, string][] = [
    [preview ? '有效行' : '已处理有效行', c.rows, 'rows'],
    [preview ? '将新增' : '新增', c.new, 'new'],
    [preview ? '将更新' : '更新', c.changed, 'changed'],
    ['无变化', c.unchanged, 'unchanged'],
    ['有误或已提交（不导入）', c.refused, 'refused'],
  ];
  return (
    <Row gutter={[16, 8]}>
      {items.map(([title, value, key]) => (
        <Col key={key} xs={12} sm={8} md={4}>
          <Statistic title={title} value={value} data-testid={`count-${key}`} />
        </Col>
      ))}
    </Row>
  );
}

/** Every bad row with its reasons, paged through the status route. */
function BadRows({ importId, report, which }: { importId: string; report: RosterReportView; which: 'dryRun' | 'result' }) {
  const [page, setPage] = useState(1);
  const [rows, setRows] = useState<RosterBadRowView[]>(report.badRows.slice(0, PAGE_SIZE));
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPage(1);
    setRows(report.badRows.slice(0, PAGE_SIZE));
  }, [report]);
  const go = async (next: number) => {
    setPage(next);
    setLoading(true);
    setError(null);
    try {
      const r = await fetchRosterStatus(importId, (next - 1) * PAGE_SIZE, PAGE_SIZE);
      setRows(r[which]?.badRows ?? []);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  };
  if (report.badRowsTotal === 0) return <Alert type="success" showIcon title="没有有误的行" />;
  const columns: TableColumnsType<RosterBadRowView> = [
    { title: '行号', dataIndex: 'row', width: 56 },
    { title: '报名号', dataIndex: 'registrationNo', width: 130, render: (v: string | null) => <span style={{ wordBreak: 'break-all' }}>{v || '—'}</span> },
    { title: '原因', dataIndex: 'reasons', render: (r: string[]) => r.join('；') },
  ];
  return (
    <Flex vertical gap={8}>
      <Alert type="warning" showIcon title={`共 ${report.badRowsTotal} 行有误或不能导入，这些行不会被导入`} data-testid="bad-rows-total" />
      {error && <Alert type="error" showIcon title={error} />}
      <Table<RosterBadRowView>
        rowKey="row"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={loading}
        tableLayout="fixed"
        pagination={{ current: page, pageSize: PAGE_SIZE, total: report.badRowsTotal, showSizeChanger: false, onChange: (p) => void go(p), size: 'small' }}
        data-testid="bad-rows"
      />
    </Flex>
  );
}

const JOB_STATE_LABELS: Record<string, string> = {
  'not-started': '排队中',
  waiting: '排队中',
  prioritized: '排队中',
  delayed: '等待重试',
  active: '导入中',
  completed: '已完成',
  failed: '失败',
};

/** Polls the import's status until its result is in (or the job failed). */
function ImportProgress({ importId, fileName, onAgain }: { importId: string; fileName: string; onAgain: () => void }) {
  const [status, setStatus] = useState<RosterStatusResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const load = useCallback(async () => {
    try {
      setStatus(await fetchRosterStatus(importId, 0, PAGE_SIZE));
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, [importId]);
  const finished = !!status?.result || status?.job.state === 'failed';
  useEffect(() => {
    void load();
  }, [load, tick]);
  useEffect(() => {
    if (finished) return;
    const timer = setTimeout(() => setTick((t) => t + 1), error ? POLL_MS * 3 : POLL_MS);
    return () => clearTimeout(timer);
  }, [finished, error, tick, status]);

  const result = status?.result ?? null;
  const failed = status?.job.state === 'failed' && !result;
  const percent = result ? 100 : Math.max(0, Math.min(99, Math.round(status?.job.progress ?? 0)));
  return (
    <Card size="small" title={`4. 导入：${fileName}`} data-testid="import-progress">
      <Flex vertical gap={12}>
        <Progress percent={percent} status={failed ? 'exception' : result ? 'success' : 'active'} aria-label="导入进度" />
        <Typography.Text data-testid="import-state">
          {result ? '导入完成' : failed ? '导入失败' : (JOB_STATE_LABELS[status?.job.state ?? 'not-started'] ?? '导入中')}
          {result?.durationMs !== undefined ? `，用时 ${(result.durationMs / 1000).toFixed(1)} 秒` : ''}
        </Typography.Text>
        {error && <Alert type="warning" showIcon title={`${error}（将自动重试）`} />}
        {failed && <Alert type="error" showIcon title="导入任务失败，系统会自动重试；多次失败请联系技术支持。" description={status?.job.failedReason} />}
        {result && (
          <>
            <ReportCounts report={result} />
            <BadRows importId={importId} report={result} which="result" />
            <Flex>
              <Button onClick={onAgain}>导入另一个文件</Button>
            </Flex>
          </>
        )}
      </Flex>
    </Card>
  );
}

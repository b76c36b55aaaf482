import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Flex, Input, Select, Table, type TableColumnsType } from 'antd';
import type { CandidateListItem, CandidateListResponse, DossierStatus } from '@exam/api';
import { DOSSIER_STATUSES, DOSSIER_STATUS_LABELS } from './labels';
import { DossierStatusTag } from './status-tag';

export interface CandidateListFilters {
  status?: DossierStatus;
  q?: string;
  siteId?: string;
}

export interface CandidateListPanelProps {
  /** Fetches one page; `cursor` is the previous page's nextCursor. */
  load(filters: CandidateListFilters & { cursor?: string }): Promise<CandidateListResponse>;
  /** Show the 考点 column and, when given, a site filter. */
  sites?: readonly { siteId: string; siteName: string }[];
  showSite?: boolean;
  /** Turns a failure into the Chinese text shown (e.g. ApiClientError.message). */
  describeError?: (error: unknown) => string;
}

function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Candidate table with status filter, 报名号/姓名 search, optional site filter and cursor paging (加载更多). */
export function CandidateListPanel({ load, sites, showSite = false, describeError }: CandidateListPanelProps) {
  const [filters, setFilters] = useState<CandidateListFilters>({});
  const [items, setItems] = useState<CandidateListItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (cursor: string | undefined) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await load({ ...filters, ...(cursor ? { cursor } : {}) });
        if (mine !== generation.current) return;
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (e) {
        if (mine !== generation.current) return;
        setError(describeError ? describeError(e) : '加载失败，请稍后重试');
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [filters, load, describeError],
  );

  useEffect(() => {
    void fetchPage(undefined);
  }, [fetchPage]);

  const columns: TableColumnsType<CandidateListItem> = [
    { title: '报名号', dataIndex: 'registrationNo', key: 'registrationNo', width: 150 },
    { title: '姓名', dataIndex: 'name', key: 'name', width: 100 },
    ...(showSite ? [{ title: '考点', dataIndex: 'siteName', key: 'siteName', width: 160 }] : []),
    { title: '考生类型', dataIndex: 'candidateTypeLabel', key: 'candidateTypeLabel', width: 160 },
    { title: '状态', dataIndex: 'status', key: 'status', width: 110, render: (s: DossierStatus) => <DossierStatusTag status={s} /> },
    { title: '提交时间', dataIndex: 'submittedAt', key: 'submittedAt', width: 160, render: (v: string | null) => formatTime(v) },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        <Select<DossierStatus | 'ALL'>
          style={{ minWidth: 140 }}
          value={filters.status ?? 'ALL'}
          onChange={(v) => setFilters((f) => ({ ...f, status: v === 'ALL' ? undefined : v }))}
          options={[{ value: 'ALL', label: '全部状态' }, ...DOSSIER_STATUSES.map((s) => ({ value: s, label: DOSSIER_STATUS_LABELS[s] }))]}
          aria-label="状态筛选"
        />
        {sites && (
          <Select<string>
            style={{ minWidth: 160 }}
            value={filters.siteId ?? 'ALL'}
            onChange={(v) => setFilters((f) => ({ ...f, siteId: v === 'ALL' ? undefined : v }))}
            options={[{ value: 'ALL', label: '全部考点' }, ...sites.map((s) => ({ value: s.siteId, label: s.siteName }))]}
            aria-label="考点筛选"
          />
        )}
        <Input.Search
          allowClear
          placeholder="报名号 / 姓名"
          style={{ width: 220, maxWidth: '100%' }}
          onSearch={(value) => setFilters((f) => ({ ...f, q: value.trim() || undefined }))}
          enterButton="搜索"
        />
      </Flex>
      {error && <Alert type="error" showIcon title={error} action={<Button size="small" onClick={() => void fetchPage(undefined)}>重试</Button>} />}
      <Table<CandidateListItem>
        rowKey="dossierId"
        size="small"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: loading ? ' ' : '暂无考生' }}
      />
      {nextCursor && (
        <Flex justify="center">
          <Button loading={loading} onClick={() => void fetchPage(nextCursor)}>
            加载更多
          </Button>
        </Flex>
      )}
    </Flex>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Flex, Input, Select, Table, Tag, type TableColumnsType } from 'antd';
import { CANDIDATE_TYPES, type CandidateListItem, type CandidateListResponse, type DistrictVia, type DossierStatus } from '@exam/api';
import { CANDIDATE_TYPE_LABELS, IMAGE_WARNINGS } from '@exam/domain';
import { DISTRICT_VIA_LABELS, DOSSIER_STATUSES, DOSSIER_STATUS_LABELS } from './labels';
import { DossierStatusTag } from './status-tag';

export interface CandidateListFilters {
  status?: DossierStatus;
  q?: string;
  siteId?: string;
  candidateType?: (typeof CANDIDATE_TYPES)[number];
  /** 截止自动提交 only */
  autoSubmitted?: boolean;
  /** only dossiers with this image warning */
  warning?: 'UNCLEAR' | 'REUSED';
  /** district queue: how the dossier got there */
  via?: DistrictVia;
}

/** Filters beyond status / search / site that a screen may offer. */
export type CandidateListExtraFilter = 'candidateType' | 'autoSubmitted' | 'warning' | 'via';

export interface CandidateListPanelProps {
  /** Fetches one page; `cursor` is the previous page's nextCursor. */
  load(filters: CandidateListFilters & { cursor?: string }): Promise<CandidateListResponse>;
  /** Show the 考点 column and, when given, a site filter. */
  sites?: readonly { siteId: string; siteName: string }[];
  showSite?: boolean;
  /** Turns a failure into the Chinese text shown (e.g. ApiClientError.message). */
  describeError?: (error: unknown) => string;
  /** Extra filter controls (考生类型, 截止自动提交, 预警, 来源). */
  extraFilters?: readonly CandidateListExtraFilter[];
  /** Sent with every load; their controls are hidden (e.g. a queue fixed to one status). */
  fixedFilters?: CandidateListFilters;
  /** Dossiers per status: shown as clickable counts instead of the status select. */
  statusCounts?: Partial<Record<DossierStatus, number>> | null;
  /** Row click / Enter on a row: open the candidate. */
  onOpen?: (item: CandidateListItem) => void;
  /** Controlled filters (e.g. kept in the URL so that they survive opening a candidate). */
  filters?: CandidateListFilters;
  onFiltersChange?: (filters: CandidateListFilters) => void;
}

function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Candidate table with status filter, 报名号/姓名 search, optional site filter and cursor paging (加载更多). */
export function CandidateListPanel({
  load,
  sites,
  showSite = false,
  describeError,
  extraFilters = [],
  fixedFilters,
  statusCounts,
  onOpen,
  filters: controlled,
  onFiltersChange,
}: CandidateListPanelProps) {
  const [own, setOwn] = useState<CandidateListFilters>({});
  const filters = controlled ?? own;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const setFilters = useCallback(
    (update: (f: CandidateListFilters) => CandidateListFilters) => {
      const next = update(filtersRef.current);
      if (!controlled) setOwn(next);
      onFiltersChange?.(next);
    },
    [controlled, onFiltersChange],
  );
  // stable across renders even when the caller passes a new object literal each time
  const fixedKey = JSON.stringify(fixedFilters ?? {});
  const fixed = useMemo(() => JSON.parse(fixedKey) as CandidateListFilters, [fixedKey]);
  const filtersKey = JSON.stringify(filters);
  const query = useMemo(() => ({ ...(JSON.parse(filtersKey) as CandidateListFilters), ...fixed }), [filtersKey, fixed]);
  const has = (f: CandidateListExtraFilter) => extraFilters.includes(f) && fixed[f] === undefined;
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
        const page = await load({ ...query, ...(cursor ? { cursor } : {}) });
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
    [query, load, describeError],
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
    {
      title: '标记',
      key: 'flags',
      width: 200,
      render: (_: unknown, item: CandidateListItem) => (
        <Flex wrap gap={4}>
          {item.autoSubmitted && <Tag color="orange">截止自动提交</Tag>}
          {item.proposedRejection && <Tag color="red">考点建议不通过</Tag>}
          {item.hasUnclear && <Tag color="warning">{IMAGE_WARNINGS.UNCLEAR}</Tag>}
          {item.hasReused && <Tag color="warning">{IMAGE_WARNINGS.REUSED}</Tag>}
        </Flex>
      ),
    },
  ];
  const showStatusSelect = fixed.status === undefined && !statusCounts;
  const countTotal = statusCounts ? DOSSIER_STATUSES.reduce((n, st) => n + (statusCounts[st] ?? 0), 0) : 0;

  return (
    <Flex vertical gap={12}>
      {statusCounts && fixed.status === undefined && (
        <Flex gap={6} wrap role="group" aria-label="按状态查看" data-testid="status-counts">
          {[undefined, ...DOSSIER_STATUSES].map((st) => {
            const active = filters.status === st;
            const n = st ? (statusCounts[st] ?? 0) : countTotal;
            return (
              <Button
                key={st ?? 'ALL'}
                size="small"
                type={active ? 'primary' : 'default'}
                aria-pressed={active}
                data-testid={`status-count-${st ?? 'ALL'}`}
                onClick={() => setFilters((f) => ({ ...f, status: st }))}
              >
                {st ? DOSSIER_STATUS_LABELS[st] : '全部'} {n}
              </Button>
            );
          })}
        </Flex>
      )}
      <Flex gap={8} wrap>
        {showStatusSelect && (
        <Select<DossierStatus | 'ALL'>
          style={{ minWidth: 140 }}
          value={filters.status ?? 'ALL'}
          onChange={(v) => setFilters((f) => ({ ...f, status: v === 'ALL' ? undefined : v }))}
          options={[{ value: 'ALL', label: '全部状态' }, ...DOSSIER_STATUSES.map((s) => ({ value: s, label: DOSSIER_STATUS_LABELS[s] }))]}
          aria-label="状态筛选"
        />
        )}
        {sites && fixed.siteId === undefined && (
          <Select<string>
            style={{ minWidth: 160 }}
            value={filters.siteId ?? 'ALL'}
            onChange={(v) => setFilters((f) => ({ ...f, siteId: v === 'ALL' ? undefined : v }))}
            options={[{ value: 'ALL', label: '全部考点' }, ...sites.map((s) => ({ value: s.siteId, label: s.siteName }))]}
            aria-label="考点筛选"
          />
        )}
        {has('candidateType') && (
          <Select<string>
            style={{ minWidth: 160 }}
            value={filters.candidateType ?? 'ALL'}
            onChange={(v) => setFilters((f) => ({ ...f, candidateType: v === 'ALL' ? undefined : (v as CandidateListFilters['candidateType']) }))}
            options={[{ value: 'ALL', label: '全部考生类型' }, ...CANDIDATE_TYPES.map((t) => ({ value: t, label: CANDIDATE_TYPE_LABELS[t] }))]}
            aria-label="考生类型筛选"
          />
        )}
        {has('via') && (
          <Select<string>
            style={{ minWidth: 150 }}
            value={filters.via ?? 'ALL'}
            onChange={(v) => setFilters((f) => ({ ...f, via: v === 'ALL' ? undefined : (v as DistrictVia) }))}
            options={[{ value: 'ALL', label: '全部来源' }, ...Object.entries(DISTRICT_VIA_LABELS).map(([value, label]) => ({ value, label }))]}
            aria-label="来源筛选"
          />
        )}
        {has('warning') && (
          <Select<string>
            style={{ minWidth: 170 }}
            value={filters.warning ?? 'ALL'}
            onChange={(v) => setFilters((f) => ({ ...f, warning: v === 'ALL' ? undefined : (v as 'UNCLEAR' | 'REUSED') }))}
            options={[
              { value: 'ALL', label: '全部预警' },
              { value: 'UNCLEAR', label: IMAGE_WARNINGS.UNCLEAR },
              { value: 'REUSED', label: IMAGE_WARNINGS.REUSED },
            ]}
            aria-label="预警筛选"
          />
        )}
        {has('autoSubmitted') && (
          <Button
            type={filters.autoSubmitted ? 'primary' : 'default'}
            aria-pressed={!!filters.autoSubmitted}
            onClick={() => setFilters((f) => ({ ...f, autoSubmitted: f.autoSubmitted ? undefined : true }))}
            data-testid="filter-auto-submitted"
          >
            截止自动提交
          </Button>
        )}
        <Input.Search
          key={filters.q === undefined ? 'empty' : 'q'}
          defaultValue={filters.q}
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
        onRow={
          onOpen
            ? (item) => ({
                onClick: () => onOpen(item),
                onKeyDown: (e) => {
                  if (e.key === 'Enter') onOpen(item);
                },
                tabIndex: 0,
                style: { cursor: 'pointer' },
                'aria-label': `打开 ${item.name}（${item.registrationNo}）的材料`,
                'data-testid': `candidate-row-${item.dossierId}`,
              })
            : undefined
        }
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

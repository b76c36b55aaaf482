import { useState, type ReactNode } from 'react';
import {
  OUTBOX_CHANNEL_LABELS,
  OUTBOX_CHANNEL_VALUES,
  OUTBOX_STATUS_LABELS,
  OUTBOX_STATUS_VALUES,
  type OutboxCountRow,
  type OutboxFilterParams,
  type OutboxItem,
  type OutboxStatusValue,
} from '@exam/api';
import { describeError, formatBeijing } from '@exam/review-ui';
import { isApiClientError } from '@exam/session';
import { Alert, Button, Card, Empty, Flex, Grid, Input, Select, Spin, Table, Tag, Tooltip, Typography, useFeedback, type TableColumnsType } from '@exam/ui';
import { resendAllFailed, resendOutbox } from './notification-api';
import { useOutboxCounts, useOutboxList } from './use-outbox';

const STATUS_COLORS: Record<OutboxStatusValue, string> = {
  PENDING: 'blue',
  SENDING: 'processing',
  SENT: 'success',
  FAILED: 'error',
  CANCELLED: 'warning',
  EXPIRED: 'default',
};

/** A datetime-local value read as Beijing time → ISO instant; undefined when empty or invalid. */
export function beijingInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}:00+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The words of the 「重新发送全部失败」 confirmation. */
export function resendAllConfirmText(count: number): string {
  return `符合当前筛选条件的发送失败通知共 ${count} 条，确定全部重新发送吗？`;
}

interface FilterForm {
  status?: OutboxStatusValue;
  event?: string;
  channel?: (typeof OUTBOX_CHANNEL_VALUES)[number];
  q: string;
  from: string;
  to: string;
}
const EMPTY: FilterForm = { q: '', from: '', to: '' };

function toParams(f: FilterForm): OutboxFilterParams {
  const params: OutboxFilterParams = {};
  if (f.status) params.status = f.status;
  if (f.event) params.event = f.event;
  if (f.channel) params.channel = f.channel;
  if (f.q.trim()) params.q = f.q.trim();
  const from = beijingInputToIso(f.from);
  const to = beijingInputToIso(f.to);
  if (from) params.from = from;
  if (to) params.to = to;
  return params;
}

/** 通知发送状态: counts per notice × channel, the rows with their status and reason, 重新发送 for failed ones. */
export function NotificationStatusPage() {
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [filter, setFilter] = useState<OutboxFilterParams>({});
  const counts = useOutboxCounts(filter);
  const list = useOutboxList(filter);
  const { modal, message } = useFeedback();
  const [busy, setBusy] = useState<string | null>(null);
  // phones: the rows as cards (status and 重新发送 in view), the counts table with notice and channel in one column
  const narrow = !Grid.useBreakpoint().md;

  const refresh = () => {
    void counts.reload();
    void list.reload();
  };
  const apply = (next: FilterForm) => {
    setForm(next);
    setFilter(toParams(next));
  };

  const resendRow = async (row: OutboxItem) => {
    setBusy(row.id);
    try {
      await resendOutbox(row.id);
      void message.success('已重新加入发送队列');
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setBusy(null);
      refresh();
    }
  };

  const resendAll = async () => {
    setBusy('all');
    try {
      // the server answers with the number to confirm (409 RESEND_CONFIRM), or why there is nothing to re-send
      await resendAllFailed(filter, 0);
      setBusy(null);
    } catch (e) {
      setBusy(null);
      const count = isApiClientError(e) && e.code === 'RESEND_CONFIRM' ? (e.details as { count?: number } | undefined)?.count : undefined;
      if (typeof count !== 'number') {
        void message.error(describeError(e));
        return;
      }
      modal.confirm({
        title: '重新发送全部失败',
        content: resendAllConfirmText(count),
        okText: '确定重新发送',
        cancelText: '取消',
        onOk: async () => {
          try {
            const r = await resendAllFailed(filter, count);
            void message.success(`已重新发送 ${r.resent} 条通知`);
          } catch (err) {
            void message.error(describeError(err));
          } finally {
            refresh();
          }
        },
      });
    }
  };

  const eventOptions = (counts.data?.events ?? []).map((e) => ({ value: e.event, label: e.label }));

  return (
    <Flex vertical gap={16} data-testid="notification-status">
      <CountsTable rows={counts.data?.rows ?? []} totals={counts.data?.totals} loading={counts.loading} error={counts.error} narrow={narrow} />

      <Flex component="form" wrap gap={8} align="center" aria-label="筛选通知" onSubmit={(e) => (e.preventDefault(), apply(form))}>
        <Select<OutboxStatusValue>
          allowClear
          placeholder="全部状态"
          aria-label="状态"
          style={{ width: 130 }}
          value={form.status}
          onChange={(status) => apply({ ...form, status })}
          options={OUTBOX_STATUS_VALUES.map((s) => ({ value: s, label: OUTBOX_STATUS_LABELS[s] }))}
          data-testid="filter-status"
        />
        <Select<string>
          allowClear
          placeholder="全部通知"
          aria-label="通知类型"
          style={{ width: 190 }}
          value={form.event}
          onChange={(event) => apply({ ...form, event })}
          options={eventOptions}
          popupMatchSelectWidth={false}
        />
        <Select
          allowClear
          placeholder="全部渠道"
          aria-label="渠道"
          style={{ width: 120 }}
          value={form.channel}
          onChange={(channel) => apply({ ...form, channel })}
          options={OUTBOX_CHANNEL_VALUES.map((c) => ({ value: c, label: OUTBOX_CHANNEL_LABELS[c] }))}
        />
        <Input.Search
          placeholder="报名号或姓名"
          aria-label="报名号或姓名"
          allowClear
          style={{ width: 200 }}
          value={form.q}
          onChange={(e) => setForm({ ...form, q: e.target.value })}
          onSearch={(q) => apply({ ...form, q })}
          maxLength={64}
        />
        <Flex gap={4} align="center" wrap>
          <Typography.Text type="secondary">时间</Typography.Text>
          <Input
            type="datetime-local"
            aria-label="开始时间（北京时间）"
            style={{ width: 190 }}
            value={form.from}
            onChange={(e) => apply({ ...form, from: e.target.value })}
          />
          <Typography.Text type="secondary">至</Typography.Text>
          <Input
            type="datetime-local"
            aria-label="结束时间（北京时间）"
            style={{ width: 190 }}
            value={form.to}
            onChange={(e) => apply({ ...form, to: e.target.value })}
          />
        </Flex>
        <Button onClick={() => apply(EMPTY)}>重置</Button>
        <Button onClick={refresh}>刷新</Button>
        <Button danger onClick={() => void resendAll()} loading={busy === 'all'} data-testid="resend-all">
          重新发送全部失败
        </Button>
      </Flex>

      {list.error && <Alert type="error" showIcon title={list.error} action={<Button size="small" onClick={() => void list.reload()}>重试</Button>} />}
      {narrow ? (
        <OutboxCards items={list.items} loading={list.loading} busy={busy} onResend={(row) => void resendRow(row)} />
      ) : (
        <OutboxTable items={list.items} loading={list.loading} busy={busy} onResend={(row) => void resendRow(row)} />
      )}
      {list.hasMore && (
        <Flex justify="center">
          <Button onClick={() => void list.more()} loading={list.loading}>
            加载更多
          </Button>
        </Flex>
      )}
    </Flex>
  );
}

function CountsTable({
  rows,
  totals,
  loading,
  error,
  narrow,
}: {
  rows: OutboxCountRow[];
  totals: Record<OutboxStatusValue, number> | undefined;
  loading: boolean;
  error: string | null;
  narrow: boolean;
}) {
  type Line = OutboxCountRow & { key: string };
  const lines: Line[] = rows.map((r) => ({ ...r, key: `${r.event}|${r.channel}` }));
  if (totals && rows.length > 1) {
    const total = OUTBOX_STATUS_VALUES.reduce((n, s) => n + totals[s], 0);
    lines.push({ key: '__total__', event: '', eventLabel: '合计', channel: 'INAPP', counts: totals, total });
  }
  const channelOf = (r: Line) => (r.key === '__total__' ? '' : OUTBOX_CHANNEL_LABELS[r.channel]);
  const columns: TableColumnsType<Line> = [
    ...(narrow
      ? [
          {
            title: '通知 / 渠道',
            key: 'event',
            fixed: 'left' as const,
            width: 120,
            render: (_: unknown, r: Line): ReactNode => (
              <Flex vertical>
                <span>{r.eventLabel}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {channelOf(r)}
                </Typography.Text>
              </Flex>
            ),
          },
        ]
      : [
          { title: '通知', dataIndex: 'eventLabel', key: 'event', fixed: 'left' as const, width: 150 },
          { title: '渠道', key: 'channel', width: 72, render: (_: unknown, r: Line): ReactNode => channelOf(r) },
        ]),
    ...OUTBOX_STATUS_VALUES.map((s) => ({
      title: OUTBOX_STATUS_LABELS[s],
      key: s,
      width: 76,
      align: 'right' as const,
      render: (_: unknown, r: Line): ReactNode =>
        s === 'FAILED' && r.counts[s] > 0 ? <Typography.Text type="danger">{r.counts[s]}</Typography.Text> : r.counts[s],
    })),
    { title: '合计', dataIndex: 'total', key: 'total', width: 72, align: 'right' },
  ];
  return (
    <Flex vertical gap={8}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        按通知和渠道统计
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Line>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={lines}
        loading={loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: loading ? ' ' : '暂无通知' }}
        data-testid="outbox-counts"
      />
    </Flex>
  );
}

function OutboxTable({ items, loading, busy, onResend }: { items: OutboxItem[]; loading: boolean; busy: string | null; onResend: (row: OutboxItem) => void }) {
  const columns: TableColumnsType<OutboxItem> = [
    { title: '时间', key: 'createdAt', width: 140, render: (_, r) => formatBeijing(r.createdAt) },
    {
      title: '考生',
      key: 'candidate',
      width: 130,
      render: (_, r) => (
        <Flex vertical>
          <span>{r.candidateName ?? '—'}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.registrationNo ?? ''}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: '通知', dataIndex: 'eventLabel', key: 'event', width: 150 },
    {
      title: '接收方',
      key: 'recipient',
      width: 250,
      render: (_, r) => (
        <Flex gap={4} wrap align="center">
          <Tag>{OUTBOX_CHANNEL_LABELS[r.channel]}</Tag>
          {r.recipientType === 'UNIT' && <Tag color="purple">报名单位</Tag>}
          {r.address && <span>{r.address}</span>}
        </Flex>
      ),
    },
    {
      title: '状态',
      key: 'status',
      width: 220,
      render: (_, r) => (
        <Flex vertical gap={2}>
          <span>
            <Tag color={STATUS_COLORS[r.status]}>{OUTBOX_STATUS_LABELS[r.status]}</Tag>
            {r.status === 'SENT' && r.sentAt && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatBeijing(r.sentAt)}
              </Typography.Text>
            )}
          </span>
          {r.reasonLabel && (
            <Tooltip title={r.lastError ?? undefined}>
              <Typography.Text type={r.status === 'FAILED' ? 'danger' : 'secondary'} style={{ fontSize: 12 }} data-testid="outbox-reason">
                {r.reasonLabel}
              </Typography.Text>
            </Tooltip>
          )}
        </Flex>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 100,
      render: (_, r) =>
        r.resendable ? (
          <Button size="small" onClick={() => onResend(r)} loading={busy === r.id} disabled={busy !== null && busy !== r.id} data-testid="resend">
            重新发送
          </Button>
        ) : null,
    },
  ];
  return (
    <Table<OutboxItem>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: loading ? ' ' : '没有符合条件的通知' }}
      data-testid="outbox-list"
    />
  );
}

/** The rows as cards on a phone: who, which notice, the status with its reason, and 重新发送. */
function OutboxCards({ items, loading, busy, onResend }: { items: OutboxItem[]; loading: boolean; busy: string | null; onResend: (row: OutboxItem) => void }) {
  if (!items.length) return loading ? <Spin /> : <Empty description="没有符合条件的通知" />;
  return (
    <Flex vertical gap={8} data-testid="outbox-list">
      {items.map((r) => (
        <Card key={r.id} size="small" role="row" aria-label={`${r.candidateName ?? ''} ${r.eventLabel} ${r.address ?? ''}`}>
          <Flex vertical gap={4}>
            <Flex justify="space-between" align="center" gap={8}>
              <Typography.Text strong>
                {r.candidateName ?? '—'} <Typography.Text type="secondary">{r.registrationNo ?? ''}</Typography.Text>
              </Typography.Text>
              <Tag color={STATUS_COLORS[r.status]} style={{ marginInlineEnd: 0 }}>
                {OUTBOX_STATUS_LABELS[r.status]}
              </Tag>
            </Flex>
            <span>{r.eventLabel}</span>
            <Flex gap={4} wrap align="center">
              <Tag>{OUTBOX_CHANNEL_LABELS[r.channel]}</Tag>
              {r.recipientType === 'UNIT' && <Tag color="purple">报名单位</Tag>}
              {r.address && <span>{r.address}</span>}
            </Flex>
            {r.reasonLabel && (
              <Typography.Text type={r.status === 'FAILED' ? 'danger' : 'secondary'} style={{ fontSize: 12 }} data-testid="outbox-reason">
                {r.reasonLabel}
              </Typography.Text>
            )}
            <Flex justify="space-between" align="center">
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatBeijing(r.createdAt)}
                {r.status === 'SENT' && r.sentAt ? ` · 发送于 ${formatBeijing(r.sentAt)}` : ''}
              </Typography.Text>
              {r.resendable && (
                <Button size="small" onClick={() => onResend(r)} loading={busy === r.id} disabled={busy !== null && busy !== r.id} data-testid="resend">
                  重新发送
                </Button>
              )}
            </Flex>
          </Flex>
        </Card>
      ))}
    </Flex>
  );
}

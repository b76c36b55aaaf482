import { useState, type ReactNode } from 'react';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_ACTOR_TYPE_LABELS,
  BULL_BOARD_PATH,
  QUEUE_JOB_STATES,
  QUEUE_JOB_STATE_LABELS,
  QUEUE_LABELS,
  type AuditLogItem,
  type AuditSearchParams,
  type QueueHealthResponse,
  type QueueJobState,
} from '@exam/api';
import { formatBeijing } from '@exam/review-ui';
import { Alert, Button, Card, Empty, Flex, Grid, Input, Select, Spin, Table, Tag, Typography, type TableColumnsType } from '@exam/ui';
import { useAuditSearch, useQueueHealth } from './use-operations';

/** A datetime-local value read as Beijing time → ISO instant; undefined when empty or invalid. */
export function beijingInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}:00+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The states shown as columns of the summary (the rest are rare and folded into 其他). */
const SHOWN_STATES: readonly QueueJobState[] = ['waiting', 'active', 'delayed', 'failed', 'completed'];
const OTHER_STATES = QUEUE_JOB_STATES.filter((s) => !SHOWN_STATES.includes(s));
const NARROW_STATES: readonly QueueJobState[] = ['waiting', 'active', 'delayed', 'failed'];
const SHORT_STATE_LABELS: Partial<Record<QueueJobState, string>> = { waiting: '等待', active: '执行', delayed: '延迟', failed: '失败' };

interface FilterForm {
  candidate: string;
  actor: string;
  action?: string;
  from: string;
  to: string;
}
const EMPTY: FilterForm = { candidate: '', actor: '', from: '', to: '' };

function toParams(f: FilterForm): AuditSearchParams {
  const p: AuditSearchParams = {};
  if (f.candidate.trim()) p.candidate = f.candidate.trim();
  if (f.actor.trim()) p.actor = f.actor.trim();
  if (f.action) p.action = f.action;
  const from = beijingInputToIso(f.from);
  // the end minute is included: 10:05 means up to 10:05:59.999
  const toStart = beijingInputToIso(f.to);
  const to = toStart ? new Date(new Date(toStart).getTime() + 59_999).toISOString() : undefined;
  if (from) p.from = from;
  if (to) p.to = to;
  return p;
}

/** 运维: job counts per queue with the link to the queue dashboard, and the district's audit-log search. */
export function OperationsPage() {
  const narrow = !Grid.useBreakpoint().md;
  return (
    <Flex vertical gap={16} data-testid="operations">
      <QueueSummary narrow={narrow} />
      <AuditSearch narrow={narrow} />
    </Flex>
  );
}

function QueueSummary({ narrow }: { narrow: boolean }) {
  const health = useQueueHealth();
  type Row = QueueHealthResponse['queues'][number];
  const other = (r: Row) => OTHER_STATES.reduce((n, s) => n + r.counts[s], 0);
  // phones: four states with short titles and no code line, so the row fits the screen without scrolling
  const states = narrow ? NARROW_STATES : SHOWN_STATES;
  const columns: TableColumnsType<Row> = [
    {
      title: '队列',
      key: 'name',
      fixed: 'left',
      width: narrow ? 88 : 170,
      render: (_, r) => (
        <Flex vertical>
          <span>
            {QUEUE_LABELS[r.name] ?? r.name} {r.paused && <Tag color="warning">已暂停</Tag>}
          </span>
          {!narrow && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.name}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    ...states.map((s) => ({
      title: narrow ? SHORT_STATE_LABELS[s] : QUEUE_JOB_STATE_LABELS[s],
      key: s,
      width: narrow ? 48 : 72,
      align: 'right' as const,
      render: (_: unknown, r: Row): ReactNode =>
        s === 'failed' && r.counts[s] > 0 ? <Typography.Text type="danger">{r.counts[s]}</Typography.Text> : r.counts[s],
    })),
    ...(narrow ? [] : [{ title: '其他', key: 'other', width: 60, align: 'right' as const, render: (_: unknown, r: Row): ReactNode => other(r) }]),
  ];
  return (
    <Card
      size="small"
      title="任务队列"
      extra={
        <Flex gap={8} wrap>
          <Button size="small" onClick={() => void health.reload()}>
            刷新
          </Button>
          <Button size="small" type="primary" href={`${BULL_BOARD_PATH}/`} target="_blank" rel="noopener noreferrer" data-testid="open-queue-board">
            打开队列面板
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={8}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          队列面板为只读：可查看任务详情与失败原因，不能在其中重试或删除任务（失败的通知请在「通知发送状态」中重新发送）。
        </Typography.Text>
        {health.error && <Alert type="error" showIcon title={health.error} />}
        <Table<Row>
          rowKey="name"
          size="small"
          columns={columns}
          dataSource={health.data?.queues ?? []}
          loading={health.loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: health.loading ? ' ' : '暂无队列' }}
          data-testid="queue-summary"
        />
      </Flex>
    </Card>
  );
}

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label: `${label}（${value}）` }));

function AuditSearch({ narrow }: { narrow: boolean }) {
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [filter, setFilter] = useState<AuditSearchParams>({});
  const search = useAuditSearch(filter);
  const apply = (next: FilterForm) => {
    setForm(next);
    setFilter(toParams(next));
  };

  return (
    <Card size="small" title="审计日志">
      <Flex vertical gap={12}>
        <Flex component="form" wrap gap={8} align="center" aria-label="搜索审计日志" onSubmit={(e) => (e.preventDefault(), apply(form))}>
          <Input
            placeholder="考生报名号或姓名"
            aria-label="考生"
            allowClear
            style={{ width: narrow ? '100%' : 180 }}
            value={form.candidate}
            onChange={(e) => setForm({ ...form, candidate: e.target.value })}
            maxLength={64}
            data-testid="audit-candidate"
          />
          <Input
            placeholder="操作人用户名"
            aria-label="操作人"
            allowClear
            style={{ width: narrow ? '100%' : 160 }}
            value={form.actor}
            onChange={(e) => setForm({ ...form, actor: e.target.value })}
            maxLength={64}
          />
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部操作"
            aria-label="操作类型"
            style={{ width: narrow ? '100%' : 260 }}
            value={form.action}
            onChange={(action) => apply({ ...form, action })}
            options={ACTION_OPTIONS}
            popupMatchSelectWidth={false}
          />
          <Flex gap={4} align="center" wrap style={narrow ? { width: '100%' } : undefined}>
            <Typography.Text type="secondary">时间</Typography.Text>
            <Input
              type="datetime-local"
              aria-label="开始时间（北京时间）"
              style={{ width: narrow ? 'calc(50% - 30px)' : 190 }}
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.target.value })}
            />
            <Typography.Text type="secondary">至</Typography.Text>
            <Input
              type="datetime-local"
              aria-label="结束时间（北京时间）"
              style={{ width: narrow ? 'calc(50% - 30px)' : 190 }}
              value={form.to}
              onChange={(e) => setForm({ ...form, to: e.target.value })}
            />
          </Flex>
          <Button type="primary" htmlType="submit" data-testid="audit-search">
            搜索
          </Button>
          <Button onClick={() => apply(EMPTY)}>重置</Button>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          显示本考区考生的记录和本考区工作人员的操作；报名号按全号匹配，姓名按全名匹配。身份证号、密码、验证码等敏感内容不显示。
        </Typography.Text>

        {search.error && <Alert type="error" showIcon title={search.error} action={<Button size="small" onClick={() => void search.reload()}>重试</Button>} />}
        {narrow ? <AuditCards items={search.items} loading={search.loading} /> : <AuditTable items={search.items} loading={search.loading} />}
        {search.hasMore && (
          <Flex justify="center">
            <Button onClick={() => void search.more()} loading={search.loading} data-testid="audit-more">
              加载更多
            </Button>
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

/** The row's details as `key: value` pairs (already redacted by the server). */
function detailsText(details: AuditLogItem['details']): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('；');
}

function Actor({ r }: { r: AuditLogItem }) {
  return (
    <Flex vertical>
      <span>
        <Tag style={{ marginInlineEnd: 4 }}>{AUDIT_ACTOR_TYPE_LABELS[r.actorType]}</Tag>
        {r.actorName ?? (r.actorType === 'SYSTEM' ? '' : '未知账号')}
      </span>
      {r.actorAccount && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {r.actorAccount}
        </Typography.Text>
      )}
    </Flex>
  );
}

function AuditTable({ items, loading }: { items: AuditLogItem[]; loading: boolean }) {
  const columns: TableColumnsType<AuditLogItem> = [
    { title: '时间', key: 'at', width: 150, render: (_, r) => formatBeijing(r.at) },
    { title: '操作人', key: 'actor', width: 170, render: (_, r) => <Actor r={r} /> },
    {
      title: '操作',
      key: 'action',
      width: 170,
      render: (_, r) => (
        <Flex vertical>
          <span>{r.actionLabel}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.action}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: '考生',
      key: 'candidate',
      width: 130,
      render: (_, r) =>
        r.registrationNo ? (
          <Flex vertical>
            <span>{r.candidateName}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.registrationNo}
            </Typography.Text>
          </Flex>
        ) : (
          '—'
        ),
    },
    { title: 'IP', dataIndex: 'ip', key: 'ip', width: 120, render: (ip: string | null) => ip ?? '—' },
    {
      title: '详情',
      key: 'details',
      width: 260,
      render: (_, r) => (
        <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: detailsText(r.details) }}>
          {detailsText(r.details) || '—'}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Table<AuditLogItem>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: loading ? ' ' : '没有符合条件的记录' }}
      data-testid="audit-list"
    />
  );
}

/** The rows as cards on a phone. */
function AuditCards({ items, loading }: { items: AuditLogItem[]; loading: boolean }) {
  if (!items.length) return loading ? <Spin /> : <Empty description="没有符合条件的记录" />;
  return (
    <Flex vertical gap={8} data-testid="audit-list">
      {items.map((r) => (
        <Card key={r.id} size="small" role="row" aria-label={`${r.actionLabel} ${r.candidateName ?? ''}`}>
          <Flex vertical gap={4}>
            <Flex justify="space-between" align="baseline" gap={8}>
              <Typography.Text strong>{r.actionLabel}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatBeijing(r.at)}
              </Typography.Text>
            </Flex>
            <Actor r={r} />
            {r.registrationNo && (
              <span>
                考生：{r.candidateName} <Typography.Text type="secondary">{r.registrationNo}</Typography.Text>
              </span>
            )}
            {(r.ip || r.details) && (
              <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
                {[r.ip ? `IP ${r.ip}` : '', detailsText(r.details)].filter(Boolean).join('；')}
              </Typography.Text>
            )}
          </Flex>
        </Card>
      ))}
    </Flex>
  );
}

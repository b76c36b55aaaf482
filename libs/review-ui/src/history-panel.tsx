import type { ReviewHistoryEntry, ReviewReturnView } from '@exam/api';
import { Card, Empty, Flex, Tag, Typography } from '@exam/ui';
import { formatBeijing } from './time';

const LEVEL_LABELS = { SITE: '考点', DISTRICT: '考区' } as const;

/** Every transition of the dossier, oldest first: 时间（北京时间）· 操作 · 操作人 · 原因. */
export function HistoryTimeline({ history }: { history: readonly ReviewHistoryEntry[] }) {
  if (history.length === 0) return <Empty description="暂无记录" />;
  return (
    <ol className="rv-timeline" data-testid="history" aria-label="审核记录">
      {history.map((h, i) => (
        <li key={`${h.at}-${i}`} className="rv-timeline-item">
          <span className="rv-timeline-dot" aria-hidden />
          <Flex wrap gap={6} align="baseline">
            <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
              {formatBeijing(h.at)}
            </Typography.Text>
            <Typography.Text strong>{h.actionLabel}</Typography.Text>
            <Tag style={{ marginInlineEnd: 0 }}>{h.toLabel}</Tag>
            <Typography.Text type="secondary">{h.actorName}</Typography.Text>
          </Flex>
          {h.reason && <div className="rv-timeline-reason">{h.reason}</div>}
        </li>
      ))}
    </ol>
  );
}

/** The dossier's 退回补充, newest first, with what was asked and until when. */
export function ReturnsList({ returns, imageLabel }: { returns: readonly ReviewReturnView[]; imageLabel?: (imageId: string) => string | null }) {
  if (returns.length === 0) return <Typography.Text type="secondary">没有退回补充记录</Typography.Text>;
  return (
    <Flex vertical gap={8} data-testid="returns">
      {returns.map((r, i) => (
        <Card
          key={`${r.createdAt}-${i}`}
          size="small"
          title={
            <Flex wrap gap={6} align="center">
              <span>{LEVEL_LABELS[r.level]}退回补充</span>
              <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                {formatBeijing(r.createdAt)}
              </Typography.Text>
              {r.closedAt ? <Tag>已结束 {formatBeijing(r.closedAt)}</Tag> : <Tag color="orange">补充中</Tag>}
            </Flex>
          }
        >
          <Typography.Paragraph style={{ marginBottom: 6 }}>补充截止：{formatBeijing(r.deadline)}（北京时间）</Typography.Paragraph>
          {r.message && <Typography.Paragraph style={{ marginBottom: 6 }}>说明：{r.message}</Typography.Paragraph>}
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {r.items.map((item, j) => (
              <li key={j}>
                {item.imageId ? (imageLabel?.(item.imageId) ?? `${item.categoryName}（图片）`) : `${item.categoryName}（整类）`}：{item.reason}
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </Flex>
  );
}

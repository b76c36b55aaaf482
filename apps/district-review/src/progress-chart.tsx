import type { DossierStatus, SiteProgress } from '@exam/api';
import { DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, Empty, Flex, Typography } from '@exam/ui';

/** One colour per state (legend and bar segments). */
export const STATUS_COLORS: Readonly<Record<DossierStatus, string>> = {
  DRAFT: '#d9d9d9',
  PENDING_SITE: '#1677ff',
  RETURNED: '#faad14',
  PENDING_DISTRICT: '#13c2c2',
  APPROVED: '#52c41a',
  REJECTED: '#ff4d4f',
  NOT_SUBMITTED: '#8c8c8c',
};

/** The bar's segments: share (percent of the site's total) per state, zero states left out. */
export function barSegments(site: SiteProgress): { status: DossierStatus; count: number; percent: number }[] {
  if (site.total <= 0) return [];
  return DOSSIER_STATUSES.flatMap((status) => {
    const count = site.counts[status] ?? 0;
    return count > 0 ? [{ status, count, percent: (count / site.total) * 100 }] : [];
  });
}

/** A horizontal stacked bar per site: how its dossiers are spread over the states. */
export function ProgressChart({ sites }: { sites: readonly SiteProgress[] }) {
  if (sites.length === 0) return <Empty description="暂无考点数据" />;
  return (
    <Flex vertical gap={8} data-testid="progress-chart" role="list" aria-label="各考点审核进度图">
      <Flex wrap gap={12} aria-hidden>
        {DOSSIER_STATUSES.map((s) => (
          <Flex key={s} gap={4} align="center" style={{ fontSize: 12 }}>
            <span style={{ width: 10, height: 10, borderRadius: 2, background: STATUS_COLORS[s], display: 'inline-block' }} />
            {DOSSIER_STATUS_LABELS[s]}
          </Flex>
        ))}
      </Flex>
      {sites.map((site) => {
        const segments = barSegments(site);
        const text = segments.map((seg) => `${DOSSIER_STATUS_LABELS[seg.status]} ${seg.count}`).join('，');
        return (
          <div key={site.siteId} role="listitem" aria-label={`${site.siteName}：共 ${site.total} 人，${text || '暂无考生'}`} style={{ display: 'grid', gridTemplateColumns: 'minmax(72px, 140px) 1fr 48px', gap: 8, alignItems: 'center' }}>
            <Typography.Text ellipsis style={{ fontSize: 13 }}>
              {site.siteName}
            </Typography.Text>
            <div style={{ display: 'flex', height: 16, borderRadius: 4, overflow: 'hidden', background: '#f5f5f5' }} aria-hidden>
              {segments.map((seg) => (
                <div key={seg.status} title={`${DOSSIER_STATUS_LABELS[seg.status]}：${seg.count}`} style={{ width: `${seg.percent}%`, background: STATUS_COLORS[seg.status] }} />
              ))}
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: 'right' }}>
              {site.total}
            </Typography.Text>
          </div>
        );
      })}
    </Flex>
  );
}

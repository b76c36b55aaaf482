import type { DossierStatus, SiteProgress } from '@exam/api';
import { DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, Progress, Table, type TableColumnsType } from '@exam/ui';

/** Share of a site's dossiers whose review has ended. */
const FINISHED: readonly DossierStatus[] = ['APPROVED', 'REJECTED', 'NOT_SUBMITTED'];

export function reviewedShare(site: SiteProgress): number {
  if (site.total === 0) return 0;
  const done = FINISHED.reduce((sum, s) => sum + (site.counts[s] ?? 0), 0);
  return Math.round((done / site.total) * 100);
}

export function totalsRow(sites: readonly SiteProgress[]): SiteProgress {
  const counts = Object.fromEntries(DOSSIER_STATUSES.map((s) => [s, sites.reduce((n, site) => n + (site.counts[s] ?? 0), 0)])) as Record<
    DossierStatus,
    number
  >;
  return { siteId: '__total__', siteName: '合计', counts, total: sites.reduce((n, s) => n + s.total, 0) };
}

export function ProgressTable({ sites, loading }: { sites: readonly SiteProgress[]; loading: boolean }) {
  const columns: TableColumnsType<SiteProgress> = [
    { title: '考点', dataIndex: 'siteName', key: 'siteName', fixed: 'left', width: 140 },
    { title: '考生数', dataIndex: 'total', key: 'total', width: 80 },
    ...DOSSIER_STATUSES.map((status) => ({
      title: DOSSIER_STATUS_LABELS[status],
      key: status,
      width: 96,
      render: (_: unknown, site: SiteProgress) => site.counts[status] ?? 0,
    })),
    {
      title: '审核完成',
      key: 'done',
      width: 140,
      render: (_: unknown, site: SiteProgress) => <Progress percent={reviewedShare(site)} size="small" />,
    },
  ];
  const rows = sites.length > 1 ? [...sites, totalsRow(sites)] : [...sites];
  return (
    <Table<SiteProgress>
      rowKey="siteId"
      size="small"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: loading ? ' ' : '暂无考点数据' }}
    />
  );
}

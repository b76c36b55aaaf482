import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useSession } from '@exam/session';
import { StartReviewButton, filtersFromSearch, filtersToSearch, useReviewListNavigation } from '@exam/review-ui';
import { Alert, Button, Card, CandidateListPanel, Flex, Tabs, type CandidateListFilters } from '@exam/ui';
import { ProgressChart } from './progress-chart';
import { ProgressTable } from './progress-table';
import { PublicationPanel } from './publication-panel';
import { fetchDistrictCandidates } from './review-api';
import { describeError, useDistrictCounts, useDistrictProgress } from './use-district-data';

const TABS = ['queue', 'progress', 'candidates', 'publish'] as const;
type TabKey = (typeof TABS)[number];

/** The 审核队列 tab lists what waits for the district. */
const QUEUE_FIXED: CandidateListFilters = { status: 'PENDING_DISTRICT' };

/** 考区审核: queue, progress per site, all candidates, 发布结果 (the tab is in the URL). */
export function DistrictReviewPage() {
  const [search, setSearch] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as TabKey) : 'queue';
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const { sites, loading, error, reload } = useDistrictProgress();
  const counts = useDistrictCounts(tab === 'candidates' ? filters.siteId : undefined);

  const onFiltersChange = useCallback((f: CandidateListFilters) => setSearch(filtersToSearch(f, { tab }), { replace: true }), [setSearch, tab]);
  const open = useReviewListNavigation();
  const { user } = useSession();

  const progressError = error && (
    <Alert
      type="error"
      showIcon
      title={error}
      style={{ marginBottom: 12 }}
      action={
        <Button size="small" onClick={() => void reload()}>
          重试
        </Button>
      }
    />
  );

  return (
    <Card size="small" title="考区审核" data-testid="district-review" extra={
        <Flex gap={12} align="center">
          {user?.role === 'ADMIN' && <Link to="admin">考区管理</Link>}
          <StartReviewButton />
        </Flex>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(key) => setSearch(new URLSearchParams({ tab: key }), { replace: true })}
        destroyOnHidden
        items={[
          {
            key: 'queue',
            label: '审核队列',
            children: (
              <CandidateListPanel
                load={fetchDistrictCandidates}
                sites={sites}
                showSite
                describeError={describeError}
                fixedFilters={QUEUE_FIXED}
                extraFilters={['via', 'candidateType', 'autoSubmitted', 'warning']}
                filters={filters}
                onFiltersChange={onFiltersChange}
                onOpen={open}
              />
            ),
          },
          {
            key: 'progress',
            label: '各考点进度',
            children: (
              <Flex vertical gap={16}>
                {progressError}
                <ProgressTable sites={sites} loading={loading} />
                <ProgressChart sites={sites} />
              </Flex>
            ),
          },
          {
            key: 'candidates',
            label: '考生列表',
            children: (
              <CandidateListPanel
                load={fetchDistrictCandidates}
                sites={sites}
                showSite
                describeError={describeError}
                statusCounts={counts}
                extraFilters={['candidateType', 'autoSubmitted', 'warning']}
                filters={filters}
                onFiltersChange={onFiltersChange}
                onOpen={open}
              />
            ),
          },
          { key: 'publish', label: '发布结果', children: <PublicationPanel /> },
        ]}
      />
    </Card>
  );
}

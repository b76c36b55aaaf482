import { useCallback, useEffect, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { CandidateListItem } from '@exam/api';
import { filtersFromSearch, filtersToSearch } from '@exam/review-ui';
import { Alert, Button, Card, CandidateListPanel, Flex, Tabs, useFeedback, type CandidateListFilters } from '@exam/ui';
import { ProgressChart } from './progress-chart';
import { ProgressTable } from './progress-table';
import { PublicationPanel } from './publication-panel';
import { fetchDistrictCandidates } from './review-api';
import { describeError, useDistrictCounts, useDistrictProgress } from './use-district-data';

const TABS = ['queue', 'progress', 'candidates', 'publish'] as const;
type TabKey = (typeof TABS)[number];

/** Where the dossier page was opened from, so that 返回列表 restores the tab and its filters. */
export interface ListLocationState {
  listSearch?: string;
  notice?: string;
}

const QUEUE_FIXED: CandidateListFilters = { status: 'PENDING_DISTRICT' };

export function DistrictReviewPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = useFeedback();
  const [search, setSearch] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as TabKey) : 'queue';
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const { sites, loading, error, reload } = useDistrictProgress();
  const counts = useDistrictCounts(tab === 'candidates' ? filters.siteId : undefined);

  const notice = (location.state as ListLocationState | null)?.notice;
  useEffect(() => {
    if (notice) {
      void message.info(notice);
      navigate({ search: location.search }, { replace: true, state: null });
    }
  }, [notice, message, navigate, location.search]);

  const onFiltersChange = useCallback((f: CandidateListFilters) => setSearch(filtersToSearch(f, { tab }), { replace: true }), [setSearch, tab]);
  const open = useCallback(
    (item: CandidateListItem) => navigate(`dossiers/${item.dossierId}`, { state: { listSearch: location.search } satisfies ListLocationState }),
    [navigate, location.search],
  );

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
    <Card size="small" title="考区审核" data-testid="district-review">
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

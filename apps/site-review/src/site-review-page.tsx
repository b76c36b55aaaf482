import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { StartReviewButton, describeError, filtersFromSearch, filtersToSearch, useReviewListNavigation } from '@exam/review-ui';
import { useSession } from '@exam/session';
import { Card, CandidateListPanel, Typography, type CandidateListFilters } from '@exam/ui';
import { fetchSiteCandidates } from './review-api';
import { useSiteCounts } from './use-site-counts';


/** 考点审核: the site's work list with counts and filters; a row opens the dossier. */
export function SiteReviewPage() {
  const { user } = useSession();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const { counts } = useSiteCounts();

  const onFiltersChange = useCallback((f: CandidateListFilters) => setSearch(filtersToSearch(f), { replace: true }), [setSearch]);
  const open = useReviewListNavigation();

  return (
    <Card
      size="small"
      data-testid="site-review"
      extra={<StartReviewButton />}
      title={
        <span>
          考点审核
          {user?.siteName && (
            <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 'normal' }}>
              {user.siteName}
            </Typography.Text>
          )}
        </span>
      }
    >
      <CandidateListPanel
        load={fetchSiteCandidates}
        describeError={describeError}
        statusCounts={counts}
        extraFilters={['candidateType', 'autoSubmitted', 'warning']}
        filters={filters}
        onFiltersChange={onFiltersChange}
        onOpen={open}
      />
    </Card>
  );
}

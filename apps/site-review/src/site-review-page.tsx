import { useCallback, useEffect, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { CandidateListItem } from '@exam/api';
import { filtersFromSearch, filtersToSearch } from '@exam/review-ui';
import { isApiClientError, useSession } from '@exam/session';
import { Card, CandidateListPanel, Typography, useFeedback, type CandidateListFilters } from '@exam/ui';
import { fetchSiteCandidates } from './review-api';
import { useSiteCounts } from './use-site-counts';

const describeError = (e: unknown) => (isApiClientError(e) ? e.message : '加载失败，请稍后重试');

/** Where the dossier page was opened from, so that 返回列表 restores the filters. */
export interface ListLocationState {
  listSearch?: string;
  notice?: string;
}

export function SiteReviewPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = useFeedback();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const { counts } = useSiteCounts();

  // a notice handed over by the dossier page (e.g. 当前没有待审核的材料)
  const notice = (location.state as ListLocationState | null)?.notice;
  useEffect(() => {
    if (notice) {
      void message.info(notice);
      navigate({ search: location.search }, { replace: true, state: null });
    }
  }, [notice, message, navigate, location.search]);

  const onFiltersChange = useCallback((f: CandidateListFilters) => setSearch(filtersToSearch(f), { replace: true }), [setSearch]);
  const open = useCallback(
    (item: CandidateListItem) => navigate(`dossiers/${item.dossierId}`, { state: { listSearch: location.search } satisfies ListLocationState }),
    [navigate, location.search],
  );

  return (
    <Card
      size="small"
      data-testid="site-review"
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

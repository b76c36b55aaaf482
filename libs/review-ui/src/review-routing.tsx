import { useCallback, useEffect } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import type { CandidateListItem, ReviewLevel } from '@exam/api';
import { useFeedback } from '@exam/ui';
import { ReviewDossierView } from './review-dossier-view';

/** Router state between a review remote's list and its dossier page. */
export interface ListLocationState {
  /** the list's query string, restored by 返回列表 */
  listSearch?: string;
  /** shown once on the list (e.g. 当前没有待审核的材料) */
  notice?: string;
}

/**
 * The list side: shows a notice handed over by the dossier page once, and opens a row's dossier at
 * `dossiers/:id` remembering the list's filters.
 */
export function useReviewListNavigation(): (item: CandidateListItem) => void {
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = useFeedback();
  const notice = (location.state as ListLocationState | null)?.notice;
  useEffect(() => {
    if (notice) {
      void message.info(notice);
      navigate({ search: location.search }, { replace: true, state: null });
    }
  }, [notice, message, navigate, location.search]);
  return useCallback(
    (item: CandidateListItem) => navigate(`dossiers/${item.dossierId}`, { state: { listSearch: location.search } satisfies ListLocationState }),
    [navigate, location.search],
  );
}

/** The `dossiers/:dossierId` route of a review remote: the dossier view at `level`, wired to the remote's router. */
export function RoutedReviewDossier({ level }: { level: ReviewLevel }) {
  const { dossierId = '' } = useParams();
  const navigate = useNavigate();
  const listSearch = (useLocation().state as ListLocationState | null)?.listSearch ?? '';
  return (
    <ReviewDossierView
      key={dossierId}
      dossierId={dossierId}
      level={level}
      dossierLink={(id) => `../dossiers/${id}`}
      onOpenDossier={(id) => navigate(`../dossiers/${id}`, { state: { listSearch } satisfies ListLocationState })}
      onBackToList={(notice) => navigate({ pathname: '..', search: listSearch }, { state: notice ? ({ notice } satisfies ListLocationState) : null })}
    />
  );
}

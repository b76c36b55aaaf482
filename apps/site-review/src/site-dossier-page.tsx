import { useLocation, useNavigate, useParams } from 'react-router';
import { ReviewDossierView } from '@exam/review-ui';
import type { ListLocationState } from './site-review-page';

/** /site/dossiers/:dossierId — one candidate's dossier, site-level decisions. */
export function SiteDossierPage() {
  const { dossierId = '' } = useParams();
  const navigate = useNavigate();
  const listSearch = (useLocation().state as ListLocationState | null)?.listSearch ?? '';
  return (
    <ReviewDossierView
      key={dossierId}
      dossierId={dossierId}
      level="SITE"
      dossierLink={(id) => `../dossiers/${id}`}
      onOpenDossier={(id) => navigate(`../dossiers/${id}`, { state: { listSearch } satisfies ListLocationState })}
      onBackToList={(notice) => navigate({ pathname: '..', search: listSearch }, { state: notice ? ({ notice } satisfies ListLocationState) : null })}
    />
  );
}

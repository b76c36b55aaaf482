import { RoutedReviewDossier } from '@exam/review-ui';
import { Route, Routes } from 'react-router';
import { SiteReviewPage } from './site-review-page';

/**
 * Exposed as `site_review/App`. Mounted by the shell under /site/* (routes here are relative)
 * inside the shell's UiProvider + SessionProvider + router; no props.
 */
export default function SiteReviewApp() {
  return (
    <Routes>
      <Route path="dossiers/:dossierId" element={<RoutedReviewDossier level="SITE" />} />
      <Route path="*" element={<SiteReviewPage />} />
    </Routes>
  );
}

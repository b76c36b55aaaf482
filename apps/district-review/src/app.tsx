import { RoutedReviewDossier } from '@exam/review-ui';
import { Route, Routes } from 'react-router';
import { AdminArea } from './admin/admin-area';
import { DistrictReviewPage } from './district-review-page';

/**
 * Exposed as `district_review/App`. Mounted by the shell under /district/* (routes here are relative)
 * inside the shell's UiProvider + SessionProvider + router; no props.
 */
export default function DistrictReviewApp() {
  return (
    <Routes>
      <Route path="admin/*" element={<AdminArea />} />
      <Route path="dossiers/:dossierId" element={<RoutedReviewDossier level="DISTRICT" />} />
      <Route path="*" element={<DistrictReviewPage />} />
    </Routes>
  );
}

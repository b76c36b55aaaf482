import { Route, Routes } from 'react-router';
import { DistrictDossierPage } from './district-dossier-page';
import { DistrictReviewPage } from './district-review-page';

/**
 * Exposed as `district_review/App`. Mounted by the shell under /district/* (routes here are relative)
 * inside the shell's UiProvider + SessionProvider + router; no props.
 */
export default function DistrictReviewApp() {
  return (
    <Routes>
      <Route path="dossiers/:dossierId" element={<DistrictDossierPage />} />
      <Route path="*" element={<DistrictReviewPage />} />
    </Routes>
  );
}

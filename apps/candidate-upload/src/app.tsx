import { Route, Routes } from 'react-router';
import { UploadPage } from './upload-page';

/**
 * Exposed as `candidate_upload/App`. Mounted by the shell under /candidate/* (routes here are relative)
 * inside the shell's UiProvider + SessionProvider + router; no props.
 */
export default function CandidateUploadApp() {
  return (
    <Routes>
      <Route path="*" element={<UploadPage />} />
    </Routes>
  );
}

export { ReviewDossierView, type ReviewDossierViewProps } from './review-dossier-view';
export { formatBeijing } from './time';
export { describeError, useApiResource } from './use-review-dossier';
export { fetchReviewDossier, postReviewDecision, revealIdNumber, claimNextDossier } from './review-api';
export { filtersFromSearch, filtersToSearch } from './list-url';
export { RoutedReviewDossier, useReviewListNavigation, type ListLocationState } from './review-routing';
export { StartReviewButton } from './start-review-button';

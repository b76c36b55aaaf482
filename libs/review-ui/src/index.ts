export { ReviewDossierView, type ReviewDossierViewProps } from './review-dossier-view';
export { chooseNextDossier, QUEUE_STATUS } from './next-dossier';
export { formatBeijing } from './time';
export { describeError, useApiResource } from './use-review-dossier';
export { fetchReviewDossier, postReviewDecision, revealIdNumber, fetchQueueHead } from './review-api';
export { filtersFromSearch, filtersToSearch } from './list-url';
export { RoutedReviewDossier, useReviewListNavigation, type ListLocationState } from './review-routing';

export * from './antd';
export { DISTRICT_VIA_LABELS, DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, IMAGE_STATE_LABELS, WINDOW_STATE_LABELS } from './labels';
export { DossierStatusTag, ImageStateTag, LockTag, type DossierStatusTagProps, type LockTagProps } from './status-tag';
export { RemoteErrorBoundary, RemoteFallback, type RemoteErrorBoundaryProps, type RemoteFallbackProps } from './remote-error-boundary';
export { UiProvider, examTheme, useFeedback, type UiProviderProps } from './ui-provider';
export { CandidateListPanel, type CandidateListExtraFilter, type CandidateListFilters, type CandidateListPanelProps } from './candidate-list-panel';
export { AppProviders, renderStandaloneRemote } from './app-providers';

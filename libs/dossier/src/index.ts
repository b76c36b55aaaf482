export {
  runTransitions,
  transitionDossier,
  type DossierDoorDeps,
  type RunOptions,
  type TransitionActorRef,
  type TransitionCommand,
  type TransitionContext,
  type TransitionResult,
  type Tx,
} from './dossier-transition.service.js';
export { loadApplicable, toCatalogEntry, type ApplicableCategory } from './catalog.js';
export { categoryInfo, maskedIdNumber, returnItemViews } from './dossier-view.js';

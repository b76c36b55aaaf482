import { loadRemote } from '@module-federation/enhanced/runtime';
import type { ComponentType } from 'react';
import { remotesReady } from './remotes-manifest';
import type { RemoteName } from './remote-names';

/*
 * The exposed modules' types come from the remotes' sources through the paths in apps/shell/tsconfig.json
 * ("candidate_upload/App" -> apps/candidate-upload/src/app.tsx ...). Type-only: the shell's bundle resolves
 * nothing of the remotes at build time.
 */
export type CandidateUploadModule = typeof import('candidate_upload/App');
export type SiteReviewModule = typeof import('site_review/App');
export type DistrictReviewModule = typeof import('district_review/App');

/** What every `./App` expose must look like to be mounted by <RemoteRoute>. */
export interface RemoteAppModule {
  default: ComponentType;
}

export class RemoteLoadError extends Error {
  override readonly name = 'RemoteLoadError';
  constructor(readonly remoteId: string) {
    super(`remote module ${remoteId} could not be loaded`);
  }
}

async function loadRemoteModule<T>(id: `${RemoteName}/${string}`): Promise<T> {
  await remotesReady();
  const module = await loadRemote<T>(id);
  if (!module) throw new RemoteLoadError(id);
  return module;
}

/** Typed loaders of each remote's `./App`; the `satisfies` check fails the build when a remote's expose drifts. */
export const remoteApps = {
  candidate_upload: () => loadRemoteModule<CandidateUploadModule>('candidate_upload/App'),
  site_review: () => loadRemoteModule<SiteReviewModule>('site_review/App'),
  district_review: () => loadRemoteModule<DistrictReviewModule>('district_review/App'),
} satisfies Record<RemoteName, () => Promise<RemoteAppModule>>;

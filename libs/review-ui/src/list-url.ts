import { CANDIDATE_TYPES, DISTRICT_VIA, type DossierStatus } from '@exam/api';
import { DOSSIER_STATUSES } from '@exam/domain';
import type { CandidateListFilters } from '@exam/ui';

const oneOf = <T extends string>(list: readonly T[], v: string | null): T | undefined => (v && (list as readonly string[]).includes(v) ? (v as T) : undefined);

/** The list's filters as kept in the URL (so that they survive opening a candidate and coming back). */
export function filtersFromSearch(search: URLSearchParams): CandidateListFilters {
  const f: CandidateListFilters = {
    status: oneOf<DossierStatus>(DOSSIER_STATUSES, search.get('status')),
    q: search.get('q')?.trim() || undefined,
    siteId: search.get('siteId') || undefined,
    candidateType: oneOf(CANDIDATE_TYPES, search.get('candidateType')),
    autoSubmitted: search.get('autoSubmitted') === 'true' ? true : undefined,
    warning: oneOf(['UNCLEAR', 'REUSED'] as const, search.get('warning')),
    via: oneOf(DISTRICT_VIA, search.get('via')),
  };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as CandidateListFilters;
}

/** The URL search for `filters`, keeping `keep` (e.g. the tab) first. */
export function filtersToSearch(filters: CandidateListFilters, keep: Record<string, string> = {}): URLSearchParams {
  const search = new URLSearchParams(keep);
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) search.set(key, String(value));
  }
  return search;
}

import type { AdminExamYearsResponse, RosterMappingProblemDetails, RosterMappingView, RosterStatusResponse, RosterUploadResponse } from '@exam/api';
import { apiFetch, isApiClientError, withQuery } from '@exam/session';

const BASE = '/api/review/admin/roster-imports';

export const fetchExamYears = () => apiFetch<AdminExamYearsResponse>('/api/identity/admin/exam-years');

/** Uploads the file; the server suggests a column mapping and (when it is complete) dry-runs it at once. */
export function uploadRoster(examYearId: string, file: File): Promise<RosterUploadResponse> {
  const form = new FormData();
  form.set('examYearId', examYearId);
  form.set('file', file, file.name);
  return apiFetch<RosterUploadResponse>(BASE, { method: 'POST', body: form });
}

/** 试导入 with this mapping (field -> column header, null: not imported). Writes nothing. */
export const dryRunRoster = (importId: string, mapping: RosterMappingView) =>
  apiFetch<RosterUploadResponse>(`${BASE}/${encodeURIComponent(importId)}/dry-run`, { method: 'POST', json: { mapping } });

/** 开始导入: queues the import job (the last dry run's mapping). */
export const startRosterImport = (importId: string) =>
  apiFetch<{ importId: string; jobId: string }>(`${BASE}/${encodeURIComponent(importId)}/start`, { method: 'POST' });

/** Status, progress, and one page of the bad rows of the dry run and of the import. */
export const fetchRosterStatus = (importId: string, offset = 0, limit = 20) =>
  apiFetch<RosterStatusResponse>(withQuery(`${BASE}/${encodeURIComponent(importId)}`, { offset, limit }));

/** The 422 answer of an upload or dry run whose columns are incomplete: the import exists, the mapping must be fixed. */
export function mappingProblem(e: unknown): (RosterMappingProblemDetails & { message: string }) | null {
  if (!isApiClientError(e) || e.code !== 'ROSTER_MAPPING_INCOMPLETE') return null;
  const d = e.details as Partial<RosterMappingProblemDetails> | undefined;
  if (!d?.importId || !Array.isArray(d.headers)) return null;
  return { importId: d.importId, headers: d.headers, mapping: d.mapping ?? {}, missing: d.missing ?? [], problems: d.problems ?? [], message: e.message };
}

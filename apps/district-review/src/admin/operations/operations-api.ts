import type { AuditSearchParams, AuditSearchResponse, QueueHealthResponse } from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

/** Job counts per queue (the notification service's queue-health view). */
export function fetchQueueHealth(): Promise<QueueHealthResponse> {
  return apiFetch<QueueHealthResponse>('/api/notification/health/queues');
}

/** One page (50 rows) of the district's audit log for a filter, newest first. */
export function fetchAuditPage(filter: AuditSearchParams, cursor?: string): Promise<AuditSearchResponse> {
  return apiFetch<AuditSearchResponse>(withQuery('/api/notification/admin/audit', { ...filter, cursor, limit: 50 }));
}

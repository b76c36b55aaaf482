import type { OutboxCountsResponse, OutboxFilterParams, OutboxListResponse, ResendResponse } from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

const BASE = '/api/notification/admin/outbox';

/** Rows per event × channel × status of the admin's district (the filter's status is ignored by the table). */
export function fetchOutboxCounts(filter: OutboxFilterParams): Promise<OutboxCountsResponse> {
  return apiFetch<OutboxCountsResponse>(withQuery(`${BASE}/counts`, { ...filter }));
}

export function fetchOutboxPage(filter: OutboxFilterParams, cursor?: string): Promise<OutboxListResponse> {
  return apiFetch<OutboxListResponse>(withQuery(BASE, { ...filter, cursor, limit: 50 }));
}

/** 重新发送 one FAILED row. */
export function resendOutbox(id: string): Promise<ResendResponse> {
  return apiFetch<ResendResponse>(`${BASE}/${encodeURIComponent(id)}/resend`, { method: 'POST' });
}

/** 重新发送全部失败: `confirmCount` must equal the number of FAILED rows of the filter (409 with details.count otherwise). */
export function resendAllFailed(filter: OutboxFilterParams, confirmCount: number): Promise<ResendResponse> {
  return apiFetch<ResendResponse>(`${BASE}/resend-failed`, { method: 'POST', json: { filter, confirmCount } });
}

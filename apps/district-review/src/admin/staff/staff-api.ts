import type {
  AdminSiteView,
  AdminSitesResponse,
  CreateSiteRequest,
  CreateStaffRequest,
  OneTimePasswordResponse,
  StaffAccountResponse,
  StaffListQuery,
  StaffListResponse,
} from '@exam/api';
import { apiFetch, withQuery } from '@exam/session';

const BASE = '/api/identity/admin';

export const fetchSites = () => apiFetch<AdminSitesResponse>(`${BASE}/sites`);
export const createSite = (input: CreateSiteRequest) => apiFetch<AdminSiteView>(`${BASE}/sites`, { method: 'POST', json: input });
export const renameSite = (id: string, name: string) =>
  apiFetch<AdminSiteView>(`${BASE}/sites/${encodeURIComponent(id)}`, { method: 'PATCH', json: { name } });

export const fetchStaff = (query: StaffListQuery) => apiFetch<StaffListResponse>(withQuery(`${BASE}/staff`, { ...query }));
export const createStaff = (input: CreateStaffRequest) => apiFetch<OneTimePasswordResponse>(`${BASE}/staff`, { method: 'POST', json: input });

export type StaffAction = 'reset-password' | 'reset-totp' | 'disable' | 'enable';
export function staffAction(id: string, action: 'reset-password'): Promise<OneTimePasswordResponse>;
export function staffAction(id: string, action: Exclude<StaffAction, 'reset-password'>): Promise<StaffAccountResponse>;
export function staffAction(id: string, action: StaffAction): Promise<OneTimePasswordResponse | StaffAccountResponse> {
  return apiFetch(`${BASE}/staff/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
}

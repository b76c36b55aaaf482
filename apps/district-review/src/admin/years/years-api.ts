import {
  ADMIN_YEAR_CATALOG_BASE as BASE,
  type AdminCategoriesResponse,
  type AdminCategoryView,
  type AdminYearView,
  type AdminYearsResponse,
  type CatalogImportResponse,
  type CategoryInput,
  type CategoryUpdateRequest,
  type ExamYearCreateRequest,
  type ExamYearUpdateRequest,
} from '@exam/api';
import { apiFetch } from '@exam/session';

const id = (v: string) => encodeURIComponent(v);
const fileForm = (file: File) => {
  const form = new FormData();
  form.set('file', file, file.name);
  return form;
};

export const fetchYears = () => apiFetch<AdminYearsResponse>(`${BASE}/years`);
export const createYear = (input: ExamYearCreateRequest) => apiFetch<AdminYearView>(`${BASE}/years`, { method: 'POST', json: input });
export const updateYear = (yearId: string, input: ExamYearUpdateRequest) =>
  apiFetch<AdminYearView>(`${BASE}/years/${id(yearId)}`, { method: 'PATCH', json: input });
export const uploadGuide = (yearId: string, file: File) =>
  apiFetch<AdminYearView>(`${BASE}/years/${id(yearId)}/guide`, { method: 'PUT', body: fileForm(file) });

export const deleteGuide = (yearId: string) => apiFetch<AdminYearView>(`${BASE}/years/${id(yearId)}/guide`, { method: 'DELETE' });

export const fetchCategories = (yearId: string) => apiFetch<AdminCategoriesResponse>(`${BASE}/years/${id(yearId)}/categories`);
export const createCategory = (yearId: string, input: CategoryInput) =>
  apiFetch<AdminCategoryView>(`${BASE}/years/${id(yearId)}/categories`, { method: 'POST', json: input });
export const updateCategory = (categoryId: string, input: CategoryUpdateRequest) =>
  apiFetch<AdminCategoryView>(`${BASE}/categories/${id(categoryId)}`, { method: 'PATCH', json: input });
export const deleteCategory = (categoryId: string) => apiFetch<unknown>(`${BASE}/categories/${id(categoryId)}`, { method: 'DELETE' });
export const reorderCategories = (yearId: string, ids: string[]) =>
  apiFetch<AdminCategoriesResponse>(`${BASE}/years/${id(yearId)}/categories/order`, { method: 'PUT', json: { ids } });
export const importCatalog = (yearId: string, file: File) =>
  apiFetch<CatalogImportResponse>(`${BASE}/years/${id(yearId)}/categories/import`, { method: 'POST', body: fileForm(file) });
export const uploadExample = (categoryId: string, file: File) =>
  apiFetch<AdminCategoryView>(`${BASE}/categories/${id(categoryId)}/example`, { method: 'PUT', body: fileForm(file) });
export const deleteExample = (categoryId: string) =>
  apiFetch<AdminCategoryView>(`${BASE}/categories/${id(categoryId)}/example`, { method: 'DELETE' });

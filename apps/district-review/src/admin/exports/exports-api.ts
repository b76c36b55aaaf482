import { CSRF_HEADER, csrfCookieName, type AdminExamYearsResponse, type ApiError, type ExportFormat, type ExportKind } from '@exam/api';
import { ApiClientError, apiFetch, readCookie, withQuery } from '@exam/session';

export const fetchExportYears = () => apiFetch<AdminExamYearsResponse>('/api/identity/admin/exam-years');

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  /** full ID numbers (results only; the server audits it) */
  full: boolean;
  examYearId?: string;
}

export const exportUrl = (r: ExportRequest) =>
  withQuery(`/api/review/admin/exports/${r.kind}`, { format: r.format, full: r.full ? 1 : undefined, examYearId: r.examYearId });

/** The file name of a Content-Disposition header (the UTF-8 `filename*` first). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(disposition ?? '')?.[1] ?? fallback;
}

/**
 * Downloads an export and saves it through a temporary link. The request carries the CSRF header (a full-number
 * export must come from this page); a refusal arrives as ApiClientError with the server's Chinese message.
 */
export async function downloadExport(r: ExportRequest): Promise<string> {
  const headers = new Headers({ accept: '*/*' });
  const csrf = readCookie(csrfCookieName(true)) ?? readCookie(csrfCookieName(false));
  if (csrf) headers.set(CSRF_HEADER, csrf);
  let res: Response;
  try {
    res = await fetch(exportUrl(r), { headers, credentials: 'same-origin' });
  } catch {
    throw new ApiClientError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ApiError | null;
    throw new ApiClientError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? '导出失败，请稍后重试');
  }
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('content-disposition'), `${r.kind}.${r.format}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

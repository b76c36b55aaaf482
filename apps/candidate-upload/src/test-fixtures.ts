/** DossierResponse builders for the unit tests (not part of the bundle). */
import type { CategoryView, DossierResponse, ImageView } from '@exam/api';

export const image = (over: Partial<ImageView> = {}): ImageView => ({
  id: 'i1',
  categoryCode: 'ID_CARD',
  state: 'READY',
  reason: null,
  warnings: [],
  locked: false,
  returnReason: null,
  thumbUrl: '/t',
  previewUrl: '/p',
  width: 10,
  height: 10,
  sizeBytes: 1,
  uploadedAt: '2026-01-30T00:00:00Z',
  ...over,
});

export const category = (images: ImageView[], over: Partial<CategoryView> = {}): CategoryView => ({
  code: 'ID_CARD',
  name: '有效身份证明（正反面）',
  description: '正反面',
  minCount: 2,
  maxCount: 2,
  required: true,
  canUpload: true,
  returnReason: null,
  images,
  exampleImageUrl: null,
  ...over,
});

export const dossier = (
  status: DossierResponse['dossier']['status'],
  windowState: DossierResponse['examYear']['windowState'],
  categories: CategoryView[],
  over: Partial<Pick<DossierResponse, 'openReturn' | 'result'>> & { statusLabel?: string; submittedAt?: string | null } = {},
): DossierResponse => ({
  examYear: { id: 'y', name: '2026', windowStart: '2026-01-29T02:00:00Z', windowEnd: '2026-02-11T16:00:00Z', windowState, notices: [], guideUrl: null },
  candidate: { name: '张三', registrationNo: '1', candidateType: 'X', candidateTypeLabel: 'X', siteName: '考点', idNumberMasked: '1***' },
  dossier: { id: 'd', status, statusLabel: over.statusLabel ?? '', submittedAt: over.submittedAt ?? null },
  openReturn: over.openReturn ?? null,
  result: over.result ?? null,
  categories,
});

/**
 * 考试年度与材料目录 (district admin): exam years, their 提示 notices and 材料说明 PDF, and the catalog (Attachment 1)
 * with one 示例 example image per category. Served by material-service under /api/material/admin/* (ADMIN only,
 * own district); the PDF and example images are read by candidates and staff through /api/material/years/:id/guide
 * and /api/material/categories/:id/example.
 */
import { z } from 'zod';

export const ADMIN_YEAR_CATALOG_BASE = '/api/material/admin';

/** Candidate types a category may be limited to (the same codes as the roster's 考生类型). */
export const CATALOG_CANDIDATE_TYPES = ['GRADUATE', 'FRESH_GRADUATE', 'ASSISTANT_UPGRADE', 'TCM_MENTORSHIP'] as const;
export type CatalogCandidateType = (typeof CATALOG_CANDIDATE_TYPES)[number];
export const CATALOG_CANDIDATE_TYPE_LABELS: Record<CatalogCandidateType, string> = {
  GRADUATE: '往届毕业生',
  FRESH_GRADUATE: '应届毕业生',
  ASSISTANT_UPGRADE: '执业助理医师报考执业医师',
  TCM_MENTORSHIP: '传统医学师承或确有专长',
};

/** A Beijing wall-clock time as typed by the admin: `YYYY-MM-DD HH:mm` (24:00 = end of that day). */
const beijingTimeField = (what: string) =>
  z
    .string({ error: `请输入${what}` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/, `${what}格式应为 YYYY-MM-DD HH:mm（北京时间）`);

const noticesField = z.array(z.string({ error: '提示内容应为文字' }).max(500, '每段提示不能超过 500 字'), { error: '提示应为段落列表' }).max(20, '提示最多 20 段');

const yearFields = {
  name: z.string({ error: '请输入年度名称' }).trim().min(1, '请输入年度名称').max(128, '年度名称过长'),
  uploadStart: beijingTimeField('上传开始时间'),
  uploadEnd: beijingTimeField('上传截止时间'),
  autoSubmitAtDeadline: z.boolean({ error: '请选择截止时的处理方式' }),
  returnWindowHours: z
    .number({ error: '补充材料期限应为小时数' })
    .int('补充材料期限应为整数小时')
    .min(1, '补充材料期限至少 1 小时')
    .max(720, '补充材料期限不能超过 720 小时'),
  notices: noticesField,
};

export const examYearCreateSchema = z.object({
  code: z.string({ error: '请输入年度代码' }).trim().regex(/^[0-9A-Za-z-]{2,16}$/, '年度代码为 2–16 位字母、数字或连字符，如 2027'),
  ...yearFields,
  autoSubmitAtDeadline: yearFields.autoSubmitAtDeadline.default(true),
  returnWindowHours: yearFields.returnWindowHours.default(72),
  notices: yearFields.notices.default([]),
});
export type ExamYearCreateRequest = z.input<typeof examYearCreateSchema>;

/** PATCH: any subset (absent fields stay as they are); `confirm` must be true to change a window that has already opened. */
export const examYearUpdateSchema = z
  .object({ ...yearFields, confirm: z.boolean({ error: '确认标记应为是或否' }) })
  .partial()
  .strict();
export type ExamYearUpdateRequest = z.input<typeof examYearUpdateSchema>;

export interface AdminYearView {
  id: string;
  code: string;
  name: string;
  /** ISO instants */
  uploadStart: string;
  uploadEnd: string;
  /** Beijing wall clock for the form, `YYYY-MM-DD HH:mm` */
  uploadStartInput: string;
  uploadEndInput: string;
  /** as the manual writes it: 2026年2月11日24:00 */
  uploadStartText: string;
  uploadEndText: string;
  windowState: 'NOT_OPEN' | 'OPEN' | 'CLOSED';
  autoSubmitAtDeadline: boolean;
  returnWindowHours: number;
  notices: string[];
  /** the 材料说明 PDF, when uploaded */
  guide: { url: string; fileName: string; sizeBytes: number; uploadedAt: string } | null;
  categoryCount: number;
}
export interface AdminYearsResponse {
  years: AdminYearView[];
}

const countField = (what: string) => z.number({ error: `${what}应为数字` }).int(`${what}应为整数`).min(0, `${what}不能为负数`).max(50, `${what}不能超过 50`);

const categoryFields = {
  name: z.string({ error: '请输入材料名称' }).trim().min(1, '请输入材料名称').max(128, '材料名称过长'),
  description: z.string({ error: '请输入材料要求' }).trim().max(2000, '材料要求不能超过 2000 字'),
  minCount: countField('最少张数'),
  maxCount: countField('最多张数').min(1, '最多张数至少为 1'),
  /** empty: every candidate type */
  types: z.array(z.enum(CATALOG_CANDIDATE_TYPES, { error: '考生类型不正确' })).max(4),
  required: z.boolean({ error: '请选择是否必传' }),
};

export const categoryInputSchema = z.object({
  code: z
    .string({ error: '请输入材料代码' })
    .trim()
    .regex(/^[A-Z][A-Z0-9_]{1,31}$/, '材料代码为 2–32 位大写字母、数字或下划线，以字母开头，如 GRAD_CERT'),
  ...categoryFields,
  description: categoryFields.description.default(''),
  types: categoryFields.types.default([]),
  required: categoryFields.required.default(true),
});
export type CategoryInput = z.input<typeof categoryInputSchema>;

/** PATCH: any subset (absent fields stay as they are); the code never changes (images refer to it). */
export const categoryUpdateSchema = z
  .object({ ...categoryFields, hidden: z.boolean({ error: '隐藏应为是或否' }) })
  .partial()
  .strict();
export type CategoryUpdateRequest = z.input<typeof categoryUpdateSchema>;

export const categoryOrderSchema = z.object({
  ids: z.array(z.uuid('材料类别编号无效')).min(1, '请给出材料类别的顺序').max(200),
});

export interface AdminCategoryView {
  id: string;
  code: string;
  name: string;
  description: string;
  minCount: number;
  maxCount: number;
  types: CatalogCandidateType[];
  /** other applicability rules kept from the file (attributes, excluded types), described in Chinese; null: none */
  otherRules: string | null;
  required: boolean;
  hidden: boolean;
  sortOrder: number;
  /** images ever uploaded into it by the year's candidates (deleted ones too): > 0 means it cannot be deleted */
  imageCount: number;
  exampleImageUrl: string | null;
}
export interface AdminCategoriesResponse {
  categories: AdminCategoryView[];
}

/** One row of a catalog file that could not be read; the load is all-or-nothing. */
export interface CatalogImportProblem {
  row: number;
  code: string | null;
  message: string;
}
export interface CatalogImportResponse {
  categories: AdminCategoryView[];
  /** categories of the file that replaced / were added to the catalog */
  loaded: number;
}

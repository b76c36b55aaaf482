/**
 * Request/response contracts shared by the services and the front ends.
 * Every route below is reached by the browser under the shell's origin as /api/<service>/...
 * Errors always have the shape ApiError with a Chinese message.
 */
import { z } from 'zod';

export type Role = 'CANDIDATE' | 'SITE_REVIEWER' | 'DISTRICT_REVIEWER' | 'ADMIN';

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/** Name of the HttpOnly session cookie. */
export const SESSION_COOKIE = 'exam_sid';
/** Name of the readable CSRF cookie; its value must be echoed in the CSRF header on writes. */
export const CSRF_COOKIE = 'exam_csrf';
export const CSRF_HEADER = 'x-csrf-token';

// ---------- identity-service: /api/identity ----------
export const candidateLoginSchema = z.object({
  kind: z.literal('candidate'),
  registrationNo: z.string().trim().min(1, '请输入报名号').max(32, '报名号过长'),
  password: z.string().min(1, '请输入密码').max(128, '密码过长'),
});
export const staffLoginSchema = z.object({
  kind: z.literal('staff'),
  username: z.string().trim().min(1, '请输入用户名').max(64, '用户名过长'),
  password: z.string().min(1, '请输入密码').max(128, '密码过长'),
});
export const loginSchema = z.discriminatedUnion('kind', [candidateLoginSchema, staffLoginSchema]);
export type LoginRequest = z.infer<typeof loginSchema>;

/** Body of POST /api/identity/activate (首次进入：账号激活). */
export const activateSchema = z
  .object({
    registrationNo: z.string({ error: '请输入报名号' }).trim().min(1, '请输入报名号').max(32, '报名号过长'),
    idNumber: z.string({ error: '请输入身份证件号码' }).trim().min(1, '请输入身份证件号码').max(32, '身份证件号码过长'),
    password: z
      .string({ error: '请设置密码' })
      .min(8, '密码至少 8 位，需同时包含字母和数字')
      .max(128, '密码过长')
      .regex(/[A-Za-z]/, '密码至少 8 位，需同时包含字母和数字')
      .regex(/\d/, '密码至少 8 位，需同时包含字母和数字'),
    confirmPassword: z.string({ error: '请再次输入密码' }),
  })
  .refine((v) => v.password === v.confirmPassword, { message: '两次输入的密码不一致', path: ['confirmPassword'] });
export type ActivateRequest = z.infer<typeof activateSchema>;

export interface SessionUser {
  /** user id (candidate id for candidates, staff user id otherwise) */
  id: string;
  role: Role;
  displayName: string;
  districtCode: string;
  /** exam site the user is scoped to (candidates: their site; site reviewers: their site) */
  siteId: string | null;
  siteName: string | null;
}
export interface MeResponse {
  user: SessionUser;
}

// ---------- material-service: /api/material ----------
export type DossierStatus =
  | 'DRAFT'
  | 'PENDING_SITE'
  | 'RETURNED'
  | 'PENDING_DISTRICT'
  | 'APPROVED'
  | 'REJECTED'
  | 'NOT_SUBMITTED';

export type ImageState = 'PROCESSING' | 'READY' | 'REJECTED';
export type WindowState = 'NOT_OPEN' | 'OPEN' | 'CLOSED';

export interface ImageView {
  id: string;
  categoryCode: string;
  state: ImageState;
  /** Chinese reason when state is REJECTED (e.g. 文件已损坏，无法识别为图片) */
  reason: string | null;
  locked: boolean;
  /** authorised URL (same origin) of the thumbnail; null until processed */
  thumbUrl: string | null;
  previewUrl: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  uploadedAt: string;
}

export interface CategoryView {
  code: string;
  name: string;
  description: string;
  minCount: number;
  maxCount: number;
  required: boolean;
  /** 上传 is offered: the category is open (draft in the window, or named in an open return) and below maxCount */
  canUpload: boolean;
  images: ImageView[];
}

export interface DossierResponse {
  examYear: {
    id: string;
    name: string;
    windowStart: string;
    windowEnd: string;
    windowState: WindowState;
  };
  candidate: {
    name: string;
    registrationNo: string;
    candidateType: string;
    candidateTypeLabel: string;
    siteName: string;
    /** masked, e.g. 120***********1234 */
    idNumberMasked: string;
  };
  dossier: { id: string; status: DossierStatus; statusLabel: string };
  categories: CategoryView[];
}

export const uploadFieldsSchema = z.object({
  categoryCode: z.string().trim().min(1, '请选择材料类别').max(32),
});

// ---------- review-service: /api/review ----------
export const candidateListQuerySchema = z.object({
  status: z
    .enum(['DRAFT', 'PENDING_SITE', 'RETURNED', 'PENDING_DISTRICT', 'APPROVED', 'REJECTED', 'NOT_SUBMITTED'])
    .optional(),
  q: z.string().trim().max(64).optional(),
  siteId: z.string().max(64).optional(),
  cursor: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type CandidateListQuery = z.infer<typeof candidateListQuerySchema>;

export interface CandidateListItem {
  candidateId: string;
  dossierId: string;
  registrationNo: string;
  name: string;
  candidateType: string;
  candidateTypeLabel: string;
  siteId: string;
  siteName: string;
  status: DossierStatus;
  statusLabel: string;
  submittedAt: string | null;
}
export interface CandidateListResponse {
  items: CandidateListItem[];
  nextCursor: string | null;
}

export interface SiteProgress {
  siteId: string;
  siteName: string;
  counts: Record<DossierStatus, number>;
  total: number;
}
export interface DistrictProgressResponse {
  sites: SiteProgress[];
}

// ---------- notification-service: /api/notification ----------
export interface InboxMessageView {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}
export interface InboxResponse {
  items: InboxMessageView[];
  unread: number;
}

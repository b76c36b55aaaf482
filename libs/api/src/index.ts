/**
 * Request/response contracts shared by the services and the front ends.
 * Every route below is reached by the browser under the shell's origin as /api/<service>/...
 * Errors always have the shape ApiError with a Chinese message.
 */
import { z } from 'zod';

// The pages' Content-Security-Policy has no 'unsafe-eval' (tools/web-server/src/edge-headers.ts): without this, zod's
// JIT probe `new Function('')` is reported as a CSP violation in every front end (the throw itself is caught).
if (typeof document !== 'undefined') z.config({ jitless: true });

export type Role = 'CANDIDATE' | 'SITE_REVIEWER' | 'DISTRICT_REVIEWER' | 'ADMIN';

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

/** Name of the HttpOnly session cookie over plain http (development); see sessionCookieName. */
export const SESSION_COOKIE = 'exam_sid';
/** Name of the readable CSRF cookie; its value must be echoed in the CSRF header on writes. */
export const CSRF_COOKIE = 'exam_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/**
 * Header of POST /api/material/images: a key the client makes once per chosen file (8–64 of A–Z a–z 0–9 _ -) and
 * sends again on every retry of that upload. The server stores the image once per key and dossier and answers a
 * repeated key with the first result (201 and the same image), so a retry after a dropped connection never stores
 * the image twice.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/**
 * With COOKIE_SECURE the cookies carry the `__Host-` prefix: the browser then accepts them only with
 * Secure, Path=/ and no Domain, so no sibling subdomain can plant or overwrite them.
 */
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);
export const csrfCookieName = (secure: boolean) => (secure ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE);

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

/** The password rule every form shows (the server also refuses common passwords and ones built from the 报名号 or ID number). */
export const PASSWORD_RULE_MESSAGE = '密码至少 8 位，需同时包含字母和数字';
export const newPasswordSchema = z
  .string({ error: '请设置密码' })
  .min(8, PASSWORD_RULE_MESSAGE)
  .max(128, '密码过长')
  .regex(/[A-Za-z]/, PASSWORD_RULE_MESSAGE)
  .regex(/\d/, PASSWORD_RULE_MESSAGE);

const registrationNoField = z.string({ error: '请输入报名号' }).trim().min(1, '请输入报名号').max(32, '报名号过长');
const idNumberField = z
  .string({ error: '请输入身份证件号码' })
  .trim()
  .min(1, '请输入身份证件号码')
  .max(32, '身份证件号码过长');
/** A 6-digit code sent by SMS (activation, password reset) or shown by an authenticator app (TOTP). */
export const otpCodeField = z
  .string({ error: '请输入验证码' })
  .trim()
  .regex(/^\d{6}$/, '请输入 6 位数字验证码');

/**
 * Body of POST /api/identity/activate/code and /api/identity/password-reset/code: who asks for a code.
 * The answer is SmsCodeSent (the code goes to the phone number on file, never to one given here).
 */
export const smsCodeRequestSchema = z.object({ registrationNo: registrationNoField, idNumber: idNumberField });
export type SmsCodeRequest = z.infer<typeof smsCodeRequestSchema>;
export interface SmsCodeSent {
  /** the phone on file, masked: 138****5678 */
  phone: string;
  /** the code expires after this many seconds (300) */
  expiresInSeconds: number;
  /** a new code may be asked for after this many seconds (60) */
  resendInSeconds: number;
}

const confirmPasswordField = z.string({ error: '请再次输入密码' });
const passwordsMatch = (v: { password: string; confirmPassword: string }) => v.password === v.confirmPassword;
const mismatch = { message: '两次输入的密码不一致', path: ['confirmPassword'] };

/** Body of POST /api/identity/activate (首次进入：账号激活) — proves possession of the phone on file with its SMS code. */
export const activateSchema = z
  .object({
    registrationNo: registrationNoField,
    idNumber: idNumberField,
    code: otpCodeField,
    password: newPasswordSchema,
    confirmPassword: confirmPasswordField,
  })
  .refine(passwordsMatch, mismatch);
export type ActivateRequest = z.infer<typeof activateSchema>;

/** Body of POST /api/identity/password-reset (找回密码): same proof as activation, for an activated account. */
export const passwordResetSchema = activateSchema;
export type PasswordResetRequest = ActivateRequest;

/**
 * Staff login is two steps or more: after the right password the answer is a LoginStep (and an HttpOnly
 * pending-login cookie), not a session. TOTP: the authenticator code (or a recovery code);
 * TOTP_ENROLL: first login, scan `otpauthUrl` (or type `secret`) and confirm with a code;
 * CHANGE_PASSWORD: an admin reset the password, choose a new one.
 */
export type LoginStepName = 'TOTP' | 'TOTP_ENROLL' | 'CHANGE_PASSWORD';
export interface LoginStep {
  step: LoginStepName;
  /** only for TOTP_ENROLL */
  enrollment?: { secret: string; otpauthUrl: string };
}
/** What POST /api/identity/login and the /login/* steps answer: a session (MeResponse) or the next step. */
export type LoginResponse = MeResponse | LoginStep;
export const isLoginStep = (r: LoginResponse): r is LoginStep => 'step' in r;

/** Body of POST /api/identity/login/totp: the authenticator's 6 digits, or one recovery code. */
export const totpLoginSchema = z.union([
  z.object({ code: otpCodeField }),
  z.object({
    recoveryCode: z
      .string({ error: '请输入恢复码' })
      .trim()
      .regex(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/, '恢复码格式不正确（如 ABCD-EFGH-JKLM）'),
  }),
]);
export type TotpLoginRequest = z.infer<typeof totpLoginSchema>;

/** Body of POST /api/identity/login/totp-enroll: the first code the authenticator app shows. */
export const totpEnrollSchema = z.object({ code: otpCodeField });
export type TotpEnrollRequest = z.infer<typeof totpEnrollSchema>;
/** Answer of POST /api/identity/login/totp-enroll: the recovery codes, shown once, and what comes next. */
export type TotpEnrollResponse = LoginResponse & { recoveryCodes: string[] };

/** Body of POST /api/identity/login/password (CHANGE_PASSWORD step). */
export const changePasswordSchema = z
  .object({ password: newPasswordSchema, confirmPassword: confirmPasswordField })
  .refine(passwordsMatch, mismatch);
export type ChangePasswordRequest = z.infer<typeof changePasswordSchema>;

export interface SessionUser {
  /** user id (candidate id for candidates, staff user id otherwise) */
  id: string;
  role: Role;
  displayName: string;
  /** staff: the login name (shown in the reviewers' watermark) */
  username?: string;
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
  /** Chinese reason when state is REJECTED (e.g. 文件已损坏，无法识别为图片), or the pipeline's warning when READY */
  reason: string | null;
  /**
   * What the pipeline noticed on a READY image that does not make it 不合格 (e.g. UNCLEAR 图片可能不清晰):
   * shown on the tile with 重新上传 next to it, and listed once more before 提交审核.
   */
  warnings: { code: string; label: string }[];
  locked: boolean;
  /** the reviewer's reason when this image was sent back (退回补充) and may be replaced now, else null */
  returnReason: string | null;
  /** authorised URL (same origin) of the thumbnail; null until processed */
  thumbUrl: string | null;
  previewUrl: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  uploadedAt: string;
}

/** One material category as it applies to a candidate (Attachment 1), the same for candidates and reviewers. */
export interface CategoryInfo {
  code: string;
  name: string;
  description: string;
  minCount: number;
  maxCount: number;
  required: boolean;
}

export interface CategoryView extends CategoryInfo {
  /** 上传 is offered: the category is open (draft in the window, or named in an open return) and below maxCount */
  canUpload: boolean;
  /** the reviewer's reason when the whole category was asked for (材料缺失 / add an image), else null */
  returnReason: string | null;
  images: ImageView[];
  /** the district's 示例 example image (authorised, same origin), shown in the 示例 and upload dialogs; null: none */
  exampleImageUrl: string | null;
}

/** The open 退回补充 the candidate must answer. */
export interface CandidateReturnView {
  /** ISO instant; shown in Beijing time with a countdown */
  deadline: string;
  createdAt: string;
  message: string | null;
  items: { imageId: string | null; categoryCode: string; categoryName: string; reason: string }[];
}

/** The published result (only after 发布结果). */
export interface CandidateResultView {
  status: 'APPROVED' | 'REJECTED';
  label: string;
  /** why, when 审核不通过 */
  reason: string | null;
  publishedAt: string;
}

export interface DossierResponse {
  examYear: {
    id: string;
    name: string;
    windowStart: string;
    windowEnd: string;
    windowState: WindowState;
    /** the district's 提示 notices (paragraphs) shown on the upload page */
    notices: string[];
    /** the district's 材料说明 PDF (authorised, same origin); null: none uploaded */
    guideUrl: string | null;
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
  /** the state the candidate may see: a decision reads 审核中 (status PENDING_DISTRICT) until it is published */
  dossier: { id: string; status: DossierStatus; statusLabel: string; submittedAt: string | null };
  /** set while the dossier is RETURNED and its return is open */
  openReturn: CandidateReturnView | null;
  /** set once the result is published */
  result: CandidateResultView | null;
  categories: CategoryView[];
}

/** Answer of POST /api/material/dossier/submit. */
export interface SubmitResponse {
  dossier: { id: string; status: DossierStatus; statusLabel: string };
  /** 上报完成，内容已锁定 */
  message: string;
}

export const uploadFieldsSchema = z.object({
  categoryCode: z.string().trim().min(1, '请选择材料类别').max(32),
});

// ---------- review-service: /api/review ----------
const boolParam = z.enum(['true', 'false'], { error: '参数应为 true 或 false' }).transform((v) => v === 'true');

export const CANDIDATE_TYPES = ['GRADUATE', 'FRESH_GRADUATE', 'ASSISTANT_UPGRADE', 'TCM_MENTORSHIP'] as const;
/** How a dossier reached district review (its last transition). */
export const DISTRICT_VIA = ['SITE_PASS', 'SITE_PROPOSE_REJECT', 'RESUBMIT', 'RETURN_EXPIRED'] as const;
export type DistrictVia = (typeof DISTRICT_VIA)[number];

export const candidateListQuerySchema = z.object({
  status: z
    .enum(['DRAFT', 'PENDING_SITE', 'RETURNED', 'PENDING_DISTRICT', 'APPROVED', 'REJECTED', 'NOT_SUBMITTED'], { error: '状态参数无效' })
    .optional(),
  q: z.string().trim().max(64).optional(),
  siteId: z.string().max(64).optional(),
  candidateType: z.enum(CANDIDATE_TYPES, { error: '考生类型参数无效' }).optional(),
  /** 截止自动提交 only */
  autoSubmitted: boolParam.optional(),
  /** only dossiers with this pipeline warning */
  warning: z.enum(['UNCLEAR', 'REUSED'], { error: '预警参数无效' }).optional(),
  /** district queue: how it got there */
  via: z.enum(DISTRICT_VIA, { error: '来源参数无效' }).optional(),
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
  autoSubmitted: boolean;
  proposedRejection: boolean;
  hasUnclear: boolean;
  hasReused: boolean;
  /** the last transition's action (libs/domain TransitionAction), e.g. RESUBMIT */
  lastAction: string | null;
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

/** GET /api/review/site/counts and /district/counts: dossiers per status in the caller's scope. */
export interface StatusCountsResponse {
  counts: Record<DossierStatus, number>;
  total: number;
}

// ---------- review-service: one dossier (both review remotes) ----------
export type ReviewMarkValue = 'OK' | 'NEEDS_REPLACEMENT';
export type ReviewLevel = 'SITE' | 'DISTRICT';
export type ReviewDecisionKind = 'PASS' | 'RETURN' | 'PROPOSE_REJECT' | 'APPROVE' | 'REJECT';

export interface ReviewMarkView {
  level: ReviewLevel;
  mark: ReviewMarkValue;
  reasonCode: string | null;
  /** preset label + free text, e.g. 模糊不清：请重新拍摄 */
  reason: string | null;
  reviewerName: string;
  at: string;
}

export interface ReviewImageView {
  id: string;
  categoryCode: string;
  state: ImageState;
  /** watermarked, authorised URLs (same origin) */
  thumbUrl: string | null;
  previewUrl: string | null;
  originalUrl: string;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  uploadedAt: string;
  /** pipeline warnings, e.g. [{ code: 'UNCLEAR', label: '图片可能不清晰' }] */
  warnings: { code: string; label: string }[];
  /** REUSED: the similar image of another candidate (dossierId only when the caller may open it) */
  reusedFrom: { dossierId: string | null; registrationNo: string; candidateName: string; siteName: string } | null;
  /** uploaded after the latest return: a replacement the candidate made */
  replacement: boolean;
  /** marks of earlier decisions, newest first */
  marks: ReviewMarkView[];
}

export interface ReviewCategoryView extends CategoryInfo {
  images: ReviewImageView[];
}

export interface ReviewHistoryEntry {
  at: string;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus;
  toLabel: string;
  /** e.g. 考点退回补充 */
  actionLabel: string;
  /** 考生 / 系统 / the reviewer's display name */
  actorName: string;
  reason: string | null;
}

export interface ReviewReturnView {
  level: ReviewLevel;
  deadline: string;
  createdAt: string;
  closedAt: string | null;
  message: string | null;
  items: { imageId: string | null; categoryCode: string; categoryName: string; reason: string }[];
}

export interface ReviewDossierResponse {
  dossier: {
    id: string;
    status: DossierStatus;
    statusLabel: string;
    /** send it back with a decision: a decision against a newer version is refused */
    version: number;
    autoSubmitted: boolean;
    proposedRejection: boolean;
    lastAction: string | null;
    submittedAt: string | null;
    publishedAt: string | null;
  };
  candidate: {
    id: string;
    name: string;
    registrationNo: string;
    candidateType: string;
    candidateTypeLabel: string;
    /** 120***********1234; the full number only through POST .../id-number (audited) */
    idNumberMasked: string;
    phone: string | null;
    email: string | null;
    unitName: string;
    unitPhone: string | null;
    unitEmail: string | null;
    siteId: string;
    siteName: string;
  };
  examYear: { id: string; name: string; returnWindowHours: number };
  categories: ReviewCategoryView[];
  /** returns of this dossier, newest first */
  returns: ReviewReturnView[];
  history: ReviewHistoryEntry[];
  /** decisions the caller may take now (empty: read only) */
  allowedDecisions: ReviewDecisionKind[];
  /** default return deadline if a return were made now (ISO) */
  defaultReturnDeadline: string;
}

/** Preset reasons (code → label), same list for both levels. */
export interface ReviewReasonOption {
  code: string;
  label: string;
}

const uuidField = (what: string) => z.uuid(`${what}无效`);
const reasonFields = {
  reasonCode: z.string().trim().max(32).nullish(),
  reasonText: z.string().trim().max(500, '说明最多 500 字').nullish(),
};

/** POST /api/review/dossiers/:id/decision */
export const reviewDecisionSchema = z.object({
  decision: z.enum(['PASS', 'RETURN', 'PROPOSE_REJECT', 'APPROVE', 'REJECT'], { error: '请选择审核决定' }),
  /** the dossier version the reviewer looked at */
  version: z.number({ error: '缺少版本号，请刷新后重试' }).int().min(0),
  marks: z
    .array(z.object({ imageId: uuidField('图片'), mark: z.enum(['OK', 'NEEDS_REPLACEMENT'], { error: '标记无效' }), ...reasonFields }))
    .max(100)
    .default([]),
  missing: z.array(z.object({ categoryCode: z.string().trim().min(1).max(32), ...reasonFields })).max(50).default([]),
  /** why (required for 建议不通过 / 审核不通过); shown to the candidate with a published 审核不通过 */
  comment: z.string().trim().max(1000, '说明最多 1000 字').nullish(),
  /** RETURN only: ISO instant; default now + the exam year's return window */
  returnDeadline: z.iso.datetime({ offset: true, error: '补充截止时间格式无效' }).nullish(),
});
export type ReviewDecisionRequest = z.input<typeof reviewDecisionSchema>;

export interface ReviewDecisionResponse {
  dossier: { id: string; status: DossierStatus; statusLabel: string; version: number };
}

/** POST /api/review/queue/next: the next dossier of the caller's queue, kept for them for a few minutes. */
export const queueNextSchema = z.object({
  /** the dossier the reviewer leaves (never handed out again to them right away) */
  skip: z.uuid('参数无效').optional(),
  /** district queue: one site only */
  siteId: z.uuid('考点参数无效').optional(),
});
export interface QueueNextResponse {
  /** null: nothing waits at this level (or everything left is being reviewed by others) */
  dossierId: string | null;
}

/** POST /api/review/dossiers/:id/id-number (audited) */
export interface IdNumberResponse {
  idNumber: string;
}

/** GET /api/review/district/publication */
export interface PublicationStatusResponse {
  /** decided (APPROVED/REJECTED) and not yet published */
  decidedUnpublished: number;
  /** still under review or waiting for the candidate (PENDING_SITE, PENDING_DISTRICT, RETURNED) */
  open: number;
  published: number;
  lastPublishedAt: string | null;
}

/** POST /api/review/district/publish: `confirmOpen` must equal the open count when any is open. */
export const publishSchema = z.object({
  examYearId: z.uuid('考试年度参数无效').optional(),
  confirmOpen: z.number().int().min(0).default(0),
});
export interface PublishResponse {
  published: number;
  open: number;
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
  /** pass as `?cursor=` for the next (older) page; null on the last page */
  nextCursor: string | null;
}
/** GET /api/notification/inbox/unread: what the header badge shows (polled while the page is visible). */
export interface InboxUnreadResponse {
  unread: number;
}
/** Query of GET /api/notification/inbox: an opaque cursor from the previous page. */
export const inboxQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, '分页参数不正确')
    .optional(),
});

// ---------- 考点与账号 (sites and staff) and the roster import screen ----------
export * from './admin-staff.js';

// ---------- 通知发送状态 (the district's delivery status and re-send) ----------
export * from './notification-status.js';

// ---------- 通知设置 (the candidate's notification preferences) ----------
export * from './notification-preferences.js';

// ---------- results API (registration system) and admin exports: results-api.ts ----------
export * from './results-api.js';

// ---------- signed launch link from the registration system (【上传相关材料】): launch-link.ts ----------
export * from './launch-link.js';

// ---------- 运维 (queue dashboard and audit-log search): operations.ts ----------
export * from './operations.js';

// ---------- 考试年度与材料目录 (exam years, 提示, 材料说明, catalog and 示例 images): admin-year-catalog.ts ----------
export * from './admin-year-catalog.js';

/**
 * Contracts of the district admin's 考点与账号 (sites and staff accounts, /api/identity/admin/*) and of the
 * 报名数据导入 screen (the roster import answers of /api/review/admin/roster-imports).
 */
import { z } from 'zod';

// ---------- identity-service: /api/identity/admin ----------

/** An exam year of the admin's district (the roster import screen's year picker). GET /admin/exam-years */
export interface AdminExamYearView {
  id: string;
  code: string;
  name: string;
  uploadStart: string;
  uploadEnd: string;
}
export interface AdminExamYearsResponse {
  years: AdminExamYearView[];
}

/** GET /admin/sites */
export interface AdminSiteView {
  id: string;
  code: string;
  name: string;
  createdAt: string;
  /** staff accounts (any status) tied to this site */
  reviewerCount: number;
}
export interface AdminSitesResponse {
  sites: AdminSiteView[];
}

export const SITE_CODE_RULE = '考点代码为 1–16 位字母、数字、下划线或连字符';
const siteNameField = z
  .string({ error: '请输入考点名称' })
  .trim()
  .min(1, '请输入考点名称')
  .max(64, '考点名称不能超过 64 个字');

/** POST /admin/sites: the code is unique within the district. */
export const createSiteSchema = z.object({
  code: z
    .string({ error: '请输入考点代码' })
    .trim()
    .min(1, '请输入考点代码')
    .max(16, SITE_CODE_RULE)
    .regex(/^[A-Za-z0-9_-]+$/, SITE_CODE_RULE),
  name: siteNameField,
});
export type CreateSiteRequest = z.infer<typeof createSiteSchema>;

/** PATCH /admin/sites/:id (改名) */
export const renameSiteSchema = z.object({ name: siteNameField });
export type RenameSiteRequest = z.infer<typeof renameSiteSchema>;

export const STAFF_ROLES = ['SITE_REVIEWER', 'DISTRICT_REVIEWER', 'ADMIN'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** The roles an admin may create accounts for. */
export const CREATABLE_STAFF_ROLES = ['SITE_REVIEWER', 'DISTRICT_REVIEWER'] as const;
export type CreatableStaffRole = (typeof CREATABLE_STAFF_ROLES)[number];
export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  SITE_REVIEWER: '考点审核员',
  DISTRICT_REVIEWER: '考区审核员',
  ADMIN: '考区管理员',
};

/** 正常 / 已停用 / 待改密 (a new or reset account that has not set its own password yet). */
export type StaffStatus = 'ACTIVE' | 'DISABLED' | 'MUST_CHANGE_PASSWORD';
export const STAFF_STATUS_LABELS: Record<StaffStatus, string> = {
  ACTIVE: '正常',
  DISABLED: '已停用',
  MUST_CHANGE_PASSWORD: '待改密',
};

export interface StaffAccountView {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  siteId: string | null;
  siteName: string | null;
  status: StaffStatus;
  disabledAt: string | null;
  mustChangePassword: boolean;
  /** the authenticator app is bound (false: enrolment at the next login) */
  totpEnrolled: boolean;
  createdAt: string;
  /** the calling admin's own account (cannot be disabled by themselves) */
  self: boolean;
}
export interface StaffListResponse {
  accounts: StaffAccountView[];
}

/** GET /admin/staff?role=&siteId=&status= */
export const staffListQuerySchema = z.object({
  role: z.enum(STAFF_ROLES, '角色参数无效').optional(),
  siteId: z.uuid('考点参数无效').optional(),
  status: z.enum(['active', 'disabled', 'all'], '状态参数无效').default('all'),
});
export type StaffListQuery = z.input<typeof staffListQuerySchema>;

export const USERNAME_RULE = '用户名为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头';
const usernameField = z
  .string({ error: '请输入用户名' })
  .trim()
  .min(3, USERNAME_RULE)
  .max(32, USERNAME_RULE)
  .regex(/^[a-z][a-z0-9._-]+$/, USERNAME_RULE);
const displayNameField = z
  .string({ error: '请输入姓名' })
  .trim()
  .min(1, '请输入姓名')
  .max(32, '姓名不能超过 32 个字');

/** POST /admin/staff: a site reviewer names one site of the district; a district reviewer none. */
export const createStaffSchema = z.discriminatedUnion(
  'role',
  [
    z.object({
      role: z.literal('SITE_REVIEWER'),
      username: usernameField,
      displayName: displayNameField,
      siteId: z.uuid('请选择考点'),
    }),
    z.object({ role: z.literal('DISTRICT_REVIEWER'), username: usernameField, displayName: displayNameField }),
  ],
  { error: '请选择角色：考点审核员或考区审核员' },
);
export type CreateStaffRequest = z.infer<typeof createStaffSchema>;

/**
 * Answer of POST /admin/staff and POST /admin/staff/:id/reset-password: the one-time password, shown to the admin
 * once (it is stored only hashed); the account must set its own password at its next login.
 */
export interface OneTimePasswordResponse {
  account: StaffAccountView;
  oneTimePassword: string;
}
/** Answer of the other account actions (reset-totp, disable, enable). */
export interface StaffAccountResponse {
  account: StaffAccountView;
  /** sessions of the account ended by this action */
  sessionsEnded: number;
}

// ---------- review-service: /api/review/admin/roster-imports (the roster import screen) ----------

/** Counts of a dry run or an import (libs/roster RosterCounts). */
export interface RosterCountsView {
  /** good rows */
  rows: number;
  new: number;
  unchanged: number;
  changed: number;
  /** rows refused: bad data, or a candidate already submitted */
  refused: number;
}
export interface RosterBadRowView {
  /** row number in the file (the header is row 1) */
  row: number;
  registrationNo: string | null;
  reasons: string[];
}
export interface RosterReportView {
  counts: RosterCountsView;
  badRowsTotal: number;
  /** one page (offset/limit of the request) */
  badRows: RosterBadRowView[];
  changesTotal: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}
/** field -> the file's column header (null: not imported) */
export type RosterMappingView = Record<string, string | null>;
/**
 * Details of the 422 ROSTER_MAPPING_INCOMPLETE answer (upload or dry run with columns missing): the import exists,
 * the screen shows the mapping step with these and sends a corrected mapping to /:id/dry-run.
 */
export interface RosterMappingProblemDetails {
  importId: string;
  headers: string[];
  mapping: RosterMappingView;
  missing: string[];
  problems: string[];
}
/** POST /admin/roster-imports and POST /admin/roster-imports/:id/dry-run */
export interface RosterUploadResponse {
  importId: string;
  headers: string[];
  mapping: RosterMappingView;
  dryRun: RosterReportView | null;
}
export type RosterJobState = 'not-started' | 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'prioritized' | 'waiting-children' | 'unknown';
/** GET /admin/roster-imports/:id?offset=&limit= */
export interface RosterStatusResponse {
  importId: string;
  examYearId: string;
  fileName: string;
  format: string;
  createdAt: string;
  headers: string[];
  mapping: RosterMappingView;
  dryRun: RosterReportView | null;
  job: { jobId: string; state: RosterJobState; progress: number; failedReason?: string };
  result: RosterReportView | null;
}

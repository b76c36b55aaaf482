/**
 * Retention of personal data (hardening items 6 and 10). The defaults are what the workers use when the
 * environment does not say otherwise (RAW_UPLOAD_RETENTION_DAYS, AUDIT_RETENTION_DAYS).
 */
/** Days the bytes of a rejected or deleted image are kept before the purge job removes them (the row stays). */
export const RAW_UPLOAD_RETENTION_DAYS = 7;
/** The audit log is kept at least 6 months (DESIGN §10); the database refuses to delete younger rows. */
export const AUDIT_RETENTION_MIN_DAYS = 180;
/** Default audit retention: 3 years. */
export const AUDIT_RETENTION_DAYS = 1095;

export interface RetentionSettings {
  rawUploadDays: number;
  auditDays: number;
}
export const DEFAULT_RETENTION: RetentionSettings = Object.freeze({ rawUploadDays: RAW_UPLOAD_RETENTION_DAYS, auditDays: AUDIT_RETENTION_DAYS });

/** Refuses an audit retention shorter than the 180-day minimum (a configuration mistake, not a user error). */
export function assertAuditRetention(days: number): void {
  if (!Number.isInteger(days) || days < AUDIT_RETENTION_MIN_DAYS) {
    throw new Error(`audit retention must be a whole number of days >= ${AUDIT_RETENTION_MIN_DAYS}, got ${days}`);
  }
}

export const DAY_MS = 24 * 3600_000;

import { sanitizeAuditDetails } from '@exam/auth';
import { DomainError } from '@exam/domain';

/** Shown instead of a redacted value. */
export const REDACTED = '[已隐藏]';

/**
 * Detail keys never shown to the admin, whatever the writer put there: ID numbers, passwords, verification and
 * TOTP/recovery codes, tokens, secrets, cookies. (writeAudit drops most of them already; rows written before it did,
 * or by hand, are redacted here too.)
 */
const SENSITIVE_KEY =
  /password|passwd|idnumber|id_number|idcard|id_card|token|secret|cookie|authorization|totp|recovery|^(code|otp|pin|captcha|smscode|verifycode|verificationcode)$/i;

/**
 * An audit row's details as the admin may see them: sensitive keys replaced by REDACTED, ID-number-like strings
 * masked (sanitizeAuditDetails), and the typed account of a failed login for an account that does not exist hidden
 * (people type their password into the account field).
 */
export function redactAuditDetails(details: unknown): Record<string, unknown> | null {
  if (details === null || details === undefined) return null;
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 5) return '[TRUNCATED]';
    if (Array.isArray(value)) return value.slice(0, 100).map((v) => walk(v, depth + 1));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) ? REDACTED : walk(v, depth + 1);
      return out;
    }
    return sanitizeAuditDetails(value);
  };
  const shown = walk(details, 0);
  if (!shown || typeof shown !== 'object' || Array.isArray(shown)) return { value: shown };
  const obj = shown as Record<string, unknown>;
  if (obj.reason === 'unknown_account' && 'account' in obj) obj.account = REDACTED;
  return obj;
}

/** The last row of a page, in the list's order (at, id): an opaque URL-safe cursor. */
export interface AuditCursor {
  at: Date;
  id: bigint;
}

export function encodeAuditCursor(c: AuditCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id.toString()}`, 'utf8').toString('base64url');
}

export function decodeAuditCursor(raw: string): AuditCursor {
  const [at = '', id = ''] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || !/^\d{1,19}$/.test(id)) throw new DomainError('BAD_CURSOR', '分页参数不正确，请刷新后重试', 400);
  return { at: time, id: BigInt(id) };
}

/** `identity.*` → the LIKE pattern `identity.%` (LIKE's own wildcards in the prefix escaped); null for an exact action. */
export function actionPrefixPattern(action: string): string | null {
  if (!action.endsWith('.*')) return null;
  return `${action.slice(0, -1).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

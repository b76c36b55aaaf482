export { hashPassword, verifyPassword, needsRehash, SCRYPT_PARAMS, type ScryptParams } from './password.js';
export { encryptIdNumber, decryptIdNumber, hashIdNumber, idNumberHashEquals } from './pii.js';
export type { AuthContext, Principal } from './auth-context.js';
export {
  createSessionService,
  candidateSessionUser,
  staffSessionUser,
  type SessionService,
  type SessionServiceOptions,
  type NewSession,
  type CandidateWithScope,
  type UserWithScope,
  sessionIdOf,
} from './session.service.js';
export {
  authMiddleware,
  requireAuth,
  requireRole,
  setSessionCookies,
  clearSessionCookies,
  sessionAuth,
  type AuthMiddlewareOptions,
  type SessionSettings,
} from './auth.middleware.js';
export { assertCanAccessCandidate, candidateScopeWhere, type CandidateScopeTarget } from './scope.js';
export { createLoginThrottle, type LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
export { isLocked, lockMinutesLeft, failureUpdate, ACCOUNT_LOCK, throttledError } from './account-lock.js';
export { writeAudit, writeAudits, sanitizeAuditDetails, auditActor, type AuditEntry, type AuditWriter } from './audit.js';

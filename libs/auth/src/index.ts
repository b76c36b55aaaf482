export { hashPassword, verifyPassword, needsRehash, SCRYPT_PARAMS, type ScryptParams } from './password.js';
export {
  encryptIdNumber,
  decryptIdNumber,
  openIdNumber,
  hashIdNumber,
  idNumberHashEquals,
  buildIdKeyring,
  loadIdKeyring,
  LEGACY_KEY_ID,
  type IdKeyring,
  type IdKeyringInput,
  type OpenedIdNumber,
} from './pii.js';
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
  sessionToken,
  sessionAuth,
  type AuthMiddlewareOptions,
  type SessionSettings,
} from './auth.middleware.js';
export { assertCanAccessCandidate, candidateScopeWhere, type CandidateScopeTarget } from './scope.js';
export {
  createAuthThrottle,
  throttledError,
  type AuthAction,
  type AuthAttempt,
  type AuthThrottle,
  type AuthThrottleOptions,
  type AttemptInput,
  type ThrottleAlert,
} from './auth-throttle.js';
export { createDeviceTrust, type DeviceTrust } from './device-trust.js';
export { assertAcceptablePassword, type PasswordContext } from './password-policy.js';
export {
  newTotpSecret,
  totpUri,
  verifyTotp,
  newRecoveryCodes,
  hashRecoveryCode,
  sealTotpSecret,
  openTotpSecret,
} from './second-factor.js';
export { writeAudit, writeAudits, sanitizeAuditDetails, auditActor, type AuditEntry, type AuditWriter } from './audit.js';
export {
  parseLaunchKeys,
  canonicalLaunchString,
  signLaunchLink,
  launchLinkParams,
  buildLaunchUrl,
  verifyLaunchLink,
  launchNonceTtlSeconds,
  LAUNCH_LINK_VERSION,
  LAUNCH_LINK_MAX_LIFETIME_SECONDS,
  LAUNCH_LINK_CLOCK_SKEW_SECONDS,
  type LaunchLinkFields,
  type LaunchLinkParams,
  type LaunchKeyring,
  type LaunchRefusal,
  type LaunchVerification,
} from './launch-link.js';
// the results API's request signature (docs/INTEGRATION.md §2): verified by review-service, made by its clients
export {
  EMPTY_BODY_SHA256,
  canonicalQuery,
  canonicalString,
  signRequest,
  signatureMatches,
  type SignedRequestParts,
} from './results-api-signature.js';

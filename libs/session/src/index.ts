export { ApiClientError, UNAUTHORIZED_EVENT, apiFetch, isApiClientError, readCookie, withQuery, type ApiFetchInit } from './api-client';
export { LOGIN_STEP_REQUIRED, readLoginAnswer, type LoginAnswer } from './login-answer';
export {
  ACTIVATE_CODE_PATH,
  ACTIVATE_PATH,
  LOGIN_PASSWORD_PATH,
  LOGIN_PATH,
  LOGIN_TOTP_ENROLL_PATH,
  LOGIN_TOTP_PATH,
  LOGOUT_PATH,
  ME_PATH,
  PASSWORD_RESET_CODE_PATH,
  PASSWORD_RESET_PATH,
  SessionProvider,
  useSession,
  type SessionContextValue,
  type SessionProviderProps,
  type SessionStatus,
} from './session-context';
export { SessionGate, type SessionGateProps } from './session-gate';

export { ApiClientError, UNAUTHORIZED_EVENT, apiFetch, isApiClientError, readCookie, withQuery, type ApiFetchInit } from './api-client';
export {
  ACTIVATE_PATH,
  LOGIN_PATH,
  LOGOUT_PATH,
  ME_PATH,
  SessionProvider,
  useSession,
  type SessionContextValue,
  type SessionProviderProps,
  type SessionStatus,
} from './session-context';
export { SessionGate, type SessionGateProps } from './session-gate';

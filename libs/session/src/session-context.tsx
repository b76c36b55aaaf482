import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ActivateRequest, LoginRequest, MeResponse, SessionUser } from '@exam/api';
import { ApiClientError, UNAUTHORIZED_EVENT, apiFetch } from './api-client';

export type SessionStatus = 'loading' | 'authenticated' | 'anonymous';

export interface SessionContextValue {
  status: SessionStatus;
  user: SessionUser | null;
  /** Set when `/api/identity/me` failed for a reason other than "not logged in" (e.g. the service is down). */
  error: ApiClientError | null;
  /** Logs in and returns the user; throws ApiClientError with the server's Chinese message. */
  login(request: LoginRequest): Promise<SessionUser>;
  /**
   * First entry (首次进入): activates the candidate account with 报名号 + 身份证件号码 + a new password.
   * The server logs the candidate in; resolves to the user like `login`. Throws ApiClientError
   * (ACTIVATION_FAILED, ALREADY_ACTIVATED, LOGIN_THROTTLED, ...) with the server's Chinese message.
   */
  activate(request: ActivateRequest): Promise<SessionUser>;
  logout(): Promise<void>;
  /** Reloads the user from the server. */
  refresh(): Promise<SessionUser | null>;
}

const SessionContext = createContext<SessionContextValue | null>(null);
SessionContext.displayName = 'ExamSessionContext';

export const ME_PATH = '/api/identity/me';
export const LOGIN_PATH = '/api/identity/login';
export const LOGOUT_PATH = '/api/identity/logout';
export const ACTIVATE_PATH = '/api/identity/activate';

export interface SessionProviderProps {
  children: ReactNode;
  /** Skips the initial `/me` request (tests, storybook-like pages). */
  initialUser?: SessionUser | null;
}

export function SessionProvider({ children, initialUser }: SessionProviderProps) {
  const [user, setUser] = useState<SessionUser | null>(initialUser ?? null);
  const [status, setStatus] = useState<SessionStatus>(initialUser === undefined ? 'loading' : initialUser ? 'authenticated' : 'anonymous');
  const [error, setError] = useState<ApiClientError | null>(null);

  const apply = useCallback((next: SessionUser | null) => {
    setUser(next);
    setStatus(next ? 'authenticated' : 'anonymous');
  }, []);

  const refresh = useCallback(async (): Promise<SessionUser | null> => {
    try {
      const me = await apiFetch<MeResponse>(ME_PATH);
      setError(null);
      apply(me.user);
      return me.user;
    } catch (e) {
      const err = e instanceof ApiClientError ? e : new ApiClientError(0, 'UNKNOWN', '服务暂时不可用，请稍后重试', e);
      setError(err.status === 401 ? null : err);
      apply(null);
      return null;
    }
  }, [apply]);

  useEffect(() => {
    if (initialUser === undefined) void refresh();
  }, [initialUser, refresh]);

  useEffect(() => {
    const onUnauthorized = () => apply(null);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [apply]);

  /** POSTs credentials to an endpoint that answers `{ user }` plus session cookies, and adopts that user. */
  const startSession = useCallback(
    async (path: string, body: LoginRequest | ActivateRequest, failure: { code: string; message: string }): Promise<SessionUser> => {
      const res = await apiFetch<Partial<MeResponse> | undefined>(path, { method: 'POST', json: body });
      const user = res?.user ?? (await refresh());
      if (!user) throw new ApiClientError(500, failure.code, failure.message);
      setError(null);
      apply(user);
      return user;
    },
    [apply, refresh],
  );

  const login = useCallback(
    (request: LoginRequest) => startSession(LOGIN_PATH, request, { code: 'LOGIN_FAILED', message: '登录失败，请稍后重试' }),
    [startSession],
  );

  const activate = useCallback(
    (request: ActivateRequest) => startSession(ACTIVATE_PATH, request, { code: 'ACTIVATED_NO_SESSION', message: '账号已激活，请使用报名号和新密码登录' }),
    [startSession],
  );

  const logout = useCallback(async () => {
    try {
      await apiFetch<unknown>(LOGOUT_PATH, { method: 'POST' });
    } finally {
      apply(null);
    }
  }, [apply]);

  const value = useMemo<SessionContextValue>(
    () => ({ status, user, error, login, activate, logout, refresh }),
    [status, user, error, login, activate, logout, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the shell (or of a remote running standalone). Throws outside a SessionProvider. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

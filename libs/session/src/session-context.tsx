import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type {
  ActivateRequest,
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  LoginStep,
  MeResponse,
  PasswordResetRequest,
  SessionUser,
  TotpEnrollRequest,
  TotpEnrollResponse,
  TotpLoginRequest,
} from '@exam/api';
import { ApiClientError, UNAUTHORIZED_EVENT, apiFetch } from './api-client';
import { LOGIN_STEP_REQUIRED, readLoginAnswer } from './login-answer';

export type SessionStatus = 'loading' | 'authenticated' | 'anonymous';

export interface SessionContextValue {
  status: SessionStatus;
  user: SessionUser | null;
  /** Set when `/api/identity/me` failed for a reason other than "not logged in" (e.g. the service is down). */
  error: ApiClientError | null;
  /**
   * Logs in and returns the user; throws ApiClientError with the server's Chinese message.
   * A login that needs another step (staff: TOTP, enrolment, new password) throws LOGIN_STEP_REQUIRED with
   * the LoginStep as `details`; use `startLogin` to go through the steps.
   */
  login(request: LoginRequest): Promise<SessionUser>;
  /**
   * The password step of a login: resolves to MeResponse (the session has started and is adopted) or to the
   * LoginStep to go through next (`verifyTotp`, `enrollTotp`, `setNewPassword`). Throws ApiClientError.
   */
  startLogin(request: LoginRequest): Promise<LoginResponse>;
  /** TOTP step: the authenticator's code or a recovery code. Resolves to MeResponse (adopted) or the next step. */
  verifyTotp(request: TotpLoginRequest): Promise<LoginResponse>;
  /**
   * TOTP_ENROLL step: confirms the new authenticator with its first code. The answer carries the recovery
   * codes, to be shown before going on, so a user in it is NOT adopted yet: call `completeLogin(answer)`
   * once the codes are saved.
   */
  enrollTotp(request: TotpEnrollRequest): Promise<TotpEnrollResponse>;
  /** CHANGE_PASSWORD step: the new password; resolves to the user, whose session has started. */
  setNewPassword(request: ChangePasswordRequest): Promise<SessionUser>;
  /** Adopts the user of a final login answer (MeResponse); returns null for a LoginStep. */
  completeLogin(answer: LoginResponse): SessionUser | null;
  /**
   * First entry (首次进入): activates the candidate account with 报名号 + 身份证件号码 + the SMS code + a new
   * password. The server logs the candidate in; resolves to the user like `login`. Throws ApiClientError
   * (ACTIVATION_FAILED, ALREADY_ACTIVATED, CODE_INVALID, PASSWORD_WEAK, ...) with the server's Chinese message.
   */
  activate(request: ActivateRequest): Promise<SessionUser>;
  /** 找回密码: same proof as `activate` for an activated account; the server logs the candidate in. */
  resetPassword(request: PasswordResetRequest): Promise<SessionUser>;
  logout(): Promise<void>;
  /** Reloads the user from the server. */
  refresh(): Promise<SessionUser | null>;
}

const SessionContext = createContext<SessionContextValue | null>(null);
SessionContext.displayName = 'ExamSessionContext';

export const ME_PATH = '/api/identity/me';
export const LOGIN_PATH = '/api/identity/login';
export const LOGIN_TOTP_PATH = '/api/identity/login/totp';
export const LOGIN_TOTP_ENROLL_PATH = '/api/identity/login/totp-enroll';
export const LOGIN_PASSWORD_PATH = '/api/identity/login/password';
export const LOGOUT_PATH = '/api/identity/logout';
export const ACTIVATE_PATH = '/api/identity/activate';
export const ACTIVATE_CODE_PATH = '/api/identity/activate/code';
export const PASSWORD_RESET_PATH = '/api/identity/password-reset';
export const PASSWORD_RESET_CODE_PATH = '/api/identity/password-reset/code';

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

  const adopt = useCallback(
    (next: SessionUser) => {
      setError(null);
      apply(next);
      return next;
    },
    [apply],
  );

  /**
   * POSTs one login step and reads the answer: the next step, or `{ user }` (plus session cookies).
   * An answer without either falls back to `/me` (the cookies may be set all the same).
   */
  const postLoginStep = useCallback(
    async <B,>(path: string, body: B, failure: { code: string; message: string }): Promise<LoginResponse> => {
      const answer = readLoginAnswer(await apiFetch<unknown>(path, { method: 'POST', json: body }));
      if (answer.kind === 'step') return answer.step;
      const next = answer.kind === 'user' ? answer.user : await refresh();
      if (!next) throw new ApiClientError(500, failure.code, failure.message);
      return { user: next };
    },
    [refresh],
  );

  /** A step whose final answer starts the session at once. */
  const stepAndAdopt = useCallback(
    async <B,>(path: string, body: B, failure: { code: string; message: string }): Promise<LoginResponse> => {
      const answer = await postLoginStep(path, body, failure);
      if ('user' in answer) adopt(answer.user);
      return answer;
    },
    [postLoginStep, adopt],
  );

  /** For endpoints that only ever answer a session. */
  const startSession = useCallback(
    async <B,>(path: string, body: B, failure: { code: string; message: string }): Promise<SessionUser> => {
      const answer = await stepAndAdopt(path, body, failure);
      if ('user' in answer) return answer.user;
      throw stepRequired(answer);
    },
    [stepAndAdopt],
  );

  const login = useCallback(
    (request: LoginRequest) => startSession(LOGIN_PATH, request, { code: 'LOGIN_FAILED', message: '登录失败，请稍后重试' }),
    [startSession],
  );

  const startLogin = useCallback(
    (request: LoginRequest) => stepAndAdopt(LOGIN_PATH, request, { code: 'LOGIN_FAILED', message: '登录失败，请稍后重试' }),
    [stepAndAdopt],
  );

  const verifyTotp = useCallback(
    (request: TotpLoginRequest) => stepAndAdopt(LOGIN_TOTP_PATH, request, { code: 'LOGIN_FAILED', message: '登录失败，请稍后重试' }),
    [stepAndAdopt],
  );

  const enrollTotp = useCallback(
    async (request: TotpEnrollRequest): Promise<TotpEnrollResponse> => {
      const raw = await apiFetch<unknown>(LOGIN_TOTP_ENROLL_PATH, { method: 'POST', json: request });
      const answer = readLoginAnswer(raw);
      const recoveryCodes = readRecoveryCodes(raw);
      if (answer.kind === 'step') return { ...answer.step, recoveryCodes };
      // the session cookies are set; the user is adopted by completeLogin once the codes are saved
      const next = answer.kind === 'user' ? answer.user : await apiFetch<MeResponse>(ME_PATH).then((me) => me.user);
      return { user: next, recoveryCodes };
    },
    [],
  );

  const setNewPassword = useCallback(
    (request: ChangePasswordRequest) =>
      startSession(LOGIN_PASSWORD_PATH, request, { code: 'LOGIN_FAILED', message: '密码已修改，请使用新密码登录' }),
    [startSession],
  );

  const completeLogin = useCallback(
    (answer: LoginResponse): SessionUser | null => {
      const read = readLoginAnswer(answer);
      return read.kind === 'user' ? adopt(read.user) : null;
    },
    [adopt],
  );

  const activate = useCallback(
    (request: ActivateRequest) =>
      startSession(ACTIVATE_PATH, request, { code: 'ACTIVATED_NO_SESSION', message: '账号已激活，请使用报名号和新密码登录' }),
    [startSession],
  );

  const resetPassword = useCallback(
    (request: PasswordResetRequest) =>
      startSession(PASSWORD_RESET_PATH, request, { code: 'RESET_NO_SESSION', message: '密码已重置，请使用报名号和新密码登录' }),
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
    () => ({
      status,
      user,
      error,
      login,
      startLogin,
      verifyTotp,
      enrollTotp,
      setNewPassword,
      completeLogin,
      activate,
      resetPassword,
      logout,
      refresh,
    }),
    [status, user, error, login, startLogin, verifyTotp, enrollTotp, setNewPassword, completeLogin, activate, resetPassword, logout, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The error `login` throws when the server asks for another step (details: the LoginStep). */
function stepRequired(step: LoginStep): ApiClientError {
  return new ApiClientError(200, LOGIN_STEP_REQUIRED, '请在登录页完成身份验证', step);
}

function readRecoveryCodes(raw: unknown): string[] {
  const codes = typeof raw === 'object' && raw !== null ? (raw as { recoveryCodes?: unknown }).recoveryCodes : undefined;
  return Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
}

/** The session of the shell (or of a remote running standalone). Throws outside a SessionProvider. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

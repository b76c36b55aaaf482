import type { Role, SessionUser } from '@exam/api';

/** Who a session belongs to. */
export interface Principal {
  role: Role;
  candidateId?: string;
  userId?: string;
}

/** The authenticated caller of a request (`req.auth`). */
export interface AuthContext {
  /** sha256 of the session token (the Session row id). */
  sessionId: string;
  role: Role;
  user: SessionUser;
  /** Set for candidates. */
  candidateId?: string;
  csrfToken: string;
}

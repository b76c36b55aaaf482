import type { ReactNode } from 'react';
import { useSession } from './session-context';

export interface SessionGateProps {
  children: ReactNode;
  loading?: ReactNode;
  /** Shown when nobody is logged in. */
  anonymous?: ReactNode;
}

/** Renders children only for a logged-in user (used by the remotes' standalone pages). */
export function SessionGate({ children, loading = null, anonymous = null }: SessionGateProps) {
  const { status } = useSession();
  if (status === 'loading') return loading;
  if (status === 'anonymous') return anonymous;
  return children;
}

import { createContext } from 'react';

/** Lets a remote's fallback (rendered inside <RemoteRoute>) load that remote again. */
export const RemoteRetryContext = createContext<() => void>(() => window.location.reload());

import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from '@exam/api';
import { useSession } from '@exam/session';
import { Spin } from '@exam/ui';
import { ActivatePage } from './activate-page';
import { LaunchPage } from './launch-page';
import { LoginPage } from './login-page';
import { ResetPasswordPage } from './reset-password-page';
import { remoteApps } from './mf/remote-modules';
import { RemoteRoute } from './remote-route';
import { ROLE_AREAS, ROLE_HOME } from './role-home';
import { ShellLayout } from './shell-layout';

function FullPageSpin() {
  return (
    <div style={{ minHeight: '60vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  );
}

/** Lets through users whose role may open `area`; others go to login or their own home. */
function RequireRole({ area, children }: { area: string; children: ReactNode }) {
  const { status, user } = useSession();
  const location = useLocation();
  if (status === 'loading') return <FullPageSpin />;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!ROLE_AREAS[user.role].includes(area)) return <Navigate to={ROLE_HOME[user.role]} replace />;
  return children;
}

function HomeRedirect() {
  const { status, user } = useSession();
  if (status === 'loading') return <FullPageSpin />;
  return <Navigate to={user ? ROLE_HOME[user.role satisfies Role] : '/login'} replace />;
}

/** Each role area of the shell and the micro-frontend mounted there. */
const REMOTE_AREAS = [
  { area: '/candidate', name: 'candidate_upload' },
  { area: '/site', name: 'site_review' },
  { area: '/district', name: 'district_review' },
] as const;

export function ShellApp() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/activate" element={<ActivatePage />} />
      <Route path="/launch" element={<LaunchPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route element={<ShellLayout />}>
        {REMOTE_AREAS.map(({ area, name }) => (
          <Route
            key={name}
            path={`${area}/*`}
            element={
              <RequireRole area={area}>
                <RemoteRoute name={name} load={remoteApps[name]} />
              </RequireRole>
            }
          />
        ))}
      </Route>
      <Route path="*" element={<HomeRedirect />} />
    </Routes>
  );
}

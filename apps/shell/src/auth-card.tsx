import type { ReactNode } from 'react';
import { Card, Typography } from '@exam/ui';

/** The centered card with the system name used by the public pages (/login, /activate); fits a 360 px phone. */
export function AuthCard({ children, subtitle }: { children: ReactNode; subtitle?: string }) {
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: '#f0f4fa' }}>
      <Card style={{ width: '100%', maxWidth: 420 }} styles={{ body: { padding: 'clamp(16px, 5vw, 24px)' } }}>
        <Typography.Title level={4} style={{ textAlign: 'center', marginTop: 0, marginBottom: subtitle ? 4 : undefined }}>
          医师资格考试线上审核系统
        </Typography.Title>
        {subtitle && (
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
            {subtitle}
          </Typography.Paragraph>
        )}
        {children}
      </Card>
    </div>
  );
}

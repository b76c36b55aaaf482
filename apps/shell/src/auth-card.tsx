import type { ReactNode } from 'react';
import { Card, Typography } from '@exam/ui';

/**
 * antd lets a field's error take the place of its bottom margin (a negative offset cancels the margin); a field
 * that also has a hint (`extra`, e.g. the password rule) would then touch the next label, and an error would
 * touch the button below it.
 */
const AUTH_CARD_CSS = `
.exam-auth-card .ant-form-item-with-help .ant-form-item-extra { padding-bottom: 16px; }
.exam-auth-card .ant-form-item-with-help + .ant-btn { margin-top: 8px; }
`;

/**
 * The centered card with the system name used by the public pages (/login and its steps, /activate,
 * /reset-password); fits a 360 px phone.
 */
export function AuthCard({ children, subtitle }: { children: ReactNode; subtitle?: string }) {
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: '#f0f4fa' }}>
      <style>{AUTH_CARD_CSS}</style>
      <Card className="exam-auth-card" style={{ width: '100%', maxWidth: 420 }} styles={{ body: { padding: 'clamp(16px, 5vw, 24px)' } }}>
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

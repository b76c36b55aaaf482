import { describe, expect, it } from 'vitest';
import { readLoginAnswer } from './login-answer';

const user = { id: 'u1', role: 'SITE_REVIEWER', displayName: '和平区考点审核员', districtCode: '12', siteId: 's1', siteName: '和平区考点' };

describe('readLoginAnswer', () => {
  it('reads a session answer', () => {
    expect(readLoginAnswer({ user })).toEqual({ kind: 'user', user });
  });

  it('reads each step, with the enrolment secret and URL only when both are strings', () => {
    expect(readLoginAnswer({ step: 'TOTP' })).toEqual({ kind: 'step', step: { step: 'TOTP' } });
    expect(readLoginAnswer({ step: 'CHANGE_PASSWORD' })).toEqual({ kind: 'step', step: { step: 'CHANGE_PASSWORD' } });
    const enrollment = { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP' };
    expect(readLoginAnswer({ step: 'TOTP_ENROLL', enrollment, recoveryCodes: [] })).toEqual({
      kind: 'step',
      step: { step: 'TOTP_ENROLL', enrollment },
    });
    expect(readLoginAnswer({ step: 'TOTP_ENROLL', enrollment: { secret: 1 } })).toEqual({ kind: 'step', step: { step: 'TOTP_ENROLL' } });
  });

  it('prefers the step when an answer carries both, and ignores unknown shapes', () => {
    expect(readLoginAnswer({ step: 'TOTP', user })).toEqual({ kind: 'step', step: { step: 'TOTP' } });
    expect(readLoginAnswer({ step: 'SMS' })).toEqual({ kind: 'none' });
    expect(readLoginAnswer({ user: 'x' })).toEqual({ kind: 'none' });
    expect(readLoginAnswer(undefined)).toEqual({ kind: 'none' });
    expect(readLoginAnswer('ok')).toEqual({ kind: 'none' });
  });
});

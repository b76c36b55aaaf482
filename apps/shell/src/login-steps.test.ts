import { describe, expect, it } from 'vitest';
import type { SessionUser } from '@exam/api';
import { groupSecret, outcomeOf, recoveryCodesText } from './login-steps';

const user: SessionUser = { id: 'u1', role: 'SITE_REVIEWER', displayName: '和平区考点审核员', districtCode: '12', siteId: 's1', siteName: '和平区考点' };
const codes = Array.from({ length: 10 }, (_, i) => `ABCD-EFGH-${String(i).padStart(4, '0')}`);

describe('outcomeOf', () => {
  it('a session answer ends the login', () => {
    expect(outcomeOf({ user })).toEqual({ done: user });
  });

  it('each step opens its screen', () => {
    expect(outcomeOf({ step: 'TOTP' })).toEqual({ next: { screen: 'totp' } });
    expect(outcomeOf({ step: 'CHANGE_PASSWORD' })).toEqual({ next: { screen: 'change-password' } });
    expect(outcomeOf({ step: 'TOTP_ENROLL', enrollment: { secret: 'S', otpauthUrl: 'otpauth://totp/x' } })).toEqual({
      next: { screen: 'enroll', secret: 'S', otpauthUrl: 'otpauth://totp/x' },
    });
    expect(outcomeOf({ step: 'TOTP_ENROLL' })).toEqual({ invalid: true });
  });

  it('recovery codes come first, then what the enrolment answered', () => {
    expect(outcomeOf({ user, recoveryCodes: codes })).toEqual({ next: { screen: 'recovery-codes', codes, then: { user } } });
    expect(outcomeOf({ step: 'CHANGE_PASSWORD', recoveryCodes: codes })).toEqual({
      next: { screen: 'recovery-codes', codes, then: { step: 'CHANGE_PASSWORD' } },
    });
    expect(outcomeOf({ user, recoveryCodes: [] })).toEqual({ done: user });
  });
});

describe('recovery codes and secret text', () => {
  it('copies one code a line under a heading', () => {
    expect(recoveryCodesText(codes.slice(0, 2), 'site1201').split('\n')).toEqual([
      '医师资格考试线上审核系统 恢复码（site1201）',
      '每个恢复码只能使用一次。',
      codes[0],
      codes[1],
    ]);
  });

  it('groups the secret by four', () => {
    expect(groupSecret('NA5GEBQSZB6O4ZU6P7CUS2UZYET4XOMX')).toBe('NA5G EBQS ZB6O 4ZU6 P7CU S2UZ YET4 XOMX');
    expect(groupSecret('ABCDEF')).toBe('ABCD EF');
  });
});

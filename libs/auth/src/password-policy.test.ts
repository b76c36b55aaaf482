import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword } from './password-policy.js';

const reason = (password: string, ctx = {}) => {
  try {
    assertAcceptablePassword(password, ctx);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('password rule', () => {
  it('accepts 8+ characters with letters and digits that are not common', () => {
    expect(reason('Zx9k2mQa')).toBeNull();
    expect(reason('医考2026abc')).toBeNull();
  });
  it('refuses short passwords and ones without letters or digits', () => {
    expect(reason('abc1234')).toBe('密码至少 8 位，需同时包含字母和数字');
    expect(reason('abcdefgh')).toBe('密码至少 8 位，需同时包含字母和数字');
    expect(reason('12345678')).toBe('密码至少 8 位，需同时包含字母和数字');
  });
  it('refuses passwords from the bundled common list, case-insensitively, including Chinese favourites', () => {
    for (const p of ['password1', 'PASSWORD1', 'qwerty123', 'woaini1314', 'qq123456', '1qaz2wsx']) {
      expect(reason(p)).toBe('该密码过于常见，容易被猜中，请换一个');
    }
  });
  it('refuses the registration number or username inside the password', () => {
    expect(reason('a2026120001', { registrationNo: '2026120001' })).toBe('密码不能包含报名号或用户名');
    expect(reason('Site-A-1x99', { username: 'site-a-1' })).toBe('密码不能包含报名号或用户名');
  });
  it('refuses any 6 consecutive characters of the ID number (birth date, last six)', () => {
    const ctx = { idNumber: '12010119900307123X' };
    expect(reason('ab19900307', ctx)).toMatch(/身份证件号码/);
    expect(reason('xy07123x', ctx)).toMatch(/身份证件号码/);
    expect(reason('Zx9k2mQa', ctx)).toBeNull();
  });
});

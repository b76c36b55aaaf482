import { describe, expect, it } from 'vitest';
import { authPageState, checkActivation, readAuthPageState } from './activation';

describe('checkActivation', () => {
  it('asks for every field of an empty form in Chinese', () => {
    expect(checkActivation({})).toEqual({
      ok: false,
      errors: {
        registrationNo: '请输入报名号',
        idNumber: '请输入身份证件号码',
        password: '请设置密码',
        confirmPassword: '请再次输入密码',
      },
    });
  });

  it('treats cleared inputs like empty ones and blanks as missing', () => {
    const result = checkActivation({ registrationNo: '   ', idNumber: '', password: '', confirmPassword: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.registrationNo).toBe('请输入报名号');
      expect(result.errors.idNumber).toBe('请输入身份证件号码');
      expect(result.errors.password).toBe('请设置密码');
    }
  });

  it('rejects a weak password and a different confirmation, one message per field', () => {
    for (const password of ['short1', 'lettersonly', '1234567890']) {
      const result = checkActivation({ registrationNo: '1', idNumber: 'x', password, confirmPassword: password });
      expect(result).toEqual({ ok: false, errors: { password: '密码至少 8 位，需同时包含字母和数字' } });
    }
    expect(checkActivation({ registrationNo: '1', idNumber: 'x', password: 'abcd1234', confirmPassword: 'abcd12345' })).toEqual({
      ok: false,
      errors: { confirmPassword: '两次输入的密码不一致' },
    });
  });

  it('returns the request to send with 报名号 and 身份证件号码 trimmed', () => {
    expect(
      checkActivation({ registrationNo: ' 120100001 ', idNumber: ' 12010119900101123X ', password: 'abcd1234', confirmPassword: 'abcd1234' }),
    ).toEqual({
      ok: true,
      request: { registrationNo: '120100001', idNumber: '12010119900101123X', password: 'abcd1234', confirmPassword: 'abcd1234' },
    });
  });
});

describe('auth page state', () => {
  it('carries the typed 报名号 and the reason', () => {
    expect(authPageState(' 120100001 ', 'not-activated')).toEqual({ registrationNo: '120100001', reason: 'not-activated' });
    expect(authPageState(undefined, 'link')).toEqual({ reason: 'link' });
    expect(authPageState('  ')).toEqual({});
  });

  it('ignores unexpected history state', () => {
    expect(readAuthPageState(null)).toEqual({});
    expect(readAuthPageState('120100001')).toEqual({});
    expect(readAuthPageState({ registrationNo: 42, reason: 'other' })).toEqual({});
    expect(readAuthPageState({ registrationNo: 'x'.repeat(50) }).registrationNo).toHaveLength(32);
  });
});

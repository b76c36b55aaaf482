import { describe, expect, it } from 'vitest';
import { PASSWORD_RULE_MESSAGE } from '@exam/api';
import {
  authPageState,
  checkActivation,
  checkCodeRequest,
  checkNewPassword,
  checkPasswordReset,
  checkTotp,
  codeButtonLabel,
  codeSentNotice,
  fieldOfError,
  messageWithRetry,
  readAuthPageState,
  retryAfterSeconds,
  retryAfterText,
  secondsUntil,
} from './activation';

const filled = { registrationNo: '1', idNumber: 'x', code: '123456' };

describe('checkActivation', () => {
  it('asks for every field of an empty form in Chinese', () => {
    expect(checkActivation({})).toEqual({
      ok: false,
      errors: {
        registrationNo: '请输入报名号',
        idNumber: '请输入身份证件号码',
        code: '请输入验证码',
        password: '请设置密码',
        confirmPassword: '请再次输入密码',
      },
    });
  });

  it('treats cleared inputs like empty ones and blanks as missing', () => {
    const result = checkActivation({ registrationNo: '   ', idNumber: '', code: '', password: '', confirmPassword: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.registrationNo).toBe('请输入报名号');
      expect(result.errors.idNumber).toBe('请输入身份证件号码');
      expect(result.errors.code).toBe('请输入验证码');
      expect(result.errors.password).toBe('请设置密码');
    }
  });

  it('wants the SMS code as 6 digits', () => {
    for (const code of ['12345', '1234567', 'abcdef', '12 3456']) {
      const result = checkActivation({ ...filled, code, password: 'abcd1234', confirmPassword: 'abcd1234' });
      expect(result).toEqual({ ok: false, errors: { code: '请输入 6 位数字验证码' } });
    }
  });

  it('rejects a weak password and a different confirmation, one message per field', () => {
    for (const password of ['short1', 'lettersonly', '1234567890']) {
      const result = checkActivation({ ...filled, password, confirmPassword: password });
      expect(result).toEqual({ ok: false, errors: { password: PASSWORD_RULE_MESSAGE } });
    }
    expect(checkActivation({ ...filled, password: 'abcd1234', confirmPassword: 'abcd12345' })).toEqual({
      ok: false,
      errors: { confirmPassword: '两次输入的密码不一致' },
    });
  });

  it('returns the request to send with 报名号, 身份证件号码 and 验证码 trimmed', () => {
    expect(
      checkActivation({
        registrationNo: ' 120100001 ',
        idNumber: ' 12010119900101123X ',
        code: ' 012345 ',
        password: 'abcd1234',
        confirmPassword: 'abcd1234',
      }),
    ).toEqual({
      ok: true,
      request: { registrationNo: '120100001', idNumber: '12010119900101123X', code: '012345', password: 'abcd1234', confirmPassword: 'abcd1234' },
    });
  });

  it('checks 找回密码 the same way', () => {
    expect(checkPasswordReset({ ...filled, password: 'abcd1234', confirmPassword: 'abcd1234' })).toEqual({
      ok: true,
      request: { registrationNo: '1', idNumber: 'x', code: '123456', password: 'abcd1234', confirmPassword: 'abcd1234' },
    });
    expect(checkPasswordReset({}).ok).toBe(false);
  });
});

describe('checkCodeRequest (获取验证码)', () => {
  it('needs only 报名号 and 身份证件号码, trimmed', () => {
    expect(checkCodeRequest({ registrationNo: ' 120100001 ', idNumber: ' 1201 ', code: 'x', password: '' })).toEqual({
      ok: true,
      request: { registrationNo: '120100001', idNumber: '1201' },
    });
    expect(checkCodeRequest({ registrationNo: '' })).toEqual({
      ok: false,
      errors: { registrationNo: '请输入报名号', idNumber: '请输入身份证件号码' },
    });
  });
});

describe('checkNewPassword (CHANGE_PASSWORD step)', () => {
  it('applies the password rule and the confirmation', () => {
    expect(checkNewPassword({ password: 'abcd1234', confirmPassword: 'abcd1234' })).toEqual({
      ok: true,
      request: { password: 'abcd1234', confirmPassword: 'abcd1234' },
    });
    expect(checkNewPassword({ password: 'abc', confirmPassword: 'abc' })).toEqual({ ok: false, errors: { password: PASSWORD_RULE_MESSAGE } });
    expect(checkNewPassword({ password: 'abcd1234' })).toEqual({ ok: false, errors: { confirmPassword: '请再次输入密码' } });
  });
});

describe('checkTotp', () => {
  it('takes 6 digits from the authenticator', () => {
    expect(checkTotp('code', ' 123456 ')).toEqual({ ok: true, request: { code: '123456' } });
    expect(checkTotp('code', '')).toEqual({ ok: false, error: '请输入验证码' });
    expect(checkTotp('code', '12345')).toEqual({ ok: false, error: '请输入 6 位数字验证码' });
  });

  it('takes a recovery code with or without dashes, as typed', () => {
    expect(checkTotp('recovery', ' ABCD-EFGH-JKLM ')).toEqual({ ok: true, request: { recoveryCode: 'ABCD-EFGH-JKLM' } });
    expect(checkTotp('recovery', 'abcdefghjklm')).toEqual({ ok: true, request: { recoveryCode: 'abcdefghjklm' } });
    expect(checkTotp('recovery', undefined)).toEqual({ ok: false, error: '请输入恢复码' });
    expect(checkTotp('recovery', 'ABCD-EFGH')).toEqual({ ok: false, error: '恢复码格式不正确（如 ABCD-EFGH-JKLM）' });
  });
});

describe('SMS code wording', () => {
  it('says where the code went and for how long', () => {
    expect(codeSentNotice({ phone: '138****5678', expiresInSeconds: 300, resendInSeconds: 60 })).toBe('验证码已发送至 138****5678，5 分钟内有效');
  });

  it('counts down before a new code may be asked for', () => {
    expect(codeButtonLabel(0, false)).toBe('获取验证码');
    expect(codeButtonLabel(60, true)).toBe('60 秒后重新获取');
    expect(codeButtonLabel(0, true)).toBe('重新获取');
    expect(secondsUntil(10_000, 0)).toBe(10);
    expect(secondsUntil(10_000, 9_001)).toBe(1);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });
});

describe('throttling and errors', () => {
  it('reads retryAfterSeconds and says when to try again', () => {
    expect(retryAfterSeconds({ retryAfterSeconds: 119.2 })).toBe(120);
    expect(retryAfterSeconds({ retryAfterSeconds: 'soon' })).toBeNull();
    expect(retryAfterSeconds(undefined)).toBeNull();
    expect(retryAfterText(45)).toBe('请 45 秒后再试');
    expect(retryAfterText(120)).toBe('请 2 分钟后再试');
    expect(retryAfterText(61)).toBe('请 2 分钟后再试');
    expect(messageWithRetry('登录尝试次数过多。', { retryAfterSeconds: 120 })).toBe('登录尝试次数过多，请 2 分钟后再试');
    expect(messageWithRetry('请 15 分钟后再试', { retryAfterSeconds: 900 })).toBe('请 15 分钟后再试');
    expect(messageWithRetry('验证码发送过于频繁，请 45 秒后再获取', { retryAfterSeconds: 45 })).toBe('验证码发送过于频繁，请 45 秒后再获取');
    expect(messageWithRetry('用户名或密码错误', undefined)).toBe('用户名或密码错误');
  });

  it('puts code and password errors under their field', () => {
    expect(fieldOfError('CODE_INVALID')).toBe('code');
    expect(fieldOfError('TOTP_INVALID')).toBe('code');
    expect(fieldOfError('PASSWORD_WEAK')).toBe('password');
    expect(fieldOfError('ACTIVATION_FAILED')).toBeNull();
    expect(fieldOfError('TOTP_INVALID', { field: 'recoveryCode' })).toBe('recoveryCode');
    expect(fieldOfError('PASSWORD_WEAK', { field: 'password' })).toBe('password');
    expect(fieldOfError('CODE_INVALID', { field: 'idNumber' })).toBe('code');
  });
});

describe('auth page state', () => {
  it('carries the typed 报名号', () => {
    expect(authPageState(' 120100001 ')).toEqual({ registrationNo: '120100001' });
    expect(authPageState(undefined)).toEqual({});
    expect(authPageState('  ')).toEqual({});
  });

  it('ignores unexpected history state', () => {
    expect(readAuthPageState(null)).toEqual({});
    expect(readAuthPageState('120100001')).toEqual({});
    expect(readAuthPageState({ registrationNo: 42, reason: 'other' })).toEqual({});
    expect(readAuthPageState({ registrationNo: 'x'.repeat(50) }).registrationNo).toHaveLength(32);
  });
});

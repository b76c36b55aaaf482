import { describe, expect, it } from 'vitest';
import { INCOMPLETE_LINK, launchErrorTitle, readLaunchParams } from './launch';

describe('the /launch page model', () => {
  const full = 'v=1&kid=dev1&rn=202712010000123&yr=2027&exp=1798761600&nonce=dGVzdC1ub25jZS0wMDAwMDAwMDE&sig=abc';

  it('reads all seven parameters of the link, or nothing when one is missing or empty', () => {
    expect(readLaunchParams(`?${full}`)).toEqual({
      v: '1',
      kid: 'dev1',
      rn: '202712010000123',
      yr: '2027',
      exp: '1798761600',
      nonce: 'dGVzdC1ub25jZS0wMDAwMDAwMDE',
      sig: 'abc',
    });
    expect(readLaunchParams('')).toBeNull();
    expect(readLaunchParams(`?${full.replace('&sig=abc', '')}`)).toBeNull();
    expect(readLaunchParams(`?${full.replace('kid=dev1', 'kid=')}`)).toBeNull();
  });

  it('titles each refusal the way docs/INTEGRATION.md promises', () => {
    expect(launchErrorTitle('LAUNCH_LINK_EXPIRED')).toBe('链接已过期');
    expect(launchErrorTitle('LAUNCH_LINK_USED')).toBe('链接已被使用');
    expect(launchErrorTitle('LAUNCH_LINK_INVALID')).toBe('链接无效');
    expect(launchErrorTitle('LAUNCH_LINK_UNKNOWN_KEY')).toBe('链接无效');
    expect(launchErrorTitle('VALIDATION_FAILED')).toBe('链接无效');
    expect(launchErrorTitle(INCOMPLETE_LINK)).toBe('链接无效');
    expect(launchErrorTitle('LAUNCH_LINK_NO_CANDIDATE')).toBe('未找到报名信息');
    expect(launchErrorTitle('LOGIN_THROTTLED')).toBe('尝试次数过多，请稍后再试');
    expect(launchErrorTitle('UNKNOWN')).toBe('暂时无法进入上传系统');
  });
});

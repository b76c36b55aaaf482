import { LAUNCH_ERRORS, type LaunchLinkRequest } from '@exam/api';

export const LAUNCH_ROUTE = '/launch';
export const LAUNCH_PATH = '/api/identity/launch';

const PARAMS = ['v', 'kid', 'rn', 'yr', 'exp', 'nonce', 'sig'] as const;

/** The launch link's parameters from the address bar's query, or null when any is missing (a cut-off link). */
export function readLaunchParams(search: string): LaunchLinkRequest | null {
  const q = new URLSearchParams(search);
  const out: Partial<LaunchLinkRequest> = {};
  for (const name of PARAMS) {
    const v = q.get(name);
    if (v === null || v === '') return null;
    out[name] = v;
  }
  return out as LaunchLinkRequest;
}

/** The title of the error page for a refusal code (the server's message is shown below it). */
export function launchErrorTitle(code: string): string {
  switch (code) {
    case LAUNCH_ERRORS.EXPIRED:
      return '链接已过期';
    case LAUNCH_ERRORS.USED:
      return '链接已被使用';
    case LAUNCH_ERRORS.NO_CANDIDATE:
      return '未找到报名信息';
    case 'LOGIN_THROTTLED':
      return '尝试次数过多，请稍后再试';
    case INCOMPLETE_LINK:
    case LAUNCH_ERRORS.INVALID:
    case LAUNCH_ERRORS.UNKNOWN_KEY:
    case 'VALIDATION':
    case 'VALIDATION_FAILED':
      return '链接无效';
    default:
      return '暂时无法进入上传系统';
  }
}

/** The page's own code for an address without all seven parameters. */
export const INCOMPLETE_LINK = 'INCOMPLETE_LINK';
/** Shown when the address has no complete link (e.g. cut off when copied). */
export const INCOMPLETE_LINK_MESSAGE = '链接无效：链接不完整。请回到报名系统重新点击【上传相关材料】，或直接用报名号和密码登录。';

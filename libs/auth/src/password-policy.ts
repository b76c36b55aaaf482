import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError, normalizeIdNumber } from '@exam/domain';

/**
 * Passwords people in China pick often that the bundled (English-centred) list lacks: pinyin phrases,
 * QQ/love numbers and keyboard walks. Compared case-insensitively.
 */
const EXTRA_COMMON = [
  'woaini1314', 'woaini520', 'iloveyou1314', 'aini1314', 'qq123456', 'qq123456789', 'a123456789', 'a1234567',
  'abc12345', 'abcd1234', 'aa123456', 'zxcvbnm123', 'qwer1234', 'asdf1234', '1qaz2wsx', '1q2w3e4r', 'q1w2e3r4',
  'p@ssw0rd', 'passw0rd', 'password1', 'admin123', 'admin888', 'root1234', 'yisheng123', 'doctor123', 'kaoshi123',
  'zhongguo123', 'beijing123', 'shanghai123', 'huawei123', 'xiaomi123', 'wangyi123', 'baidu123', 'taobao123',
];

let common: Set<string> | undefined;
/** About 49,000 common passwords (zxcvbn's list) plus the Chinese ones above, lower-cased, built once. */
function commonPasswords(): Set<string> {
  common ??= new Set([...dictionary['passwords-common'], ...EXTRA_COMMON].map((p) => String(p).toLowerCase()));
  return common;
}

export interface PasswordContext {
  /** candidate: the 报名号 (the password may not be it or contain it) */
  registrationNo?: string | null;
  /** candidate: the ID number (the password may not contain 6 or more consecutive characters of it) */
  idNumber?: string | null;
  /** staff: the login name */
  username?: string | null;
}

const weak = (message: string) => new DomainError('PASSWORD_WEAK', message, 400, { field: 'password' });

/**
 * The server-side password rule (the form checks length and letters+digits with the same words first):
 * at least 8 characters with letters and digits, not in the common-password list, not the account name,
 * not built from the ID number. Throws 400 PASSWORD_WEAK naming the reason.
 */
export function assertAcceptablePassword(password: string, ctx: PasswordContext = {}): void {
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) throw weak('密码至少 8 位，需同时包含字母和数字');
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) throw weak('该密码过于常见，容易被猜中，请换一个');
  for (const name of [ctx.registrationNo, ctx.username]) {
    const n = name?.trim().toLowerCase();
    if (n && n.length >= 4 && lower.includes(n)) throw weak('密码不能包含报名号或用户名');
  }
  if (ctx.idNumber) {
    const id = normalizeIdNumber(ctx.idNumber).toLowerCase();
    for (let i = 0; i + 6 <= id.length; i++) {
      if (lower.includes(id.slice(i, i + 6))) throw weak('密码不能包含身份证件号码中的连续数字（如出生日期、后六位）');
    }
  }
}

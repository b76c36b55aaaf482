import { AccountCodeForm } from './account-code-form';

/** 找回密码 — the activation proof (报名号 + 身份证件号码 + SMS code) and a new password; the server then logs the candidate in. */
export function ResetPasswordPage() {
  return <AccountCodeForm mode="reset" />;
}

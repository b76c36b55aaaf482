import { AccountCodeForm } from './account-code-form';

/** 首次进入：账号激活 — 报名号 + 身份证件号码 + SMS code + a new password; the server then logs the candidate in. */
export function ActivatePage() {
  return <AccountCodeForm mode="activate" />;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { screenshot } from './journey-steps.js';
import { launchBrowser, login, logout, rememberTotpSecret, totpCodeFor } from './browser.js';
import { smsCode } from './sms-sink.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** 获取验证码 on /activate or /reset-password: the notice and the countdown, then the code from the SMS sink. */
async function requestCode(page: Page, sys: Sys, phone: string): Promise<string> {
  const before = Date.now();
  await page.getByRole('button', { name: '获取验证码' }).click();
  const notice = page.getByTestId('code-sent');
  await notice.waitFor();
  expect(await notice.textContent()).toBe(`验证码已发送至 ${phone.slice(0, 3)}****${phone.slice(-4)}，5 分钟内有效`);
  expect(await page.getByTestId('send-code').textContent()).toMatch(/^(60|59|58) 秒后重新获取$/);
  expect(await page.getByTestId('send-code').isDisabled()).toBe(true);
  return smsCode(sys.dataDir, phone, before);
}

describe('account security through the shell (SMS activation, password reset, staff TOTP)', () => {
  let sys: Sys;
  let browser: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser({ width: 375, height: 812 });
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('a candidate who never activated gets the login hint, activates with the SMS code and lands on the upload page', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.accountSecurity.activate]!;
    expect(candidate).toBeTruthy();
    const page = await browser.newPage();

    // login answers the same as a wrong password, with the hint to activate
    await login(page, sys.url, 'candidate', candidate.registrationNo, 'Whatever2027');
    await page.getByText('报名号或密码错误').waitFor();
    await screenshot(page, 'login-auth-failed');
    await page.getByRole('link', { name: '首次登录请先激活账号' }).click();
    await page.waitForURL(/\/activate$/);
    expect(await page.getByLabel('报名号').inputValue()).toBe(candidate.registrationNo);

    // the form checks itself before asking for a code
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('请输入身份证件号码').waitFor();

    await page.getByLabel('身份证件号码').fill(candidate.idNumber);
    const code = await requestCode(page, sys, candidate.phone!);
    await page.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000'); // wrong first
    await page.getByLabel('设置密码').fill('Jihuo2027x');
    await page.getByLabel('确认密码').fill('Jihuo2027x');
    await screenshot(page, 'activate-filled');
    await page.getByRole('button', { name: '激活', exact: true }).click();
    await page.getByText(/验证码不正确或已过期/).waitFor();
    await screenshot(page, 'activate-code-invalid');

    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: /激活$/ }).click();
    await page.waitForURL(/\/candidate/);
    await page.getByTestId('category-ID_CARD').waitFor();
    await logout(page);

    // the new password works from now on
    await login(page, sys.url, 'candidate', candidate.registrationNo, 'Jihuo2027x');
    await page.waitForURL(/\/candidate/);
    await logout(page);
    await page.close();
  });

  it('an activated candidate asking for activation is sent to 找回密码, and resets the password with an SMS code', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.accountSecurity.reset]!;
    const page = await browser.newPage();
    await page.goto(`${sys.url}/login`);
    await page.getByLabel('报名号').fill(candidate.registrationNo);
    await page.getByRole('link', { name: '首次登录？激活账号' }).click();
    await page.getByLabel('身份证件号码').fill(candidate.idNumber);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/账号已激活/).waitFor();
    await screenshot(page, 'activate-already-activated');
    await page.getByRole('link', { name: '找回密码' }).click();
    await page.waitForURL(/\/reset-password$/);
    await screenshot(page, 'reset-empty');

    expect(await page.getByLabel('报名号').inputValue()).toBe(candidate.registrationNo);
    await page.getByLabel('身份证件号码').fill(candidate.idNumber);
    const code = await requestCode(page, sys, candidate.phone!);
    await page.getByLabel('验证码').fill(code);
    // the server refuses a password built from the 报名号
    await page.getByLabel('新密码', { exact: true }).fill(`a${candidate.registrationNo}`);
    await page.getByLabel('确认新密码').fill(`a${candidate.registrationNo}`);
    await page.getByRole('button', { name: '重置密码' }).click();
    await page.getByText('密码不能包含报名号或用户名').waitFor();
    await screenshot(page, 'reset-password-weak');
    await page.getByLabel('新密码', { exact: true }).fill('Zhaohui2027y');
    await page.getByLabel('确认新密码').fill('Zhaohui2027y');
    await page.getByRole('button', { name: /重置密码$/ }).click();
    await page.waitForURL(/\/candidate/);
    await page.getByTestId('category-ID_CARD').waitFor();
    await logout(page);

    // the old password no longer works; the new one does
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.getByText('报名号或密码错误').waitFor();
    await login(page, sys.url, 'candidate', candidate.registrationNo, 'Zhaohui2027y');
    await page.waitForURL(/\/candidate/);
    await logout(page);
    await page.close();
  });

  it('a staff user binds an authenticator at the first login, then logs in with a code or a recovery code', async () => {
    const username = 'site1202';
    const page = await browser.newPage();
    const passwordStep = async () => {
      await page.goto(`${sys.url}/login`);
      await page.getByRole('tab', { name: '工作人员登录' }).click();
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(DEMO_PASSWORDS.staff);
      await page.getByRole('button', { name: '登录', exact: true }).click();
    };

    // first login: 绑定身份验证器
    await passwordStep();
    const enroll = page.locator('[data-login-step="TOTP_ENROLL"]');
    await enroll.waitFor();
    await enroll.getByText('工作人员账号需绑定身份验证器（如 Microsoft Authenticator、Google Authenticator、腾讯身份验证器）').waitFor();
    await enroll.locator('canvas').waitFor(); // the QR code of the otpauth URL
    const qr = await enroll.locator('canvas').boundingBox();
    expect(qr!.width).toBeLessThanOrEqual(200);
    const secret = rememberTotpSecret(sys.url, username, (await page.getByTestId('totp-secret').textContent()) ?? '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const otp = page.getByLabel('动态验证码');
    expect(await otp.getAttribute('inputmode')).toBe('numeric');
    expect(await otp.getAttribute('autocomplete')).toBe('one-time-code');
    await screenshot(page, 'staff-enroll');
    await otp.fill(await totpCodeFor(sys.url, username));
    await page.getByRole('button', { name: '确认绑定' }).click();

    // the recovery codes, once
    const codes = page.getByTestId('recovery-code');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
    await screenshot(page, 'staff-recovery-codes');
    await page.getByRole('button', { name: '复制恢复码' }).click();
    await page.getByRole('button', { name: '我已妥善保存' }).click();
    await page.waitForURL(/\/site/);
    await page.getByTestId('shell-user').getByText('南开区考点审核员').waitFor();
    await logout(page);

    // next login: the 动态验证码 step
    await passwordStep();
    const totp = page.locator('[data-login-step="TOTP"]');
    await totp.waitFor();
    await screenshot(page, 'staff-totp');
    await page.getByLabel('动态验证码').fill(await totpCodeFor(sys.url, username));
    await page.getByRole('button', { name: '验证并登录' }).click();
    await page.waitForURL(/\/site/);
    await logout(page);

    // a recovery code works once
    await passwordStep();
    await totp.waitFor();
    await page.getByRole('button', { name: '使用恢复码' }).click();
    await page.getByLabel('恢复码').fill(recoveryCodes[0]!);
    await screenshot(page, 'staff-totp-recovery');
    await page.getByRole('button', { name: '验证并登录' }).click();
    await page.waitForURL(/\/site/);
    await logout(page);
    await passwordStep();
    await totp.waitFor();
    await page.getByRole('button', { name: '使用恢复码' }).click();
    await page.getByLabel('恢复码').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: /验证并登录$/ }).click();
    await page.getByText('恢复码不正确或已使用').waitFor();

    // and the shared helper logs the same account in again within the same 30 seconds
    await login(page, sys.url, 'staff', username, DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/site/);
    await logout(page);
    await page.close();
  });
});

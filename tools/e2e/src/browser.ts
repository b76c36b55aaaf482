import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export { chromiumPath } from './chromium.js';

/** A phone rather than a desktop browser: touch events and `(pointer: coarse)`, a mobile viewport. */
export interface PhoneOptions {
  hasTouch?: boolean;
  isMobile?: boolean;
  deviceScaleFactor?: number;
}

export async function launchBrowser(viewport = { width: 390, height: 844 }, phone: PhoneOptions = {}): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'exam-e2e-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    ...phone,
    locale: 'zh-CN',
    args: [...CHROMIUM_ARGS, '--disable-quic'],
  });
}

/**
 * Logs in through the shell's login page, on the candidate (考生登录) or staff (工作人员登录) tab.
 * A staff login also goes through its second factor: on the first login of the run it binds the authenticator
 * (reads the secret shown under the QR code, confirms with a code, continues past the recovery codes) and
 * remembers the secret; later logins answer the 动态验证码 step with a fresh code.
 *
 * A staff account that already logged in during this run (in any file, any browser) takes up its session again
 * when the server still accepts it, and lands where that login landed: the server takes each 30-second code once,
 * so fresh logins of one account wait for the next code (up to 30 s each). The login screens themselves are tested
 * by account-security.e2e.ts and walking-skeleton.e2e.ts; `{ fresh: true }` always goes through them.
 */
export async function login(
  page: Page,
  base: string,
  kind: 'candidate' | 'staff',
  account: string,
  password: string,
  options: { fresh?: boolean } = {},
) {
  if (kind === 'staff' && !options.fresh && (await resumeStaffSession(page, base, account))) return;
  await page.goto(`${base}/login`);
  await page.getByRole('tab', { name: kind === 'candidate' ? '考生登录' : '工作人员登录' }).click();
  await page.getByLabel(kind === 'candidate' ? '报名号' : '用户名').fill(account);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  if (kind === 'staff') {
    await completeStaffLogin(page, base, account);
    await keepStaffSession(page, base, account);
  }
}

interface KeptSession {
  cookies: Awaited<ReturnType<BrowserContext['cookies']>>;
  landing: string;
}

function sessionsFile(): string | null {
  try {
    return join(inject('e2eSystem').dataDir, 'e2e-staff-sessions.json');
  } catch {
    return null;
  }
}
const memorySessions: Record<string, KeptSession> = {};

function readSessions(): Record<string, KeptSession> {
  const file = sessionsFile();
  if (!file) return memorySessions;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, KeptSession>) : {};
}

function writeSessions(sessions: Record<string, KeptSession>): void {
  const file = sessionsFile();
  if (file) writeFileSync(file, JSON.stringify(sessions));
}

async function keepStaffSession(page: Page, base: string, username: string) {
  const sessions = readSessions();
  sessions[accountKey(base, username)] = { cookies: await page.context().cookies(base), landing: page.url() };
  writeSessions(sessions);
}

/** Puts the account's kept session cookies into this browser and opens its landing page, if the server still knows the session. */
async function resumeStaffSession(page: Page, base: string, username: string): Promise<boolean> {
  const kept = readSessions()[accountKey(base, username)];
  if (!kept) return false;
  await page.context().addCookies(kept.cookies);
  const me = await page.request.get(`${base}/api/identity/me`);
  const who = me.ok() ? ((await me.json()) as { user?: { username?: string } }) : null;
  if (who?.user?.username !== username) {
    const sessions = readSessions();
    delete sessions[accountKey(base, username)];
    writeSessions(sessions);
    await page.context().clearCookies();
    return false;
  }
  await page.goto(kept.landing);
  return true;
}

const TOTP_PERIOD = 30;

/**
 * The TOTP secret of each staff account bound in this run and the last time step whose code it used (the server
 * takes every step once, in increasing order). The browser-test files share one system (global-setup.ts), so this
 * lives in a file of the run's data directory that every file reads; outside a run, in memory.
 */
interface TotpState {
  secrets: Record<string, string>;
  lastStep: Record<string, number>;
}
const memoryState: TotpState = { secrets: {}, lastStep: {} };

function totpStateFile(): string | null {
  try {
    return join(inject('e2eSystem').dataDir, 'e2e-totp.json');
  } catch {
    return null;
  }
}

function readTotpState(): TotpState {
  const file = totpStateFile();
  if (!file || !existsSync(file)) return file ? { secrets: {}, lastStep: {} } : memoryState;
  return JSON.parse(readFileSync(file, 'utf8')) as TotpState;
}

function writeTotpState(state: TotpState): void {
  const file = totpStateFile();
  if (file) writeFileSync(file, JSON.stringify(state));
}

const accountKey = (base: string, username: string) => `${new URL(base).host}|${username}`;

/** Keeps the secret shown at enrolment for the account's later logins (the secret's spaces are dropped). */
export function rememberTotpSecret(base: string, username: string, secret: string): string {
  const clean = secret.replace(/\s+/g, '');
  const state = readTotpState();
  state.secrets[accountKey(base, username)] = clean;
  delete state.lastStep[accountKey(base, username)];
  writeTotpState(state);
  return clean;
}

/**
 * A code the server has not seen for this account. The server accepts the previous, the current and the next 30-second
 * step (clock drift), each once and in increasing order, so up to three logins of one account fit in one step before a
 * fourth waits for the next: the previous step's code first (only while the current step has 5 s or more to run, so
 * it is still accepted when it arrives), then the current one's, then the next one's.
 */
export async function totpCodeFor(base: string, username: string): Promise<string> {
  const key = accountKey(base, username);
  for (;;) {
    const state = readTotpState();
    const secret = state.secrets[key];
    if (!secret) throw new Error(`no TOTP secret for ${username}: it was not bound through login() in this test run`);
    const nowS = Date.now() / 1000;
    const current = Math.floor(nowS / TOTP_PERIOD);
    const leftInStep = (current + 1) * TOTP_PERIOD - nowS;
    const earliest = leftInStep >= 5 ? current - 1 : current;
    const step = Math.max(earliest, (state.lastStep[key] ?? -1) + 1);
    if (step <= current + 1) {
      state.lastStep[key] = step;
      writeTotpState(state);
      return generate({ secret, epoch: step * TOTP_PERIOD + 1 });
    }
    await new Promise((r) => setTimeout(r, (current + 1) * TOTP_PERIOD * 1000 - Date.now() + 100));
  }
}

type StaffLoginState = 'done' | 'TOTP' | 'TOTP_ENROLL' | 'RECOVERY_CODES' | 'CHANGE_PASSWORD' | 'wait' | `error:${string}`;

/** Where a staff login stands: left /login, a step screen ([data-login-step]), an error, or still waiting. */
async function staffLoginState(page: Page): Promise<StaffLoginState> {
  try {
    const state = await page.evaluate(() => {
      if (!location.pathname.startsWith('/login')) return 'done';
      const error = document.querySelector('.ant-alert-error, .ant-form-item-explain-error');
      if (error) return `error:${error.textContent ?? ''}`;
      return document.querySelector('[data-login-step]')?.getAttribute('data-login-step') ?? 'wait';
    });
    return state as StaffLoginState;
  } catch {
    return 'wait'; // the page is navigating
  }
}

/** Submits a step screen and waits until it is gone or shows an error. */
async function submitStep(page: Page, step: string, button: string) {
  await page.locator(`[data-login-step="${step}"]`).getByRole('button', { name: button }).click();
  await page.waitForFunction(
    (s) => !document.querySelector(`[data-login-step="${s}"]`) || document.querySelector('.ant-alert-error, .ant-form-item-explain-error'),
    step,
    { timeout: 20_000 },
  );
}

/** After the password: binds or answers the authenticator until the shell leaves /login. */
async function completeStaffLogin(page: Page, base: string, username: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = await staffLoginState(page);
    if (state === 'done') return;
    if (state.startsWith('error:')) throw new Error(`staff login of ${username} failed: ${state.slice(6)}`);
    if (state === 'TOTP_ENROLL') {
      const shown = (await page.getByTestId('totp-secret').textContent()) ?? '';
      rememberTotpSecret(base, username, shown);
      await page.getByLabel('动态验证码').fill(await totpCodeFor(base, username));
      await submitStep(page, 'TOTP_ENROLL', '确认绑定');
    } else if (state === 'RECOVERY_CODES') {
      await submitStep(page, 'RECOVERY_CODES', '我已妥善保存');
    } else if (state === 'TOTP') {
      await page.getByLabel('动态验证码').fill(await totpCodeFor(base, username));
      await submitStep(page, 'TOTP', '验证并登录');
    } else if (state === 'CHANGE_PASSWORD') {
      throw new Error(`staff login of ${username} asks for a new password (an admin reset it); not handled by login()`);
    } else {
      await page.waitForTimeout(100);
    }
  }
  throw new Error(`staff login of ${username} did not finish in time`);
}

/** 退出登录 in the shell's header, back on the login page. */
export async function logout(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/\/login/);
}

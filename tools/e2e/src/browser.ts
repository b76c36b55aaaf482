import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; nothing is downloaded. CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

export async function launchBrowser(viewport = { width: 390, height: 844 }): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'exam-e2e-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    locale: 'zh-CN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Logs in through the shell's login page, on the candidate (考生登录) or staff (工作人员登录) tab. */
export async function login(page: Page, base: string, kind: 'candidate' | 'staff', account: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByRole('tab', { name: kind === 'candidate' ? '考生登录' : '工作人员登录' }).click();
  await page.getByLabel(kind === 'candidate' ? '报名号' : '用户名').fill(account);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** 退出登录 in the shell's header, back on the login page. */
export async function logout(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/\/login/);
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, logout } from './browser.js';
import { documentPhoto } from './phone-photos.js';
import { launchFromStandIn } from './journey-steps.js';
import { smsCode } from './sms-sink.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** This file's candidates in the shared system: 10 (activated, 1201) comes in logged in; 40 (not activated) through activation. */
const MINE = E2E_CANDIDATES.launchLink;

/** E2E_SCREENSHOTS=<dir>: screenshots of each screen at 375 px and 1366 px, for looking at them. */
const SHOTS = process.env.E2E_SCREENSHOTS;
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  const size = page.viewportSize();
  for (const width of [375, 1366]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.waitForTimeout(300); // let antd's motions settle
    await page.screenshot({ path: join(SHOTS, `launch-${name}-${width}.png`), fullPage: true });
  }
  if (size) await page.setViewportSize(size);
}

describe('hand-over from the registration system: the signed launch link', () => {
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

  it('an activated candidate comes in logged in on the upload page; the same link again shows 链接已被使用', async () => {
    const candidate = sys.seed.candidates[MINE.activated]!;
    expect(candidate.activated).toBe(true);
    const page = await browser.newPage();
    await page.goto(sys.registrationUrl);
    await page.getByRole('link', { name: candidate.registrationNo, exact: true }).waitFor();
    await shot(page, 'stand-in-roster');
    await page.getByRole('link', { name: candidate.registrationNo, exact: true }).click();
    await page.getByRole('button', { name: '【上传相关材料】' }).waitFor();
    await shot(page, 'stand-in-candidate');

    const link = await launchFromStandIn(page, sys.registrationUrl, candidate.registrationNo, candidate.name);
    const url = new URL(link);
    expect(url.port).toBe(String(sys.ports.shell));
    expect([...url.searchParams.keys()].sort()).toEqual(['exp', 'kid', 'nonce', 'rn', 'sig', 'v', 'yr']);
    await page.waitForURL(/\/candidate/);
    await page.getByTestId('category-ID_CARD').waitFor();
    await page.getByText(candidate.name).first().waitFor();
    // the signature never stays in the address bar or the history
    expect(await page.evaluate(() => location.search)).toBe('');
    await shot(page, 'landed-upload');

    // the link is single use: opened again (another tab, the history, a forwarded message) it is refused
    const again = await browser.newPage();
    await logout(page);
    await again.goto(link);
    await again.getByTestId('launch-error-title').waitFor();
    expect(await again.getByTestId('launch-error-title').textContent()).toBe('链接已被使用');
    expect(await again.getByTestId('launch-error-message').textContent()).toContain('每个链接只能使用一次');
    expect(await again.evaluate(() => location.pathname + location.search)).toBe('/launch');
    await shot(again, 'error-used');
    // and nobody was logged in by it
    await again.getByRole('button', { name: '用报名号和密码登录' }).click();
    await again.waitForURL(/\/login/);
    await again.close();

    // a changed link (another 报名号 with the same signature) is 链接无效
    const other = sys.seed.candidates[1]!;
    const forged = new URL(link);
    forged.searchParams.set('rn', other.registrationNo);
    forged.searchParams.set('nonce', 'Zm9yZ2VkLW5vbmNlLTAwMDAwMDAx');
    await page.goto(forged.toString());
    await page.getByTestId('launch-error-title').waitFor();
    expect(await page.getByTestId('launch-error-title').textContent()).toBe('链接无效');
    expect(await page.getByTestId('launch-error-message').textContent()).toContain('签名不正确');
    await shot(page, 'error-invalid');
    await page.close();
  });

  it('a candidate not activated yet comes in through activation (SMS code, password) and uploads', async () => {
    const candidate = sys.seed.candidates[MINE.activate]!;
    expect(candidate.activated).toBe(false);
    const page = await browser.newPage();
    await launchFromStandIn(page, sys.registrationUrl, candidate.registrationNo, candidate.name);

    // 账号激活 with the 报名号 filled in, and no session yet
    await page.waitForURL(/\/activate$/);
    await page.getByTestId('launch-activate-intro').waitFor();
    expect(await page.getByLabel('报名号').inputValue()).toBe(candidate.registrationNo);
    await shot(page, 'activate-prefilled');
    await page.getByLabel('身份证件号码').fill(candidate.idNumber);
    const before = Date.now();
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByTestId('code-sent').waitFor();
    await page.getByLabel('验证码').fill(await smsCode(sys.dataDir, candidate.phone!, before));
    await page.getByLabel('设置密码').fill('Shangchuan2027');
    await page.getByLabel('确认密码').fill('Shangchuan2027');
    await page.getByRole('button', { name: /激活$/ }).click();

    // lands on the upload page logged in, and uploads a photo
    await page.waitForURL(/\/candidate/);
    const card = page.getByTestId('category-ID_CARD');
    await card.waitFor();
    await card.getByRole('button', { name: '上传' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('选择图片文件').setInputFiles({ name: 'id-front.jpg', mimeType: 'image/jpeg', buffer: await documentPhoto(7) });
    await dialog.getByRole('button', { name: '上传', exact: true }).click();
    const thumb = card.getByRole('img', { name: '材料图片' }).first();
    await thumb.waitFor({ timeout: 60_000 });
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await thumb.elementHandle(), {
      timeout: 60_000,
    });
    await logout(page);
    await page.close();
  });

  it('an incomplete link shows 链接无效 with the way to the normal login', async () => {
    const page = await browser.newPage();
    await page.goto(`${sys.url}/launch?v=1&kid=dev1`);
    await page.getByTestId('launch-error-title').waitFor();
    expect(await page.getByTestId('launch-error-title').textContent()).toBe('链接无效');
    expect(await page.getByTestId('launch-error-message').textContent()).toContain('链接不完整');
    await page.close();
  });
});

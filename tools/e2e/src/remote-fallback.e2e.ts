import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login, logout } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('one remote down', () => {
  let sys: Sys;
  let browser: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser();
    // the site-review deployment is down: every request to its origin fails the way a refused connection does
    // (the system is shared with the other files, so its server keeps running for them)
    const down = new RegExp(`^https?://[^/]+:${sys.ports.site_review}/`);
    await browser.route(down, (route) => route.abort('connectionrefused'));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('shows 暂时无法加载 with 重试 for the missing remote while the shell keeps working', async () => {
    const page = await browser.newPage();
    await login(page, sys.url, 'staff', 'site1201', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/site/);
    await page.getByText('暂时无法加载').first().waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: '重试' }).count()).toBeGreaterThan(0);
    // the shell itself still works: its layout and logout
    await logout(page);
    await page.close();
  });

  it('the other remotes still load', async () => {
    const page = await browser.newPage();
    const candidate = sys.seed.candidates[E2E_CANDIDATES.remoteFallback]!;
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    await page.getByTestId('category-ID_CARD').waitFor();
    expect(await page.getByText('暂时无法加载').count()).toBe(0);
    await logout(page);

    await login(page, sys.url, 'staff', 'district', DEMO_PASSWORDS.staff);
    await page.waitForURL(/\/district/);
    await page.getByRole('tab', { name: '各考点进度' }).click();
    await page.getByText('南开区考点').first().waitFor();
    expect(await page.getByText('暂时无法加载').count()).toBe(0);
    await page.close();
  });
});

// The candidate's inbox in the shell header, on the real system: the candidate's page is open while a site reviewer
// returns their dossier in another browser; without a reload the 消息 badge shows 1, the message names the returned
// item and the deadline, and reading it clears the badge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { DEMO_IN_REVIEW, DEMO_PASSWORDS, DEMO_SITE_PASSED } from '@exam/dev-tools';
import { launchBrowser, login } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('candidate inbox in the shell', () => {
  let sys: Sys;
  let phone: BrowserContext;
  let desk: BrowserContext;
  beforeAll(async () => {
    // it counts every unread message of its candidate exactly; no other file reviews, publishes or reminds this
    // candidate (E2E_CANDIDATES), so the shared system serves — a second message would be a duplicate notice
    sys = await startTestSystem();
    phone = await launchBrowser({ width: 375, height: 812 });
    desk = await launchBrowser({ width: 1366, height: 900 });
  });
  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await sys?.cleanup();
  });

  it('a return makes the badge show 1 without a reload; the message names the item and the deadline; reading it clears the badge', async () => {
    // a demo dossier waiting for the 和平区 site reviewer, of an activated candidate (this file's own)
    const index = E2E_CANDIDATES.inbox;
    expect(DEMO_IN_REVIEW).toContain(index);
    expect(DEMO_SITE_PASSED).not.toContain(index);
    const candidate = sys.seed.candidates[index]!;
    expect(candidate.activated && candidate.siteCode === '1201').toBe(true);
    const page = await phone.newPage();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    const button = page.getByTestId('inbox-button');
    await button.waitFor();
    const before = (await button.getAttribute('aria-label')) ?? '';
    expect(before).toBe('消息'); // nothing unread yet

    // the site reviewer returns the first image (模糊不清) — in another browser, by keyboard
    const reviewer = await desk.newPage();
    await login(reviewer, sys.url, 'staff', 'site1201', DEMO_PASSWORDS.staff);
    await reviewer.waitForURL(/\/site/);
    await reviewer.getByRole('row', { name: new RegExp(candidate.registrationNo) }).click();
    const view = reviewer.getByTestId('review-dossier');
    await view.waitFor();
    await expect.poll(async () => view.getAttribute('data-status')).toBe('PENDING_SITE');
    await reviewer.locator('[data-testid^="image-tile-"]').first().click();
    await reviewer.keyboard.press('n');
    await reviewer.getByTestId('reason-picker').waitFor();
    await reviewer.keyboard.press('1'); // 模糊不清
    await reviewer.keyboard.press('Enter');
    await reviewer.keyboard.press('r');
    await reviewer.getByTestId('decision-dialog').waitFor();
    await reviewer.getByTestId('decision-confirm').click();
    await expect.poll(async () => view.getAttribute('data-dossier-id'), { timeout: 20_000 }).not.toBe(null);

    // the candidate's open page: the badge turns to 1 by itself (polled every 30 s while visible)
    await expect
      .poll(async () => button.getAttribute('aria-label'), { timeout: 45_000, interval: 1_000 })
      .toMatch(/^消息，\d+ 条未读$/);
    // exactly one: the return's message (any other names itself here)
    const unread = await page.evaluate(async () => {
      const res = await fetch('/api/notification/inbox');
      const body = (await res.json()) as { items: { title: string; body: string; readAt: string | null; createdAt: string }[] };
      return body.items.filter((m) => !m.readAt).map((m) => `${m.createdAt} ${m.title}: ${m.body}`);
    });
    expect(unread).toEqual([expect.stringContaining('报名材料需要补充')]);
    expect(await button.getAttribute('aria-label')).toBe('消息，1 条未读');
    if (process.env['E2E_SCREENSHOTS']) await page.screenshot({ path: `${process.env['E2E_SCREENSHOTS']}/inbox-badge-375.png` });
    expect(await page.locator('.ant-badge-count').first().textContent()).toBe('1');

    await button.click();
    const drawer = page.getByRole('dialog', { name: '消息' });
    await drawer.waitFor();
    const item = drawer.getByRole('button', { name: /^未读：报名材料需要补充/ });
    await item.click();
    const body = (await drawer.getByTestId('inbox-message-body').textContent()) ?? '';
    const shots = process.env['E2E_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: `${shots}/inbox-375.png` });
    expect(body).toContain('模糊不清');
    expect(body).toMatch(/请在\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）前/);
    await expect.poll(async () => button.getAttribute('aria-label')).toBe('消息');
    // the badge's number leaves with antd's zoom-out animation
    await expect.poll(async () => page.locator('[data-testid="inbox-button"] >> xpath=.. >> .ant-badge-count:visible').count()).toBe(0);
  });
});

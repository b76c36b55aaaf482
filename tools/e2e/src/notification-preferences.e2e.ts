// 通知设置 in the shell's inbox drawer, on the real system, on a phone (375 px): the candidate sees every notice with
// a switch per channel; results, returns and deadlines are 必须接收 (on, disabled); switching 材料提交成功 off for email
// is saved and still off after a reload. Also looked at on a desk (1366 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('notification preferences in the shell', () => {
  let sys: Sys;
  let phone: BrowserContext;
  let desk: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    phone = await launchBrowser({ width: 375, height: 812 });
    desk = await launchBrowser({ width: 1366, height: 900 });
  });
  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await sys?.cleanup();
  });

  async function openSettings(page: Page) {
    const button = page.getByTestId('inbox-button');
    await button.waitFor();
    await button.click();
    const drawer = page.getByRole('dialog', { name: '消息' });
    await drawer.waitFor();
    await drawer.getByRole('button', { name: '通知设置' }).click();
    const settings = page.getByRole('dialog', { name: '通知设置' });
    await settings.getByTestId('notification-preferences').waitFor();
    return settings;
  }

  it('mandatory notices are on and disabled (必须接收); an optional one is switched off for email and stays off', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.notificationPreferences]!;
    const page = await phone.newPage();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    const settings = await openSettings(page);

    const result = settings.getByTestId('pref-RESULT_PUBLISHED');
    await expect.poll(() => result.getByText('必须接收').count()).toBe(1);
    for (const ch of ['站内信', '邮件', '短信']) {
      const sw = settings.getByRole('switch', { name: new RegExp(`^审核结果发布：${ch}`) });
      expect(await sw.isChecked()).toBe(true);
      expect(await sw.isDisabled()).toBe(true);
    }
    expect(await settings.getByTestId('pref-WINDOW_CLOSING_2H').getByText('必须接收').count()).toBe(1);
    // in-app is always on
    expect(await settings.getByRole('switch', { name: /^材料提交成功：站内信/ }).isDisabled()).toBe(true);

    const email = settings.getByRole('switch', { name: '材料提交成功：邮件', exact: true });
    expect(await email.isChecked()).toBe(true);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/notification/preferences') && r.request().method() === 'PUT');
    await email.click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => email.isChecked()).toBe(false);
    await page.getByText('已保存').first().waitFor();
    const shots = process.env['E2E_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: `${shots}/notification-preferences-375.png` });

    // still off after a reload; SMS of the same notice untouched
    await page.reload();
    const again = await openSettings(page);
    await expect.poll(() => again.getByRole('switch', { name: '材料提交成功：邮件', exact: true }).isChecked()).toBe(false);
    expect(await again.getByRole('switch', { name: '材料提交成功：短信', exact: true }).isChecked()).toBe(true);
    // and the server refuses to mute a mandatory notice with a Chinese message
    const refused = await page.evaluate(async () => {
      const csrf = /(?:^|; )(?:__Host-)?exam_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const r = await fetch('/api/notification/preferences', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ muted: { SMS: ['RESULT_PUBLISHED'] } }),
      });
      return { status: r.status, body: (await r.json()) as { error: { message: string } } };
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('必须接收');

    // the desk view of the same screen
    const deskPage = await desk.newPage();
    await login(deskPage, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await deskPage.waitForURL(/\/candidate/);
    const deskSettings = await openSettings(deskPage);
    await expect.poll(() => deskSettings.getByRole('switch', { name: '材料提交成功：邮件', exact: true }).isChecked()).toBe(false);
    if (shots) await deskPage.screenshot({ path: `${shots}/notification-preferences-1366.png` });
  });
});

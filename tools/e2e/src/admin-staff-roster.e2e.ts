import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { ROSTER_HEADERS, badRosterRows, rosterRow } from '@exam/testing';
import { launchBrowser, login, logout } from './browser.js';
import { pick, screenshot } from './journey-steps.js';
import { startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const SITE_CODE = 'E2E01';
const SITE_NAME = '端到端测试考点';
const REVIEWER = 'e2ereviewer';

/** A small roster: three good rows of the new site, and two bad ones (a wrong ID check digit, an unknown site). */
function rosterCsv(): string {
  const good = [1, 2, 3].map((i) => rosterRow(i, SITE_CODE, 'E2E'));
  const bad = badRosterRows(SITE_CODE, good[0]![0]!);
  const rows = [ROSTER_HEADERS as readonly string[], good[0]!, bad[0]!.cells, good[1]!, bad[3]!.cells, good[2]!];
  return `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}

describe('district admin: 考点与账号 and 报名数据导入', () => {
  let sys: Sys;
  let browser: BrowserContext;
  let oneTimePassword = '';
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser({ width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('the admin creates a site and a site reviewer for it, and reads the one-time password once', async () => {
    const page = await browser.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await page.goto(`${sys.url}/district/admin`);
    await page.getByRole('link', { name: '考点与账号' }).first().click();
    await page.getByTestId('sites-table').getByText('和平区').first().waitFor();
    await screenshot(page, 'staff-1366');

    // 新增考点: a taken code is refused with the server's words, then a new one is saved
    await page.getByRole('button', { name: '新增考点' }).click();
    const siteDialog = page.locator('.ant-modal:visible');
    await siteDialog.getByLabel('考点代码').fill('1201');
    await siteDialog.getByLabel('考点名称').fill(SITE_NAME);
    await siteDialog.getByRole('button', { name: '保存' }).click();
    await siteDialog.getByText('考点代码「1201」在本考区已存在，请换一个').waitFor();
    await siteDialog.getByLabel('考点代码').fill(SITE_CODE);
    await siteDialog.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('sites-table').getByText(SITE_NAME).waitFor();

    // 新增审核员 for the new site
    await page.getByRole('button', { name: '新增审核员' }).click();
    const staffDialog = page.locator('.ant-modal:visible');
    await pick(page, staffDialog, '考点', `${SITE_CODE} ${SITE_NAME}`);
    await staffDialog.getByLabel('用户名').fill('Bad Name');
    await staffDialog.getByLabel('姓名').fill('端到端审核员');
    await staffDialog.getByRole('button', { name: '创建账号' }).click();
    await staffDialog.getByText('用户名为 3–32 位小写字母').first().waitFor();
    await staffDialog.getByLabel('用户名').fill(REVIEWER);
    await staffDialog.getByRole('button', { name: '创建账号' }).click();

    const shown = page.getByTestId('one-time-password-dialog');
    await shown.waitFor();
    await shown.getByText('一次性密码只显示这一次').waitFor();
    oneTimePassword = ((await page.getByTestId('one-time-password').textContent()) ?? '').trim();
    expect(oneTimePassword).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    await screenshot(page, 'staff-one-time-password-1366');
    await page.getByRole('button', { name: '我已记下' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = page.getByTestId('staff-table').locator('tr', { hasText: REVIEWER });
    await row.getByText('待改密').waitFor();
    expect(await row.textContent()).toContain(SITE_NAME);
    expect(await page.getByText(oneTimePassword).count()).toBe(0); // shown once only
    await page.close();
  });

  it('the admin imports a roster: the dry run lists the two bad rows, the import runs to the end', async () => {
    const page = await browser.newPage();
    await page.goto(`${sys.url}/district/admin/roster`);
    await page.getByTestId('roster-import').waitFor();
    // the older year (the manual's window), so the demo year the other browser tests use keeps its candidates
    await pick(page, page.getByTestId('roster-import'), '考试年度', '2026年医师资格考试（2026）');
    await page.getByLabel('报名数据文件').setInputFiles({ name: '报名数据.csv', mimeType: 'text/csv', buffer: Buffer.from(rosterCsv(), 'utf8') });
    await page.getByRole('button', { name: '上传' }).click();
    const mapping = page.getByTestId('roster-mapping');
    await mapping.waitFor();
    // the suggested mapping: the field 报名号 on the column 报名号 (the label once, the chosen column once)
    expect(((await mapping.locator('tr', { hasText: '证件号码' }).textContent()) ?? '').split('证件号码').length - 1).toBe(2);
    await screenshot(page, 'roster-mapping-1366');

    await page.getByRole('button', { name: '试导入' }).click();
    const dry = page.getByTestId('dry-run-result');
    await dry.waitFor();
    expect(await dry.getByTestId('bad-rows-total').textContent()).toContain('共 2 行');
    await dry.getByText(/校验位不正确/).waitFor();
    await dry.getByText(/考点「不存在的考点」不存在/).waitFor();
    expect(await dry.getByTestId('count-rows').locator('.ant-statistic-content-value').textContent()).toBe('3');
    await screenshot(page, 'roster-dry-run-1366');

    await page.getByRole('button', { name: '开始导入' }).click();
    const progress = page.getByTestId('import-progress');
    await progress.getByTestId('import-state').getByText('导入完成').waitFor({ timeout: 60_000 });
    expect(await progress.getByTestId('count-new').locator('.ant-statistic-content-value').textContent()).toBe('3');
    expect(await progress.getByTestId('bad-rows-total').textContent()).toContain('共 2 行');
    await screenshot(page, 'roster-done-1366');

    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, 'roster-done-375');
    await page.goto(`${sys.url}/district/admin/staff`);
    await page.getByTestId('staff-table').getByText(REVIEWER).waitFor();
    await screenshot(page, 'staff-375');
    await logout(page);
    await page.close();
  });

  it('the new reviewer logs in with the one-time password, binds the authenticator and sets a new password', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 375, height: 812 });
    // login() binds TOTP, then stops at the password change the admin asked for
    await expect(login(page, sys.url, 'staff', REVIEWER, oneTimePassword)).rejects.toThrow(/asks for a new password/);
    const step = page.locator('[data-login-step="CHANGE_PASSWORD"]');
    await step.getByLabel('新密码', { exact: true }).fill('E2eReview2027');
    await step.getByLabel('确认新密码').fill('E2eReview2027');
    await step.getByRole('button', { name: '设置新密码并登录' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 20_000 });
    await page.getByText('端到端审核员').first().waitFor();
    await screenshot(page, 'reviewer-after-change-375');
    await page.close();
  });
});

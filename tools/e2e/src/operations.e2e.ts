// 运维 on the real system: a candidate logs in; the district admin opens 运维, sees every queue's counts, opens the
// read-only queue dashboard (bull-board under the shell's origin, its own CSP: no violations), and finds the
// candidate's login by searching the audit log for their 报名号 — on a desktop and on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { screenshot } from './journey-steps.js';
import { launchBrowser, login } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** Console errors and CSP refusals of a page (a refused script or style shows up here). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/fonts\.googleapis\.com/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

describe('district admin: 运维', () => {
  let sys: Sys;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let registrationNo = '';
  let candidateName = '';
  beforeAll(async () => {
    sys = await startTestSystem();
    desk = await launchBrowser({ width: 1366, height: 900 });
    phone = await launchBrowser({ width: 375, height: 812 });
    const candidate = sys.seed.candidates[E2E_CANDIDATES.operations]!;
    registrationNo = candidate.registrationNo;
    candidateName = candidate.name;
  });
  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await sys?.cleanup();
  });

  it('the admin sees the queues, opens the dashboard, and finds a candidate’s login in the audit log', async () => {
    // the candidate logs in (in a context of their own cookies, cleared afterwards)
    const cand = await desk.newPage();
    await login(cand, sys.url, 'candidate', registrationNo, DEMO_PASSWORDS.candidate);
    await cand.waitForURL((u) => !u.pathname.startsWith('/login'));
    await cand.close();
    await desk.clearCookies();

    const page = await desk.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    // from here on (the login page's session probe answers 401 by design)
    const pageErrors = watchErrors(page);
    await page.goto(`${sys.url}/district/admin`);
    await page.getByRole('link', { name: '运维' }).first().click();
    const queues = page.getByTestId('queue-summary');
    for (const label of ['图片处理', '截止时间', '通知分发', '邮件发送', '短信发送', '站内信', '报名数据导入']) {
      await queues.getByText(label, { exact: true }).waitFor();
    }
    expect(await queues.locator('tbody tr.ant-table-row').count()).toBe(7);

    // the dashboard: a new tab under the shell's origin, rendered by bull-board's own scripts
    const [board] = await Promise.all([desk.waitForEvent('page'), page.getByTestId('open-queue-board').click()]);
    const boardErrors = watchErrors(board);
    await board.waitForLoadState('domcontentloaded');
    expect(new URL(board.url()).origin).toBe(new URL(sys.url).origin);
    expect(new URL(board.url()).pathname).toBe('/api/notification/admin/queues/');
    await board.getByText('邮件发送（notify-email）').first().waitFor({ timeout: 30_000 });
    await board.getByText('报名数据导入（roster）').first().waitFor();
    await screenshot(board, 'operations-board-1366');
    expect(boardErrors).toEqual([]);
    await board.close();

    // the audit search: the candidate's login, with their name and 报名号
    await page.getByTestId('audit-candidate').fill(registrationNo);
    await page.getByTestId('audit-search').click();
    const list = page.getByTestId('audit-list');
    const row = list.getByRole('row').filter({ hasText: 'identity.login' }).filter({ hasText: registrationNo }).first();
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('登录');
    expect(text).toContain(candidateName);
    expect(text).toContain('考生');
    // only this candidate's rows
    const rows = await list.locator('tbody tr.ant-table-row').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toContain(registrationNo);
    await screenshot(page, 'operations-1366');

    // the admin's own login, by actor and action
    await page.getByTestId('audit-candidate').fill('');
    await page.getByLabel('操作人').fill('admin');
    await page.getByTestId('audit-search').click();
    await list.getByRole('row').filter({ hasText: 'identity.login' }).first().waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('the page reads on a phone (375 px): the queue table fits, audit rows are cards', async () => {
    const page = await phone.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await page.goto(`${sys.url}/district/admin/operations`);
    await page.getByTestId('queue-summary').getByText('邮件发送', { exact: true }).waitFor();
    await page.getByTestId('audit-candidate').fill(registrationNo);
    await page.getByTestId('audit-search').click();
    const card = page.getByTestId('audit-list').getByRole('row').filter({ hasText: registrationNo }).filter({ hasText: '登录' }).first();
    await card.waitFor();
    // nothing wider than the screen
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'operations-375');
    // the dashboard itself on a phone (bull-board's own layout)
    await page.goto(`${sys.url}/api/notification/admin/queues/`);
    await page.getByText('邮件发送（notify-email）').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'operations-board-375');
  });
});

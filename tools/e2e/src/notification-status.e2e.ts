// 通知发送状态 on the real system: a FAILED email notice (inserted in the run's own database, as the mail server
// rejecting the recipient would leave it) is shown to the district admin with its reason in Chinese; 重新发送 puts it
// back on the email queue, the real workers deliver it to the mail sink, and the page shows it 已发送.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { createPrismaClient } from '@exam/db';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { screenshot } from './journey-steps.js';
import { launchBrowser, login } from './browser.js';
import { E2E_CANDIDATES, startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const ADDRESS = 'e2e.rejected@example.com';

async function mailsTo(dir: string, address: string): Promise<number> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  let n = 0;
  for (const f of files) if ((await readFile(join(dir, f), 'utf8')).includes(address)) n++;
  return n;
}

describe('district admin: 通知发送状态', () => {
  let sys: Sys;
  let desk: BrowserContext;
  let phone: BrowserContext;
  let outboxId = '';
  let registrationNo = '';
  beforeAll(async () => {
    sys = await startTestSystem();
    desk = await launchBrowser({ width: 1366, height: 900 });
    phone = await launchBrowser({ width: 375, height: 812 });
    const prisma = createPrismaClient(sys.databaseUrl);
    try {
      // read only (its notices get one extra outbox row of their own): free to share with other files
      const demo = sys.seed.candidates[E2E_CANDIDATES.notificationStatus]!;
      const candidate = await prisma.candidate.findFirstOrThrow({ where: { registrationNo: demo.registrationNo }, include: { examYear: true } });
      registrationNo = candidate.registrationNo;
      const row = await prisma.notificationOutbox.create({
        data: {
          eventKey: 'e2e:notification-status',
          eventType: 'dossier.pending_site',
          recipientType: 'CANDIDATE',
          candidateId: candidate.id,
          channel: 'EMAIL',
          address: ADDRESS,
          templateCode: 'SUBMITTED',
          params: { name: candidate.name, year: candidate.examYear.name },
          status: 'FAILED',
          reason: 'RECIPIENT_REJECTED',
          attempts: 1,
          lastError: `550 5.1.1 <${ADDRESS}>: Recipient address rejected`,
        },
      });
      outboxId = row.id;
    } finally {
      await prisma.$disconnect();
    }
  });
  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    await sys?.cleanup();
  });

  it('the admin sees the failed notice with its reason, re-sends it, and sees it sent; the mail arrives once', async () => {
    const page = await desk.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await page.goto(`${sys.url}/district/admin`);
    await page.getByRole('link', { name: '通知发送状态' }).first().click();
    const counts = page.getByTestId('outbox-counts');
    await counts.getByText('报名材料提交成功').first().waitFor();
    const list = page.getByTestId('outbox-list');
    const row = list.getByRole('row', { name: /e\*\*\*@example\.com/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('收件地址被邮件服务器拒收');
    expect(await row.textContent()).toContain('发送失败');
    expect(await row.textContent()).toContain(registrationNo);
    expect(await page.content()).not.toContain(ADDRESS);
    await screenshot(page, 'notification-status-1366');

    await row.getByTestId('resend').click();
    await page.getByText('已重新加入发送队列').waitFor();
    // the workers deliver it; 刷新 until the row says 已发送
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: '刷新' }).click();
          await page.waitForTimeout(500);
          return (await list.getByRole('row', { name: /e\*\*\*@example\.com/ }).textContent()) ?? '';
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toContain('已发送');
    expect(await list.getByRole('row', { name: /e\*\*\*@example\.com/ }).getByTestId('resend').count()).toBe(0);
    await screenshot(page, 'notification-status-sent-1366');
    expect(await mailsTo(join(sys.dataDir, 'mail'), ADDRESS)).toBe(1);

    const prisma = createPrismaClient(sys.databaseUrl);
    try {
      const admin = await prisma.user.findFirstOrThrow({ where: { username: 'admin' } });
      const audits = await prisma.auditLog.findMany({ where: { action: 'notify.resend', targetId: outboxId, actorId: admin.id } });
      expect(audits).toHaveLength(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('the page reads on a phone (375 px): filters wrap, rows are cards', async () => {
    const page = await phone.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await page.goto(`${sys.url}/district/admin/notifications`);
    // on a phone the rows are cards: the status is in view without scrolling sideways
    const card = page.getByTestId('outbox-list').getByRole('row', { name: /e\*\*\*@example\.com/ });
    await card.waitFor();
    expect(await card.textContent()).toContain('已发送');
    // the page itself never scrolls sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'notification-status-375');
    // 重新发送全部失败 for this candidate, with nothing failed left, says so
    await page.getByLabel('报名号或姓名').fill(registrationNo);
    await page.getByLabel('报名号或姓名').press('Enter');
    await page.getByTestId('resend-all').click();
    await page.getByText('没有可重新发送的失败通知').waitFor();
  });
});

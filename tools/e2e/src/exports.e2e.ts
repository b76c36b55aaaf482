// 结果导出 on the real system: the district admin downloads the results as Excel (masked, then with full ID numbers
// after the confirmation) and the files open with a real reader and match the database; the screen at 1366 and 375 px.
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { createPrismaClient } from '@exam/db';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { maskIdNumber } from '@exam/domain';
import { screenshot } from './journey-steps.js';
import { launchBrowser, login } from './browser.js';
import { startTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** Clicks 下载 and returns the saved file's rows as text (exceljs reads it back). */
async function downloadXlsx(page: Page, confirm = false): Promise<{ name: string; rows: string[][] }> {
  const pending = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  if (confirm) {
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByText('导出完整身份证号将被记录').waitFor();
    await screenshot(page, 'exports-confirm-1366');
    await dialog.getByRole('button', { name: '确认导出' }).click();
  }
  const download = await pending;
  const path = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(path)) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return { name: download.suggestedFilename(), rows };
}

describe('district admin: 结果导出', () => {
  let sys: Sys;
  let browser: BrowserContext;
  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchBrowser({ width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.cleanup();
  });

  it('the admin downloads the results as Excel, masked and (after confirming) full, and both match the database', async () => {
    const prisma = createPrismaClient(sys.databaseUrl);
    try {
      const page = await browser.newPage();
      await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
      await page.goto(`${sys.url}/district/admin`);
      await page.getByRole('link', { name: '结果导出' }).first().click();
      await page.getByTestId('exports-page').waitFor();
      await page.getByRole('combobox', { name: '考试年度' }).waitFor();
      await expect.poll(() => page.locator('.ant-select-content, .ant-select-selection-item').first().textContent()).toMatch(/（/);
      await screenshot(page, 'exports-1366');

      const masked = await downloadXlsx(page);
      const yearCode = /^审核结果-(.+)\.xlsx$/.exec(masked.name)?.[1];
      expect(yearCode).toBe(sys.seed.demoYearCode); // the year picked first: the district's latest
      const candidates = await prisma.candidate.findMany({
        where: { examYear: { code: yearCode!, districtCode: '12' } },
        orderBy: { registrationNo: 'asc' },
        select: { registrationNo: true, name: true },
      });
      // the seeded candidates' ID numbers are known; other files of the run may import more into the year
      const idOf = new Map(sys.seed.candidates.map((c) => [c.registrationNo, c.idNumber]));
      expect(candidates.length).toBeGreaterThanOrEqual(sys.seed.candidates.length);
      const idColumn = (full: boolean) => (regNo: string, cell: string) => {
        const known = idOf.get(regNo);
        if (known) return full ? known : maskIdNumber(known);
        return full ? (/^\d{17}[\dX]$/.test(cell) ? cell : 'not a full ID number') : /^\d{3}\*{11}[\dX]{4}$/.test(cell) ? cell : 'not masked';
      };
      expect(masked.rows[0]!.slice(0, 4)).toEqual(['报名号', '姓名', '身份证号', '考点']);
      const mask = idColumn(false);
      expect(masked.rows.slice(1).map((r) => r.slice(0, 3))).toEqual(candidates.map((c, i) => [c.registrationNo, c.name, mask(c.registrationNo, masked.rows[i + 1]?.[2] ?? '')]));
      await page.getByText(`已下载：${masked.name}`).waitFor();

      await page.getByTestId('export-id-mode').getByText('完整身份证号').click();
      await page.getByText('导出将记录操作人、时间与条数').waitFor();
      const full = await downloadXlsx(page, true);
      const plain = idColumn(true);
      expect(full.rows.slice(1).map((r) => r.slice(0, 3))).toEqual(candidates.map((c, i) => [c.registrationNo, c.name, plain(c.registrationNo, full.rows[i + 1]?.[2] ?? '')]));
      const admin = await prisma.user.findFirstOrThrow({ where: { username: 'admin' } });
      const audits = await prisma.auditLog.findMany({ where: { action: 'review.export_full_id_numbers', actorId: admin.id } });
      expect(audits).toHaveLength(1);
      expect(audits[0]!.details).toMatchObject({ rows: candidates.length, full: true, format: 'xlsx' });

      // 各考点进度 as CSV downloads too
      await page.getByTestId('export-kind').getByText('各考点进度').click();
      await page.getByTestId('export-format').getByText('CSV').click();
      const pending = page.waitForEvent('download');
      await page.getByTestId('export-download').click();
      const csv = await readFile(await (await pending).path(), 'utf8');
      expect(csv.startsWith('\uFEFF考点,')).toBe(true);
      expect(csv).toContain('和平区考点');

      // the screen on a phone
      await page.setViewportSize({ width: 375, height: 800 });
      await page.getByTestId('export-kind').getByText('审核结果').click();
      // antd's Segmented slides a thumb from the option's old position (measured at 1366 px) to the new one;
      // measure the page once that transient element is gone, not mid-slide
      await page.locator('.ant-segmented-thumb').first().waitFor({ state: 'detached' });
      await screenshot(page, 'exports-375');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await prisma.$disconnect();
    }
  });
});

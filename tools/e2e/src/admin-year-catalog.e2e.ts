import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '@exam/dev-tools';
import { launchBrowser, login, logout } from './browser.js';
import { E2E_CANDIDATES, startOwnTestSystem } from './system-fixture.js';

type Sys = Awaited<ReturnType<typeof startOwnTestSystem>>;

/** E2E_SCREENSHOTS=<dir>: full-page screenshots of each screen, for looking at them. */
const SHOTS = process.env.E2E_SCREENSHOTS;
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.waitForTimeout(300); // let antd's motions settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const YEAR_CODE = 'E2E-YC';
const YEAR_NAME = '2028年医师资格考试（端到端）';
const DEMO_YEAR_NAME = '2027年医师资格考试（演示）';
const DEMO_YEAR_CODE = '2027';
const DEMO_NOTICE = '端到端提示：请上传原件的清晰照片，复印件无效。';

/** A recognisable example photo: a light document with dark lines (what a 示例 looks like). */
async function examplePhoto(): Promise<Buffer> {
  const lines = Array.from({ length: 8 }, (_, i) => `<rect x="50" y="${70 + i * 40}" width="${480 - (i % 3) * 80}" height="16" fill="#2a4d8f"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="560"><rect width="100%" height="100%" fill="#f4efe2"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

async function loaded(img: Locator) {
  await img.waitFor({ timeout: 30_000 });
  await img.page().waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
}

async function openAdminSection(page: Page, base: string, label: string) {
  await page.goto(`${base}/district/admin`);
  await page.getByRole('link', { name: label }).first().click();
}

describe('district admin: 考试年度 and 材料目录 with 示例 images', () => {
  let sys: Sys;
  let wide: BrowserContext;
  let phone: BrowserContext;
  let demoYearChanged = false;
  beforeAll(async () => {
    // it edits the demo year (notices, 材料说明, 示例 images) that every other file's candidates see: a system of its own
    sys = await startOwnTestSystem();
    wide = await launchBrowser({ width: 1366, height: 900 });
    phone = await launchBrowser({ width: 375, height: 812 });
  });
  afterAll(async () => {
    if (sys && wide) await restoreDemoYear();
    await wide?.close();
    await phone?.close();
    await sys?.cleanup();
  });

  it('the admin creates a year, edits a category of it and uploads an example image to the demo year', async () => {
    const page = await wide.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await openAdminSection(page, sys.url, '考试年度');
    await page.getByTestId('years-table').getByText(DEMO_YEAR_NAME).waitFor();

    // 新建年度: a bad window is refused with the server's words, then the year is saved
    await page.getByTestId('year-new').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByTestId('year-code').fill(YEAR_CODE);
    await dialog.getByTestId('year-name').fill(YEAR_NAME);
    await dialog.getByTestId('year-start').fill('2028-02-11 10:00');
    await dialog.getByTestId('year-end').fill('2028-01-29 10:00');
    await dialog.getByTestId('year-notices').fill('请使用手机拍摄原件。\n上传截止后系统自动锁定。');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.getByTestId('year-error').getByText('必须晚于开始时间').waitFor();
    await dialog.getByTestId('year-start').fill('2026-11-01 10:00'); // already open: its window edits need a confirmation
    await dialog.getByTestId('year-end').fill('2027-02-11 24:00');
    await dialog.getByRole('button', { name: '保存' }).click();
    const window = page.getByTestId(`year-window-${YEAR_CODE}`);
    await window.getByText('2026年11月1日10:00 至 2027年2月11日24:00').waitFor();
    await window.getByText('上传中').waitFor();

    // moving the end of an opened window: the server asks for a confirmation that says what changes
    await page.getByTestId(`year-edit-${YEAR_CODE}`).click();
    const edit = page.locator('.ant-modal:visible').first();
    await edit.getByTestId('year-end').fill('2027-02-12 24:00');
    await edit.getByRole('button', { name: '保存' }).click();
    const confirm = page.locator('.ant-modal-confirm:visible');
    await confirm.getByText('截止时间由 2027年2月11日24:00 改为 2027年2月12日24:00').waitFor();
    await shot(page, 'year-confirm-1366');
    await confirm.getByRole('button', { name: '确认修改' }).click();
    await window.getByText('2026年11月1日10:00 至 2027年2月12日24:00').waitFor();

    // 材料说明 PDF for the new year: uploaded, then served to the admin through the authorised handler
    await page.getByRole('button', { name: `上传材料说明 ${YEAR_NAME}` }).click();
    await page.getByTestId('guide-input').setInputFiles({ name: '材料说明.pdf', mimeType: 'application/pdf', buffer: pdf });
    const guide = page.getByTestId(`year-guide-${YEAR_CODE}`);
    await guide.waitFor();
    const guideRes = await page.request.get(`${sys.url}${await guide.getAttribute('href')}`);
    expect(guideRes.status()).toBe(200);
    expect(guideRes.headers()['content-type']).toBe('application/pdf');
    await shot(page, 'years-1366');

    // 材料目录 of the new year: edit a category
    await openAdminSection(page, sys.url, '材料目录');
    await page.getByTestId('catalog-year').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle(YEAR_NAME).click();
    await page.getByTestId('catalog-GRAD_CERT').waitFor();
    await page.getByTestId('category-edit-GRAD_CERT').click();
    const category = page.locator('.ant-modal:visible');
    await category.getByTestId('category-name').fill('毕业证书（原件）');
    await category.getByTestId('category-max').fill('3');
    await category.getByRole('button', { name: '保存' }).click();
    await page.getByTestId('catalog-GRAD_CERT').getByText('毕业证书（原件）').waitFor();
    await page.getByTestId('catalog-GRAD_CERT').getByText('1–3 张').waitFor();

    // the demo year's 学位证书: upload its 示例 (a non-image is refused first; restoreDemoYear removes it again)
    demoYearChanged = true;
    await page.getByTestId('catalog-year').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle(DEMO_YEAR_NAME).click();
    await page.getByTestId('catalog-DEGREE_CERT').waitFor();
    await page.getByTestId('category-example-DEGREE_CERT').click();
    await page.getByTestId('example-input').setInputFiles({ name: 'x.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not an image at all') });
    await page.getByTestId('catalog-error').getByText('示例图片不可用').waitFor();
    await page.getByTestId('category-example-DEGREE_CERT').click();
    await page.getByTestId('example-input').setInputFiles({ name: '学位证书示例.jpg', mimeType: 'image/jpeg', buffer: await examplePhoto() });
    await loaded(page.getByTestId('catalog-example-DEGREE_CERT'));
    await shot(page, 'catalog-1366');

    // the demo year's 提示 and 材料说明 for its candidates (removed again after the candidate looked: restoreDemoYear)
    await openAdminSection(page, sys.url, '考试年度');
    await page.getByTestId(`year-edit-${DEMO_YEAR_CODE}`).click();
    const demo = page.locator('.ant-modal:visible');
    await demo.getByTestId('year-notices').fill(DEMO_NOTICE);
    await demo.getByRole('button', { name: '保存' }).click();
    await page.getByText('年度已保存').waitFor();
    await page.getByRole('button', { name: `上传材料说明 ${DEMO_YEAR_NAME}` }).click();
    await page.getByTestId('guide-input').setInputFiles({ name: '材料说明.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByTestId(`year-guide-${DEMO_YEAR_CODE}`).waitFor();
    await logout(page);
    await page.close();

    // the same screens at phone width
    const small = await phone.newPage();
    await login(small, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await openAdminSection(small, sys.url, '考试年度');
    await small.getByTestId(`year-window-${YEAR_CODE}`).waitFor();
    await shot(small, 'years-375');
    await small.getByTestId(`year-edit-${YEAR_CODE}`).click();
    await small.locator('.ant-modal:visible').getByTestId('year-name').waitFor();
    await shot(small, 'year-dialog-375');
    await small.locator('.ant-modal:visible').getByRole('button', { name: '取消' }).click();
    await openAdminSection(small, sys.url, '材料目录');
    await small.getByTestId('catalog-DEGREE_CERT').waitFor();
    await shot(small, 'catalog-375');
    await logout(small);
    await small.close();
  });

  it('a candidate of the demo year sees the example image in 示例 and in the upload dialog, and uploads', async () => {
    const candidate = sys.seed.candidates[E2E_CANDIDATES.adminYearCatalog]!;
    const page = await phone.newPage();
    await login(page, sys.url, 'candidate', candidate.registrationNo, DEMO_PASSWORDS.candidate);
    await page.waitForURL(/\/candidate/);
    const card = page.getByTestId('category-DEGREE_CERT');
    await card.getByRole('button', { name: '示例：学位证书' }).click();
    const example = page.getByTestId('example-image');
    await loaded(example);
    expect(await example.getAttribute('src')).toMatch(/^\/api\/material\/categories\/[0-9a-f-]+\/example\/[0-9a-f-]+$/);
    await shot(page, 'candidate-example-375');
    await page.getByRole('button', { name: '知道了' }).click();

    await card.getByRole('button', { name: '上传' }).click();
    const dialog = page.getByRole('dialog');
    await loaded(dialog.getByTestId('upload-example').getByRole('img'));
    await shot(page, 'candidate-upload-dialog-375');
    await dialog.getByLabel('选择图片文件').setInputFiles({ name: 'degree.jpg', mimeType: 'image/jpeg', buffer: await examplePhoto() });
    await dialog.getByRole('button', { name: '上传', exact: true }).click();
    await loaded(card.getByRole('img', { name: '材料图片' }).first());

    // the year's 提示 and the 「材料说明」 link, which opens the PDF through the authorised handler
    await page.getByTestId('year-notices').getByText(DEMO_NOTICE).waitFor();
    const guide = page.getByTestId('guide-link');
    const res = await page.request.get(`${sys.url}${await guide.getAttribute('href')}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'candidate-notices-375');
    await logout(page);
    await page.close();
  });

  /** Leaves the demo year as the other browser tests expect it: no 提示, no 材料说明, no 示例 image. */
  async function restoreDemoYear() {
    if (!demoYearChanged) return;
    const context = await launchBrowser({ width: 1366, height: 900 }); // a fresh one: not logged in whatever happened before
    const page = await context.newPage();
    await login(page, sys.url, 'staff', 'admin', DEMO_PASSWORDS.staff);
    await openAdminSection(page, sys.url, '考试年度');
    await page.getByTestId(`year-edit-${DEMO_YEAR_CODE}`).click();
    const demo = page.locator('.ant-modal:visible');
    await demo.getByTestId('year-notices').fill('');
    await demo.getByRole('button', { name: '保存' }).click();
    await page.getByText('年度已保存').waitFor();
    if (await page.getByTestId(`year-guide-${DEMO_YEAR_CODE}`).count()) {
      await page.getByRole('button', { name: `删除材料说明 ${DEMO_YEAR_NAME}` }).click();
      await page.locator('.ant-popover:visible').getByRole('button', { name: '删除' }).click();
      await page.getByTestId(`year-guide-${DEMO_YEAR_CODE}`).waitFor({ state: 'detached' });
    }
    await openAdminSection(page, sys.url, '材料目录');
    await page.getByTestId('catalog-year').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle(DEMO_YEAR_NAME).click();
    await page.getByTestId('catalog-DEGREE_CERT').waitFor();
    if (await page.getByTestId('catalog-example-DEGREE_CERT').count()) {
      await page.getByRole('button', { name: '删除示例图 学位证书' }).click();
      await page.locator('.ant-popover:visible').getByRole('button', { name: '删除' }).click();
      await page.getByTestId('catalog-example-DEGREE_CERT').waitFor({ state: 'detached' });
    }
    await logout(page);
    await context.close();
  }
});
